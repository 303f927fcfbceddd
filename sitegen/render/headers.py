"""Headers renderer: `_headers`, read by static hosts (Netlify, Cloudflare Pages and the like) for HTTP headers.

GitHub Pages and GitLab Pages ignore the file; docs/publicera.md says what they send instead.

The same Content-Security-Policy is in every page's <meta> tag, for hosts that ignore this file. It
allows only the site's own origin: no inline scripts or styles, no third-party requests. A JSON-LD block
(<script type="application/ld+json">) is data, not a script, and is not blocked by it.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import Context, Output

# Reads no content at all (see sitegen/incremental.py): made again only when the generator changes.
DEPENDS: tuple[str, ...] = ()

# 'wasm-unsafe-eval' is for the search page: Pagefind's search engine is WebAssembly, compiled in a Web Worker
# (or in the page when a worker cannot start). It allows compiling WebAssembly from the site's own files only,
# never eval() of JavaScript; no other page has a script. It must be in the site-wide policy, because hosts
# that read `_headers` join the headers of overlapping rules, so a rule for /sok/ alone could not loosen "/*".
CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; base-uri 'self'; form-action 'self'; object-src 'none'"
# Only an HTTP header can forbid framing; a <meta> tag with frame-ancestors is ignored by browsers.
HEADER_CSP = f"{CSP}; frame-ancestors 'none'"
# Pages, feeds and files may be kept five minutes: an edit shows soon, and slow connections are spared
# the same bytes on every page. Set once for all paths, because hosts join the values of matching rules.
CACHE = "public, max-age=300"

HEADERS = {
    "Content-Security-Policy": HEADER_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": CACHE,
}
# Calendar apps and phones recognise a subscription by its type, whatever the host guesses from the name.
# Attachments are the coordinator's files, served from the site's own origin: they may show images, styles and
# sound, but never run a script or load anything from elsewhere (an SVG opened on its own is a document that
# could otherwise script). A host joins this policy to the site-wide one with a comma, which for this header
# alone means "two policies, both enforced", so the result is only stricter. "/*" already sends nosniff; the
# preview server (sitegen/serve.py) sends both headers for /files/ itself.
FILES_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; media-src 'self'; sandbox"
FILES_HEADERS = {"Content-Security-Policy": FILES_CSP, "X-Content-Type-Options": "nosniff"}
RULES = [("/*", HEADERS), ("/*.ics", {"Content-Type": "text/calendar; charset=utf-8"}),
         ("/files/*", {"Content-Security-Policy": FILES_CSP})]


def render(ctx: Context) -> Iterator[Output]:
    lines: list[str] = []
    for pattern, headers in RULES:
        lines += [pattern, *(f"  {name}: {value}" for name, value in headers.items())]
    yield "_headers", ("\n".join(lines) + "\n").encode("utf-8")
