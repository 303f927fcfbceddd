"""One-click subscribe links (Google, Outlook.com, Microsoft 365, Apple) and the address to copy, each for the
page's own feed, which exists in the built site."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import FIXTURE_SITE, TEMPLATES

from sitegen.build import build
from sitegen.calendar import slug
from sitegen.history import NO_HISTORY_ENV

TODAY = dt.date(2026, 3, 1)
BASE = "https://test.example.org/sub"  # the fixture's base_url from site.yaml, with a base path


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("subscribe") / "public"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(NO_HISTORY_ENV, "1")
        build(FIXTURE_SITE, out, TEMPLATES, TODAY)
    return out


def _own_feeds(site: Path) -> dict[str, str]:
    """Every page that must offer a subscription, with the path of its own feed."""
    expected = {"kalender/index.html": "/kalender.ics"}
    for place in ("Gävle", "Sandviken", "Digitalt", "Hela länet"):
        expected[f"kalender/kommun/{slug(place)}/index.html"] = f"/kalender/kommun/{slug(place)}.ics"
    for folder in sorted((site / "foreningar").iterdir()):
        if (folder / "index.html").is_file() and folder.name not in ("kommun", "malgrupp"):
            expected[f"foreningar/{folder.name}/index.html"] = f"/kalender/forening/{folder.name}.ics"
            expected[f"kalender/forening/{folder.name}/index.html"] = f"/kalender/forening/{folder.name}.ics"
    return expected


def _section(page: str) -> str:
    match = re.search(r'<section class="subscribe".*?</section>', page, re.DOTALL)
    assert match, "no subscribe section"
    return match.group(0)


def _links(section: str) -> dict[str, str]:
    links = {html.unescape(text): html.unescape(href) for href, text in
             re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', section)}
    links["copy"] = html.unescape(re.search(r'<input id="kalenderadress"[^>]*readonly value="([^"]+)"', section).group(1))
    return links


def _feed_urls(links: dict[str, str]) -> dict[str, str]:
    """The feed address each link hands to its calendar app, as an https address."""
    google = urlsplit(links["Google Kalender"])
    live = urlsplit(links["Outlook.com"])
    office = urlsplit(links["Outlook i Microsoft 365"])
    assert (google.scheme, google.netloc, google.path) == ("https", "calendar.google.com", "/calendar/r")
    assert (live.netloc, live.path) == ("outlook.live.com", "/calendar/0/addfromweb")
    assert (office.netloc, office.path) == ("outlook.office.com", "/calendar/0/addfromweb")
    [cid] = parse_qs(google.query)["cid"]
    assert cid.startswith("webcal://")
    apple = links["Apple Kalender"]
    assert apple.startswith("webcal://")
    return {"google": "https://" + cid.removeprefix("webcal://"), "outlook.com": parse_qs(live.query)["url"][0],
            "microsoft 365": parse_qs(office.query)["url"][0], "apple": "https://" + apple.removeprefix("webcal://"),
            "copy": links["copy"]}


def test_every_calendar_and_association_page_offers_its_own_feed_to_every_app(site):
    expected = _own_feeds(site)
    assert len(expected) >= 7
    for page, feed in expected.items():
        links = _links(_section((site / page).read_text("utf-8")))
        for app, url in _feed_urls(links).items():
            assert url == BASE + feed, f"{page}: {app} gets {url}, not its own feed {BASE + feed}"
        assert (site / feed.lstrip("/")).is_file(), f"{page}: the feed {feed} is not in the output"
        assert links[feed.rsplit("/", 1)[1]].endswith(feed.rsplit("/", 1)[1])


def test_outlook_links_name_the_calendar(site):
    section = _section((site / "kalender/kommun/gavle/index.html").read_text("utf-8"))
    for app in ("Outlook.com", "Outlook i Microsoft 365"):
        assert parse_qs(urlsplit(_links(section)[app]).query)["name"] == ["Testplatsen – Gävle"]


def test_google_link_is_the_webcal_address_url_encoded(site):
    section = _section((site / "kalender/index.html").read_text("utf-8"))
    google = _links(section)["Google Kalender"]
    assert google == "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Ftest.example.org%2Fsub%2Fkalender.ics"


def test_the_apps_are_only_plain_links(site):
    for path in site.rglob("*.html"):
        text = path.read_text("utf-8")
        for host in ("calendar.google.com/calendar/r", "outlook.live.com", "outlook.office.com"):
            for match in re.finditer(re.escape(host), text):
                before = text[max(0, match.start() - 60):match.start()]
                assert re.search(r'<a href="https://$', before), f"{path}: {host} used other than in a link"
    assert "<script" not in _section((site / "kalender/index.html").read_text("utf-8"))


def test_address_to_copy_is_a_labelled_readonly_field(site):
    section = _section((site / "kalender/index.html").read_text("utf-8"))
    assert re.search(r'<label for="kalenderadress">[^<]*kopiera\s+adressen', section)
    assert f'readonly value="{BASE}/kalender.ics"' in section


def test_help_says_how_long_each_app_takes_and_how_to_stop(site):
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", _section((site / "kalender/index.html").read_text("utf-8"))))
    assert "Google Kalender kan ta upp till ett dygn, ibland mer." in text
    assert "Outlook hämtar den några gånger om dygnet, så det tar några timmar." in text
    assert "I Apple Kalender väljer du själv hur ofta den hämtas" in text
    assert "Sluta prenumerera" in text and "Ta bort kalendern ”Testplatsen” ur listan med kalendrar" in text
