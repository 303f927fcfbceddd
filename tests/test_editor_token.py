"""The editor's session token outlives a restart of the preview, so a form opened before it can still be saved;
only a token file of this user's that nobody else can read is trusted."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from conftest import TEMPLATES

from sitegen.cms.app import TOKEN_FILE, Editor, session_token
from sitegen.outdir import CACHE_DIR


def test_a_restarted_preview_keeps_the_token_of_the_forms_already_open(tmp_path: Path):
    (tmp_path / "content").mkdir()
    before = Editor(tmp_path / "content", TEMPLATES, None).token
    after = Editor(tmp_path / "content", TEMPLATES, None).token  # a new preview server on the same project
    assert before == after and len(before) >= 40
    kept = tmp_path / CACHE_DIR / TOKEN_FILE
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_a_token_file_others_can_read_is_replaced(tmp_path: Path):
    first = session_token(tmp_path)
    (tmp_path / TOKEN_FILE).chmod(0o644)
    second = session_token(tmp_path)
    assert second != first
    assert stat.S_IMODE((tmp_path / TOKEN_FILE).stat().st_mode) == 0o600
    assert session_token(tmp_path) == second


@pytest.mark.parametrize("text", ["", "short", "x" * 43 + "\n" + "y", "<script>" + "a" * 35])
def test_a_token_file_that_is_not_a_token_is_replaced(tmp_path: Path, text: str):
    path = tmp_path / TOKEN_FILE
    path.write_text(text)
    path.chmod(0o600)
    token = session_token(tmp_path)
    assert token != text.strip() and path.read_text() == token


def test_a_link_in_place_of_the_token_file_is_not_followed(tmp_path: Path):
    secret = tmp_path / "elsewhere"
    secret.write_text("A" * 43)
    secret.chmod(0o600)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / TOKEN_FILE).symlink_to(secret)
    token = session_token(tmp_path / "cache")
    assert token != "A" * 43
    assert secret.read_text() == "A" * 43  # the link's target is left alone
    assert not (tmp_path / "cache" / TOKEN_FILE).is_symlink()


def test_a_cache_folder_that_cannot_be_made_still_gives_a_token(tmp_path: Path):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the folder should be")
    first, second = session_token(blocked), session_token(blocked)
    assert len(first) >= 40 and first != second  # each preview then has its own
    assert blocked.read_text() == "a file where the folder should be"
