"""`make linkcheck`: asks every external address the built site links to whether it still answers.

A report, never a failed build: other sites are not ours to fix, and a site that is down today may be up
tomorrow. Internal links are a gate in `make test` (tests/test_gates.py).
"""

from __future__ import annotations

import sys
import tempfile
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitecheck import CONTENT, build_site, link_problems  # noqa: E402

TIMEOUT = 15


def status(url: str) -> str:
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "sitegen-linkcheck"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return str(response.status)
    except urllib.error.HTTPError as exc:
        if exc.code == 405:  # some servers refuse HEAD; ask again with GET
            try:
                with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
                    return str(response.status)
            except (urllib.error.URLError, OSError) as again:
                return f"fel: {again}"
        return str(exc.code)
    except (urllib.error.URLError, OSError) as exc:
        return f"fel: {getattr(exc, 'reason', exc)}"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = build_site(CONTENT, Path(tmp) / "public")
        _problems, _checked, external = link_problems(site)
    urls = sorted(u for u in external if u.startswith(("http://", "https://")))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(status, urls))
    bad = [(u, s) for u, s in zip(urls, results, strict=True) if not s.startswith(("2", "3"))]
    for url, result in bad:
        print(f"{result:<40} {url}")
    print(f"{len(urls)} externa länkar kontrollerade, {len(bad)} svarade inte som de ska.")


if __name__ == "__main__":
    main()
