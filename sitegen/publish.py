"""Publish stage: writes the rendered outputs beside the target and swaps them in only when all is written."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path


def _leftovers(out: Path) -> list[Path]:
    return [p for p in out.parent.glob(f".{out.name}.*-*") if p.is_dir()]


def publish(outputs: Mapping[str, bytes], out: Path) -> None:
    """Replaces `out` with exactly `outputs`; on any failure the previous `out` is left as it was."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in _leftovers(out):  # from a build that was killed; the published folder is never among them
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for rel in sorted(outputs):
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(outputs[rel])
        os.chmod(staging, 0o755)
        if out.exists():
            retired = out.parent / f".{out.name}.old-{os.getpid()}"
            os.rename(out, retired)
            os.rename(staging, out)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
