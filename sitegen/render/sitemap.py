"""Sitemap renderer: sitemap.xml listing every HTML page with its absolute address."""

from __future__ import annotations

from collections.abc import Iterator

from . import Context, Output


def render(ctx: Context) -> Iterator[Output]:
    base = ctx.model.site.base_url.rstrip("/")
    urls = [base + url for url in ctx.pages if url != "/404.html"]
    xml = ctx.env.get_template("sitemap.xml").render(urls=urls)
    yield "sitemap.xml", xml.encode("utf-8")
