"""Publishing from the browser: the changes in plain Swedish, the full check, a commit with her name, a push.

The list of changes comes from `git status` and the content model (which entry is new, changed or cancelled),
not from a diff. Git's failures are shown in Swedish with what to do; a commit that could not be pushed stays
on this computer and is pushed by the next Publicera.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruamel.yaml import YAML

from .. import contentfs
from . import store
from .check import current_problems
from .forms import one
from .store import COLLECTIONS, Collection
from .web import Request, Response, redirect

if TYPE_CHECKING:
    from .app import Editor

PUSH_SECONDS = 120


@dataclass(frozen=True)
class Git:
    """The repository the content folder is in."""

    root: Path
    content: str  # content/ relative to the root, "content"

    def run(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_ASKPASS": "", "SSH_ASKPASS": ""}
        return subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True, env=env,
                              timeout=timeout, check=False, stdin=subprocess.DEVNULL)

    def out(self, *args: str) -> str:
        done = self.run(*args)
        return done.stdout.strip() if done.returncode == 0 else ""


def repository(content: Path) -> Git | None:
    try:
        done = subprocess.run(["git", "-C", str(content), "rev-parse", "--show-toplevel"], capture_output=True,
                              text=True, check=False, timeout=10, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    root = Path(done.stdout.strip())
    return Git(root, content.resolve().relative_to(root.resolve()).as_posix())


# --- the changes in plain Swedish -------------------------------------------------------------------------------

def _status(git: Git) -> list[tuple[str, str]]:
    """(state, path below content/) of every changed file: "A" new, "M" changed, "D" removed."""
    done = git.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", git.content)
    fields = done.stdout.split("\0")
    found, index = [], 0
    while index < len(fields) and fields[index]:
        code, path = fields[index][:2], fields[index][3:]
        index += 2 if code[0] in "RC" else 1  # a rename is followed by its old name
        state = "D" if "D" in code else "A" if code in ("??", "A ", "AM") or code[0] in "RC" else "M"
        found.append((state, path.removeprefix(git.content + "/")))
    return found


def _load(text: str) -> Any:
    try:
        return YAML(typ="safe", pure=True).load(text) if text.strip() else None
    except Exception:
        return None


def _keyed(collection: Collection, data: Any) -> dict[str, Mapping[str, Any]]:
    items = [e for e in data if isinstance(e, Mapping)] if isinstance(data, list) else []
    if collection.keyed:
        return {str(e.get("id")): e for e in items}
    return {str(i + 1): e for i, e in enumerate(items)}


def _name(collection: Collection, entry: Mapping[str, Any]) -> str:
    name = str(entry.get(collection.label) or entry.get("id") or "")
    start = entry.get("start")
    return f"{name} ({str(start)[:10]})" if collection.slug == "handelser" and start else name


def _list_changes(git: Git, collection: Collection, path: str) -> list[str]:
    old = _keyed(collection, _load(git.out("show", f"HEAD:{git.content}/{path}")))
    new = _keyed(collection, _load(_text(git, path)) if (git.root / git.content / path).is_file() else None)
    lines = []
    for key, entry in new.items():
        if key not in old:
            lines.append(f"{collection.new}: {_name(collection, entry)}")
        elif entry != old[key]:
            was, now = old[key].get("cancelled") is True, entry.get("cancelled") is True
            word = "Inställd händelse" if now and not was else "Inte längre inställd" if was and not now \
                else collection.changed
            lines.append(f"{word}: {_name(collection, entry)}")
    lines += [f"Borttagen {collection.noun}: {_name(collection, old[k])}" for k in old if k not in new]
    return lines


def _collection_of(path: str) -> Collection | None:
    for collection in COLLECTIONS.values():
        if path == collection.path or (collection.path == "events" and path.startswith("events/")
                                       and path.endswith(".yaml") and path.count("/") == 1):
            return collection
    return None


def _text(git: Git, path: str) -> str:
    """A changed content file's text, read as the build reads it (never through a link, never a pipe)."""
    try:
        return store.read(git.root / git.content / path, git.root / git.content)
    except contentfs.UnsafeFile:
        return ""


def _text_title(git: Git, path: str, state: str) -> str:
    text = git.out("show", f"HEAD:{git.content}/{path}") if state == "D" else _text(git, path)
    try:
        return str(store.read_front(text).get("title") or Path(path).stem)
    except Exception:
        return Path(path).stem


def describe(git: Git) -> list[str]:
    """Every change under content/ in plain Swedish: "Ny händelse: …", "Ändrad förening: …", "Ny bilaga: …"."""
    words = {"news": ("Ny nyhet", "Ändrad nyhet", "Borttagen nyhet"), "pages": ("Ny sida", "Ändrad sida", "Borttagen sida"),
             "files": ("Ny bilaga", "Ändrad bilaga", "Borttagen bilaga")}
    lines: list[str] = []
    for state, path in _status(git):
        collection = _collection_of(path)
        folder = path.split("/")[0]
        word = words.get(folder, ("Ny fil", "Ändrad fil", "Borttagen fil"))["AMD".index(state)]
        if collection is not None:
            lines += _list_changes(git, collection, path) or [f"Ändrade kommentarer eller ordning i {git.content}/{path}"]
        elif folder in ("news", "pages") and path.endswith(".md"):
            lines.append(f"{word}: {_text_title(git, path, state)}")
        elif folder == "files":
            lines.append(f"{word}: {path.removeprefix('files/')}")
        elif path == "site.yaml":
            lines.append("Ändrade inställningar för webbplatsen (site.yaml)")
        else:
            lines.append(f"{word}: {git.content}/{path}")
    return lines


def unpushed(git: Git) -> int:
    """Commits made here but not yet pushed (0 when there is no remote branch to compare with)."""
    count = git.out("rev-list", "--count", "@{u}..HEAD")
    return int(count) if count.isdigit() else 0


# --- the page ----------------------------------------------------------------------------------------------------

def publish_page(editor: Editor, request: Request) -> Response:
    git = repository(editor.content)
    if git is None:
        return editor.page("meddelande.html", 200, heading="Publicera",
                           message="Mappen med innehållet är inte kopplad till git, så editorn kan inte publicera. "
                                   "Be den som sköter tekniken att göra projektet till ett git-förråd (git clone).")
    if request.method == "POST":
        return _publish(editor, git, request)
    result = editor.results.pop(request.arg("resultat"), None)
    return _form(editor, git, {}, {}, [], result=result)


def _form(editor: Editor, git: Git, values: Mapping[str, list[str]], errors: dict[str, str], problems: list[str],
          status: int = 200, result: tuple[str, str] | None = None) -> Response:
    has_name = bool(git.out("config", "user.name"))
    has_email = bool(git.out("config", "user.email"))
    summary = [(f"#f-{k}", v) for k, v in errors.items()]
    return editor.page("publicera.html", status, changes=describe(git), waiting=unpushed(git),
                       remote=bool(git.out("remote")), ask_name=not has_name, ask_email=not has_email,
                       values={k: one(values, k) for k in ("beskrivning", "namn", "epost")}, errors=errors,
                       summary=summary, problems=problems, result=result)


def _publish(editor: Editor, git: Git, request: Request) -> Response:
    form = request.form
    errors = {}
    if not one(form, "beskrivning").strip():
        errors["beskrivning"] = "Skriv en kort beskrivning av ändringen, till exempel ”Nytt dialogmöte i Hudiksvall”."
    if not git.out("config", "user.name") and not one(form, "namn").strip():
        errors["namn"] = "Skriv ditt namn. Det står vid ändringen i historiken och frågas bara en gång."
    if not git.out("config", "user.email") and "@" not in one(form, "epost"):
        errors["epost"] = "Skriv din e-postadress, till exempel namn@example.org. Den frågas bara en gång."
    if errors:
        return _form(editor, git, form, errors, [], 400)
    with editor.lock:
        problems = [str(p) for p in current_problems(editor.content, editor.templates, editor.today, editor.markdown)]
        if problems:
            return _form(editor, git, form, {}, problems, 400)
        result = _commit_and_push(git, form)
    key = secrets.token_urlsafe(8)
    editor.results[key] = result
    return redirect(f"/redigera/publicera/?resultat={key}")


def _commit_and_push(git: Git, form: Mapping[str, list[str]]) -> tuple[str, str]:
    """("ok" | "fel", what happened in Swedish)."""
    if git.out("ls-files", "-u") or (git.root / ".git" / "MERGE_HEAD").exists():
        return "fel", ("Förrådet är mitt i en sammanslagning med en konflikt, så ingenting publicerades. Be den som "
                       "sköter tekniken att lösa konflikten (git status visar filerna); tryck sedan Publicera igen.")
    for key, name in (("user.name", "namn"), ("user.email", "epost")):
        if not git.out("config", key) and one(form, name).strip():
            git.run("config", key, " ".join(one(form, name).split()))
    committed = ""
    if _status(git):
        git.run("add", "-A", "--", git.content)
        done = git.run("commit", "-q", "-m", one(form, "beskrivning").strip(), "--", git.content)
        if done.returncode != 0:
            return "fel", f"Ändringen kunde inte sparas i historiken (git commit): {_last_line(done)}. Ingenting publicerades."
        committed = "Ändringen är sparad i historiken. "
    if not git.out("remote"):
        return "ok", (committed + "Förrådet har ingen fjärrkatalog (remote), så den skickades inte vidare. Be den som "
                      "sköter tekniken att koppla förrådet till GitHub eller GitLab.")
    return _push(git, committed)


def _push(git: Git, committed: str) -> tuple[str, str]:
    upstream = git.run("rev-parse", "--abbrev-ref", "@{u}").returncode == 0
    remote = git.out("remote").splitlines()[0]
    try:
        where = [] if upstream else ["-u", remote, "HEAD"]  # the first push names the branch on the remote
        done = git.run("push", "-q", *where, timeout=PUSH_SECONDS)
    except subprocess.TimeoutExpired:
        return "fel", committed + "Det tog för lång tid att nå GitHub eller GitLab. Kontrollera internetanslutningen " \
                                  "och tryck Publicera igen."
    if done.returncode == 0:
        return "ok", committed + "Den är skickad och publiceras om några minuter, när testerna har gått igenom."
    return "fel", committed + _push_advice(done.stderr) + f" (Git sa: {_last_line(done)})"


def _push_advice(stderr: str) -> str:
    text = stderr.lower()
    if "rejected" in text or "non-fast-forward" in text or "fetch first" in text:
        return ("Den kunde inte skickas, eftersom någon annan har publicerat ändringar som inte finns här. Din ändring "
                "finns kvar på den här datorn. Be den som sköter tekniken att hämta och slå ihop ändringarna "
                "(git pull), och tryck sedan Publicera igen.")
    if "could not resolve" in text or "unable to access" in text or "could not read from remote" in text \
            or "does not appear to be a git repository" in text:
        return ("Den kunde inte skickas: fjärrkatalogen gick inte att nå. Kontrollera internetanslutningen och tryck "
                "Publicera igen; hjälper det inte, be den som sköter tekniken att kontrollera adressen (git remote -v).")
    if "authentication" in text or "permission denied" in text or "403" in text:
        return ("Den kunde inte skickas: inloggningen till GitHub eller GitLab fungerade inte. Be den som sköter "
                "tekniken att ordna inloggningen, och tryck sedan Publicera igen.")
    return "Den kunde inte skickas. Ändringen finns kvar på den här datorn; tryck Publicera igen senare."


def _last_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    return lines[-1].strip() if lines else f"kod {done.returncode}"
