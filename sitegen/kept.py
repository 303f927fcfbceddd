"""What a build keeps for the next one besides its manifest: the checks of each Markdown text.

The limits (sitegen/markup.py), the content rules (sitegen/rules.py) and the site links (sitegen/links.py)
of a text depend on the text, its page's address and sitegen's own code only, and its headings' ids on those
and its page's HTML (kept by the page's digest), so a build after an edit checks again only the texts that
changed and takes the others' findings from the last build. Their problems are
reported on every build all the same: kept findings are placed at the text's file and line as new ones are.
The file is JSON (`.sitegen-cache/checks-public.json`), ignored when it was written by other code, cannot be
read or is not understood: it only saves time.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .errors import Problem
from .memos import Memo

FORMAT = 2
Links = dict[tuple[str, str], list[tuple[int, str, tuple[str, str]]]]  # links.Resolved by (text, page address)


def path_for(out: Path) -> Path:
    from .incremental import Manifest

    manifest = Manifest.path_for(out)
    return manifest.with_name(f"checks-{manifest.stem}.json")


def load(out: Path, code: str) -> tuple[Memo, Links]:
    """The kept findings for a build by the generator whose code digest is `code` (empty when there are none)."""
    memo: Memo = Memo()
    links: Links = {}
    try:
        raw = json.loads(path_for(out).read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT or raw.get("code") != code:
            return Memo(), {}
        texts = raw["texts"]
        for number, found in raw["limits"]:
            memo.put(("limits", texts[number]), [(int(line), str(message)) for line, message in found])
        for number, url, found in raw["rules"]:
            memo.put(("rules", texts[number], url), [Problem(**problem) for problem in found])
        for number, url, page, found in raw["ids"]:
            memo.put(("ids", texts[number], url), (str(page), [Problem(**problem) for problem in found]))
        links = {(texts[number], url): [(int(i), str(t), (str(p), str(f))) for i, t, (p, f) in found]
                 for number, url, found in raw["links"]}
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return Memo(), {}
    return memo, links


def save(out: Path, code: str, memo: Memo, links: Links) -> None:
    """Keeps this build's findings for the next one (a file that cannot be written only costs time)."""
    texts: dict[str, int] = {}
    found: dict[str, list[Any]] = {"limits": [], "rules": [], "ids": []}
    for key, value in memo.items():
        if not isinstance(key, tuple) or not key:
            continue
        kind = key[0]
        if kind == "limits":
            found["limits"].append([texts.setdefault(key[1], len(texts)), value])
        elif kind == "rules" and isinstance(value, list):
            found["rules"].append([texts.setdefault(key[1], len(texts)), key[2], [_problem(p) for p in value]])
        elif kind == "ids" and isinstance(value, tuple) and isinstance(value[0], str):  # (page digest, problems)
            found["ids"].append([texts.setdefault(key[1], len(texts)), key[2], value[0],
                                 [_problem(p) for p in value[1]]])
    kept_links = [[texts.setdefault(text, len(texts)), url, value] for (text, url), value in links.items()]
    data = {"format": FORMAT, "code": code, "texts": list(texts), **found, "links": kept_links}
    path = path_for(out)
    try:
        tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def _problem(problem: Problem) -> dict[str, Any]:
    return {"file": problem.file, "line": problem.line, "field": problem.field, "message": problem.message,
            "severity": problem.severity}
