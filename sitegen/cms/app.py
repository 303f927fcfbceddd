"""The editor's pages: routing, the forms for every kind of content, saving after the full check."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from .. import contentfs, schema
from ..errors import Problem
from ..memos import MarkdownMemo
from ..model import EXTRA_PLACES
from ..outdir import CACHE_DIR
from ..scaffold import event_id, slugify, unique
from . import store
from .check import problems_after
from .forms import Spec, flat, from_form, one, specs, to_form
from .store import COLLECTIONS, Collection, StoreError
from .web import Request, Response, redirect, refusal

EDITOR = "/redigera/"
_ROUTES: list[tuple[re.Pattern[str], str]] = [(re.compile(p), name) for p, name in (
    (r"^/redigera/?$", "start"),
    (r"^/redigera/editor\.css$", "css"),
    (r"^/redigera/publicera/$", "publish"),
    (r"^/redigera/bilagor/$", "files"),
    (r"^/redigera/(nyheter|sidor)/ny/$", "new_text"),
    (r"^/redigera/(nyheter|sidor)/andra/([^/]+)/$", "edit_text"),
    (r"^/redigera/handelser/andra/([^/]+)/installd/$", "cancel"),
    (r"^/redigera/([a-z]+)/ny/$", "new_entry"),
    (r"^/redigera/([a-z]+)/andra/([^/]+)/$", "edit_entry"),
)]
BODY = Spec("_body", "_body", "Text", "Sidans text i Markdown: ## Rubrik blir en mellanrubrik, - punkt en punktlista, "
            "[länktext](/kalender/) en länk. En tom rad gör ett nytt stycke.", "markdown", False)
SLUG = Spec("_slug", "_slug", "Adress", "Sidans adress på webbplatsen: små bokstäver a–z, siffror och bindestreck, "
            "till exempel om-natverket (blir /om-natverket/). Lämna tomt för att göra den av rubriken.", "text", False)


@dataclass
class FormState:
    """What a form page shows: the values, the errors at fields and the errors of the summary."""

    values: Mapping[str, Sequence[str]]
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.general)


TOKEN_FILE = "editor-token"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def session_token(folder: Path) -> str:
    """The token every POST must carry, kept in `folder` (the build cache) so a form opened before the preview
    was restarted can still be saved. Only a file of this user's, readable by nobody else, is trusted; when
    the folder cannot be written the token lives as long as the preview."""
    path = folder / TOKEN_FILE
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as opened:
            status, kept = os.fstat(opened.fileno()), opened.read(100).decode("ascii", "replace").strip()
        if status.st_uid == os.getuid() and not status.st_mode & 0o077 and _TOKEN.match(kept):
            return kept
    except OSError:
        pass
    token = secrets.token_urlsafe(32)
    temporary = folder / f"{TOKEN_FILE}.{os.getpid()}"
    try:
        folder.mkdir(exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "w") as opened:
            opened.write(token)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    return token


class Editor:
    """One editor session: the content folder, the templates and the token every POST must carry."""

    def __init__(self, content: Path, templates: Path, today: dt.date | None,
                 markdown: MarkdownMemo | None = None) -> None:
        self.content, self.templates, self.today = content, templates, today
        self.markdown = markdown  # the preview's converted Markdown: a save's check converts only what it changed
        self.token = session_token(content.parent / CACHE_DIR)
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates / "editor"), autoescape=True,
                                      undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.lock = threading.Lock()  # one save at a time: the check and the write belong together
        self.results: dict[str, tuple[str, str]] = {}  # what the last Publicera did, shown after the redirect

    # --- routing ------------------------------------------------------------------------------------------------

    def handle(self, request: Request, port: int) -> Response:
        why = refusal(request, self.token, port)
        if why is not None:
            return self.page("meddelande.html", 403, heading="Det gick inte", message=why)
        for pattern, name in _ROUTES:
            match = pattern.match(request.path)
            if match:
                handler: Callable[..., Response] = getattr(self, f"_{name}")
                try:
                    return handler(request, *match.groups())
                except StoreError as exc:
                    return self.page("meddelande.html", 409, heading="Det gick inte att spara", message=str(exc))
                except Exception as exc:  # a fault in the editor: said in Swedish, never a dropped connection
                    if os.environ.get("SITEGEN_DEBUG"):
                        raise
                    return self.page("meddelande.html", 500, heading="Ett fel i editorn",
                                     message=f"Ett internt fel i editorn ({type(exc).__name__}: {exc}). Det beror inte "
                                             "på det du skrev. Om du sparade kan du se på startsidan om det kom med; "
                                             "skicka gärna texten till den som sköter tekniken.")
        return self.not_found()

    def not_found(self) -> Response:
        return self.page("meddelande.html", 404, heading="Sidan finns inte",
                         message="Det finns ingen sådan sida i editorn. Gå till startsidan och välj där.")

    def page(self, template: str, status: int = 200, **context: Any) -> Response:
        html = self.env.get_template(template).render(token=self.token, editor=EDITOR, **context)
        return Response(status, html.encode("utf-8"))

    def _css(self, request: Request) -> Response:
        return Response(200, (self.templates / "editor" / "editor.css").read_bytes(), "text/css; charset=utf-8")

    # --- the start page -----------------------------------------------------------------------------------------

    def _start(self, request: Request) -> Response:
        from .lists import overview

        return self.page("start.html", **overview(self.content, self.today or dt.date.today()))

    # --- entries of the YAML lists ------------------------------------------------------------------------------

    def _collection(self, slug: str) -> Collection | None:
        return COLLECTIONS.get(slug)

    def _new_entry(self, request: Request, slug: str) -> Response:
        collection = self._collection(slug)
        if collection is None:
            return self.not_found()
        fields = specs(collection.model)
        if request.method == "GET":
            copy = store.find(self.content, collection, request.arg("kopia")) if request.arg("kopia") else None
            values = to_form(fields, copy.data if copy else None)
            if copy is not None:
                values.pop("cancelled", None)
            return self.entry_form(collection, None, FormState(values), copied=copy)
        state = FormState(request.form, required_errors(fields, request.form))
        data = self._stand_ins(fields, from_form(fields, request.form), state)
        with self.lock:
            target, original, text, key = self._appended(collection, data)
            rel = target.relative_to(self.content).as_posix()
            self._check(state, fields, rel, text, store.entry_lines(text, -1))
            if state.failed:
                return self.entry_form(collection, None, state, status=400)
            if _read(target) != original:  # changed in another editor while the check ran
                return self.entry_form(collection, None, _conflict(state, rel), status=409)
            store.write_atomically(target, text)
        return redirect(f"{EDITOR}{slug}/andra/{quote(key)}/?sparat=ny")

    def _appended(self, collection: Collection, data: dict[str, Any]) -> tuple[Path, str, str, str]:
        """The file a new entry goes into, its text now and with the entry, and the entry's id (or number)."""
        fields = specs(collection.model)
        existing = list(store.entries(self.content, collection))
        if collection.path == "events":
            begins = _start_of(data)
            target = self.content / "events" / f"{begins.year}.yaml"
            key = event_id(str(data.get("title", "")), str(data.get("municipality", "")), begins, [e.key for e in existing])
        else:
            target = self.content / collection.path
            key = (unique(slugify(str(data.get(collection.label, ""))), [e.key for e in existing])
                   if collection.keyed else str(len([e for e in existing if e.file == target]) + 1))
        entry = store.new_map(fields, data, [("id", key)] if collection.keyed else [])
        original = _read(target)
        start = _year_header(int(target.stem)) if not original.strip() and collection.path == "events" else original
        return target, original, store.appended(start, entry), key

    def _edit_entry(self, request: Request, slug: str, key: str) -> Response:
        collection = self._collection(slug)
        entry = store.find(self.content, collection, key) if collection else None
        if collection is None or entry is None:
            return self.not_found()
        fields = specs(collection.model)
        if request.method == "GET":
            state = FormState(to_form(fields, entry.data), fingerprint=store.fingerprint(entry.file))
            return self.entry_form(collection, entry, state, saved=request.arg("sparat"))
        state = FormState(request.form, required_errors(fields, request.form), fingerprint=one(request.form, "_hash"))
        data = self._stand_ins(fields, from_form(fields, request.form), state)
        year = _start_year(data)
        if collection.slug == "handelser" and year and entry.file.stem.isdigit() and year != int(entry.file.stem):
            return self._move(collection, entry, state, data, year)
        return self._save_change(collection, entry, state, lambda m: store.merge(m, fields, data), fields)

    def _move(self, collection: Collection, entry: store.Entry, state: FormState, data: dict[str, Any],
              year: int) -> Response:
        """An event whose start moved to another year goes to that year's file, with the same id."""
        fields = specs(collection.model)
        target = entry.file.with_name(f"{year}.yaml")
        old_rel, new_rel = (p.relative_to(self.content).as_posix() for p in (entry.file, target))
        with self.lock:
            if store.fingerprint(entry.file) != state.fingerprint:
                return self.entry_form(collection, entry, _conflict(state, old_rel), status=409)
            original, receiving = _read(entry.file), _read(target)
            left, moved = store.taken_out(original, entry.index, lambda m: store.merge(m, fields, data))
            added = store.appended(receiving or _year_header(year), moved)
            self._check(state, fields, new_rel, added, store.entry_lines(added, -1), others={old_rel: left})
            if state.failed:
                return self.entry_form(collection, entry, state, status=400)
            if _read(target) != receiving:
                return self.entry_form(collection, entry, _conflict(state, new_rel), status=409)
            store.write_atomically(target, added)  # first the new place: a crash leaves a duplicate, never a loss
            store.write_atomically(entry.file, left)
        return redirect(f"{EDITOR}{collection.slug}/andra/{quote(entry.key)}/?sparat=flyttad")

    def _cancel(self, request: Request, key: str) -> Response:
        collection = COLLECTIONS["handelser"]
        entry = store.find(self.content, collection, key)
        if entry is None or request.method != "POST":
            return self.not_found()
        cancel = one(request.form, "installd") == "ja"

        def change(entry_map: Any) -> None:
            if cancel:
                entry_map["cancelled"] = True
            elif "cancelled" in entry_map:
                del entry_map["cancelled"]

        fields = specs(collection.model)
        state = FormState(to_form(fields, entry.data), fingerprint=one(request.form, "_hash"))
        return self._save_change(collection, entry, state, change, fields, "installd" if cancel else "aterupptagen")

    def _save_change(self, collection: Collection, entry: store.Entry, state: FormState, change: Callable[[Any], None],
                     fields: Sequence[Spec], saved: str = "1") -> Response:
        rel = entry.file.relative_to(self.content).as_posix()
        with self.lock:
            if store.fingerprint(entry.file) != state.fingerprint:
                return self.entry_form(collection, entry, _conflict(state, rel), status=409)
            text = store.replaced(store.read(entry.file, self.content), entry.index, change)
            self._check(state, fields, rel, text, store.entry_lines(text, entry.index))
            if state.failed:
                return self.entry_form(collection, entry, state, status=400)
            store.write_atomically(entry.file, text)
        return redirect(f"{EDITOR}{collection.slug}/andra/{quote(entry.key)}/?sparat={saved}")

    def _stand_ins(self, fields: Sequence[Spec], data: dict[str, Any], state: FormState) -> dict[str, Any]:
        """The entry with a stand-in value in each required field left empty, for the check only.

        Then the check goes on to find the other mistakes (an end before the start) at the same time, as the
        GOV.UK pattern asks; nothing is written while a field is empty, so a stand-in never reaches a file.
        """
        from .lists import choices

        offered = choices(self.content)
        for spec in flat(fields, state.values):
            if spec.name in state.errors and not spec.dates:
                options = spec.choices or tuple(offered.get(spec.source, ()))
                value: Any = 1 if spec.kind == "int" else options[0][0] if options else "ifylls"
                _put(data, spec.name, value)
        return data

    def entry_form(self, collection: Collection, entry: store.Entry | None, state: FormState, status: int = 200,
                   saved: str = "", copied: store.Entry | None = None) -> Response:
        fields = specs(collection.model)
        name = str(entry.data.get(collection.label, "")) if entry else ""
        heading = f"Ändra {collection.noun}: {name}" if entry else collection.new
        action = f"{EDITOR}{collection.slug}/andra/{quote(entry.key)}/" if entry else f"{EDITOR}{collection.slug}/ny/"
        return self.form_page(status, heading=heading, action=action, fields=fields, state=state, saved=saved,
                              collection=collection, entry=entry, copied=copied,
                              public=_public_url(collection, entry) if entry else "")

    def form_page(self, status: int, fields: Sequence[Spec], state: FormState, **context: Any) -> Response:
        from .lists import choices

        nodes = _nodes(fields, state)
        summary = [(f"#{s.html_id}", state.errors[s.name]) for s in flat(fields, state.values) if s.name in state.errors]
        summary += [(f"#{BODY.html_id}", state.errors["_body"])] if "_body" in state.errors else []
        return self.page("form.html", status, nodes=nodes, summary=summary, general=state.general,
                         fingerprint=state.fingerprint, choices=choices(self.content), **context)

    def _check(self, state: FormState, fields: Sequence[Spec], rel: str, text: str, lines: range,
               body_from: int | None = None, others: Mapping[str, str] | None = None) -> None:
        """Runs the full check with the new text and puts each problem at its field, or in the summary."""
        names = {s.name for s in flat(fields, state.values)}
        for problem in problems_after(self.content, self.templates, self.today, {**(others or {}), rel: text},
                                      self.markdown):
            target = _field_of(problem, f"content/{rel}", lines, names, body_from)
            if target is None:
                state.general.append(_where(problem, rel))
            elif target not in state.errors:
                state.errors[target] = problem.message

    # --- news items and pages (Markdown with front matter) ------------------------------------------------------

    def _text_kind(self, kind: str) -> tuple[str, type[schema.Model], str]:
        return ("news", schema.NewsMeta, "nyhet") if kind == "nyheter" else ("pages", schema.PageMeta, "sida")

    def _new_text(self, request: Request, kind: str) -> Response:
        folder, model, _ = self._text_kind(kind)
        fields = (*((SLUG,) if kind == "sidor" else ()), *specs(model), BODY)
        if request.method == "GET":
            values = to_form(fields, {"date": self.today or dt.date.today()} if kind == "nyheter" else None)
            return self.text_form(kind, None, FormState(values))
        state = FormState(request.form, required_errors(fields, request.form))
        name = self._new_name(kind, request.form, state)
        text = store.markdown_text("", [s for s in fields if not s.name.startswith("_")],
                                   from_form(fields, request.form), one(request.form, "_body"))
        rel = f"{folder}/{name}.md"
        if name:
            self._check(state, fields, rel, text, range(1, text.count("\n") + 2), _body_line(text))
        if state.failed or not name:
            return self.text_form(kind, None, state, status=400)
        with self.lock:
            target = self.content / rel
            if target.exists():
                return self.text_form(kind, None, _conflict(state, rel), status=409)
            store.write_atomically(target, text)
        return redirect(f"{EDITOR}{kind}/andra/{name}/?sparat=ny")

    def _new_name(self, kind: str, form: Mapping[str, Sequence[str]], state: FormState) -> str:
        """The new file's name (without .md): the page's address, or the news item's date and title."""
        title = one(form, "title").strip()
        if kind == "sidor":
            wanted = one(form, "_slug").strip()
            if wanted == "redigera":
                state.errors["_slug"] = "Adressen /redigera/ är editorns egen. Välj en annan adress."
                return ""
            if wanted and not store.valid_name(wanted):
                state.errors["_slug"] = (f"”{wanted}” går inte att använda som adress. Använd bara små bokstäver a–z, "
                                         "siffror och bindestreck, till exempel om-natverket.")
                return ""
            name = wanted or (slugify(title) if title else "")
            if name and (self.content / "pages" / f"{name}.md").exists():
                state.errors["_slug" if wanted else "title"] = (f"Det finns redan en sida med adressen /{name}/. "
                                                                "Välj en annan adress.")
                return ""
            return name
        try:
            day = schema.parse_when(one(form, "date").strip())
        except Exception:
            day = None
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            state.errors.setdefault("date", "Skriv datumet som 2026-03-05.")
            return ""
        taken = {p.stem for p in contentfs.plain_files(self.content / "news", ".md")}
        return unique(f"{day.isoformat()}-{slugify(title) if title else 'nyhet'}", taken)

    def _text_file(self, kind: str, name: str) -> Path | None:
        """The existing file of that name in pages/ or news/; never a path made from what the URL says."""
        folder = self.content / self._text_kind(kind)[0]
        return {p.stem: p for p in contentfs.plain_files(folder, ".md")}.get(name)

    def _edit_text(self, request: Request, kind: str, name: str) -> Response:
        path = self._text_file(kind, name)
        if path is None:
            return self.not_found()
        _, model, _ = self._text_kind(kind)
        fields = (*specs(model), BODY)
        original = store.read(path, self.content)
        if request.method == "GET":
            values = to_form(fields, store.read_front(original))
            values["_body"] = [store.split_markdown(original)[1].strip("\n")]
            state = FormState(values, fingerprint=store.fingerprint(path))
            return self.text_form(kind, path, state, saved=request.arg("sparat"))
        state = FormState(request.form, required_errors(fields, request.form), fingerprint=one(request.form, "_hash"))
        rel = path.relative_to(self.content).as_posix()
        with self.lock:
            if store.fingerprint(path) != state.fingerprint:
                return self.text_form(kind, path, _conflict(state, rel), status=409)
            text = store.markdown_text(original, [s for s in fields if s.name != "_body"], from_form(fields, request.form),
                                       one(request.form, "_body"))
            self._check(state, fields, rel, text, range(1, text.count("\n") + 2), _body_line(text))
            if state.failed:
                return self.text_form(kind, path, state, status=400)
            store.write_atomically(path, text)
        return redirect(f"{EDITOR}{kind}/andra/{name}/?sparat=1")

    def text_form(self, kind: str, path: Path | None, state: FormState, status: int = 200, saved: str = "") -> Response:
        _, model, noun = self._text_kind(kind)
        fields = (*((SLUG,) if kind == "sidor" and path is None else ()), *specs(model), BODY)
        title = one(state.values, "title") if path else ""
        heading = f"Ändra {noun}: {title}" if path else ("Ny nyhet" if kind == "nyheter" else "Ny sida")
        action = f"{EDITOR}{kind}/andra/{path.stem}/" if path else f"{EDITOR}{kind}/ny/"
        public = ""
        if path is not None:
            public = ("/" if path.stem == "index" else f"/{path.stem}/") if kind == "sidor" else \
                f"/aktuellt/{path.stem[11:]}/"
        return self.form_page(status, fields, state, heading=heading, action=action, saved=saved, collection=None,
                              entry=None, copied=None, public=public)

    # --- attachments and publishing -----------------------------------------------------------------------------

    def _files(self, request: Request) -> Response:
        from .attach import files_page

        return files_page(self, request)

    def _publish(self, request: Request) -> Response:
        from .publishing import publish_page

        return publish_page(self, request)


def _read(path: Path) -> str:
    """The file's text; "" when there is none yet (or only something that is no regular file: never read)."""
    try:
        return store.read(path)
    except contentfs.UnsafeFile:
        return ""


def _conflict(state: FormState, rel: str) -> FormState:
    state.general.insert(0, f"Filen content/{rel} har ändrats sedan du öppnade formuläret, kanske i en textredigerare. "
                            "Ingenting sparades, så att den ändringen inte skrivs över. Det du skrev står kvar nedan: "
                            "kopiera det du vill behålla, öppna formuläret på nytt från startsidan och för in det där.")
    return state


def required_errors(fields: Sequence[Spec], form: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """“Fyll i …” at each required field left empty (the check would name the YAML key instead)."""
    errors = {}
    for spec in flat(fields, form):
        empty = spec.kind in ("text", "markdown", "int", "select") and not one(form, spec.name).strip()
        if spec.required and empty and not _in_empty_group(spec, fields, form):
            errors[spec.name] = f"{'Välj' if spec.kind == 'select' else 'Fyll i'} ”{spec.label}”."
    return errors


def _in_empty_group(spec: Spec, fields: Sequence[Spec], form: Mapping[str, Sequence[str]]) -> bool:
    """A required field of an optional group (repeat.until) is required only when the group is filled in."""
    head = spec.name.rpartition(".")[0]
    if not head:
        return False
    siblings = [s for s in flat(fields, form) if s.name.rpartition(".")[0] == head]
    return all(not "".join(form.get(s.name, [])).strip() for s in siblings)


def _field_of(problem: Problem, file: str, lines: range, names: set[str], body_from: int | None) -> str | None:
    """The form field a problem of the checked content belongs to, or None (then it goes to the summary)."""
    if problem.file != file or (problem.line is not None and problem.line not in lines):
        return None
    name = problem.field or ""
    if not name and problem.line is None and "_slug" in names:
        return "_slug"  # the new page's file name
    if not name and body_from is not None and (problem.line is None or problem.line >= body_from):
        return "_body"
    while name and name not in names:
        inside = sorted(n for n in names if n.startswith(name + "."))
        if inside:
            return inside[0]  # a problem with a whole group ("excerpts") goes to its first field
        name = name.rpartition(".")[0]
    return name or None


def _where(problem: Problem, rel: str) -> str:
    if problem.file == f"content/{rel}" or not problem.file:
        return problem.message
    return f"{problem}"


def _body_line(text: str) -> int:
    """The first line of a Markdown file's body (after the front matter)."""
    front, _ = store.split_markdown(text)
    return front.count("\n") + 3 if text.startswith("---") else 1


def _put(data: dict[str, Any], name: str, value: Any) -> None:
    """Sets "repeat.freq" or "excerpts.0.text" in nested plain data, making the groups on the way."""
    *path, last = name.split(".")
    node: Any = data
    for part, following in zip(path, [*path[1:], last], strict=False):
        if isinstance(node, list):
            index = int(part)
            while len(node) <= index:
                node.append({})
            node = node[index]
        else:
            node = node.setdefault(part, [] if following.isdigit() else {})
    if isinstance(node, dict):
        node[last] = value


def _year_header(year: int) -> str:
    """The first lines of a new year file of the calendar."""
    return ("# yaml-language-server: $schema=../../schemas/event-list.schema.json\n"
            f"# Kalenderns händelser som börjar år {year}. Hur en händelse skrivs står i content/README.md.\n\n")


def _start_year(data: Mapping[str, Any]) -> int | None:
    """The year an event starts, when its start can be read."""
    try:
        return schema.parse_when(str(data.get("start", ""))).year
    except Exception:
        return None


def _start_of(data: Mapping[str, Any]) -> dt.date:
    """The day an event starts, for its year file and its id (today when the start cannot be read yet)."""
    try:
        when = schema.parse_when(str(data.get("start", "")))
    except Exception:
        return dt.date.today()
    return when.date() if isinstance(when, dt.datetime) else when


def _public_url(collection: Collection, entry: store.Entry) -> str:
    if collection.slug == "handelser":
        return f"/kalender/{_start_of(entry.data).year}/{entry.key}/"
    return {"foreningar": f"/foreningar/{entry.key}/", "lagar": f"/lagar/#{entry.key}", "definitioner": "/definitioner/",
            "checklista": "/checklista/", "trappan": "/delaktighetstrappa/"}[collection.slug]


def _nodes(fields: Sequence[Spec], state: FormState) -> list[dict[str, Any]]:
    """The controls as the template draws them, with their values and errors."""
    from .forms import _indexed, group_count

    nodes: list[dict[str, Any]] = []
    for spec in fields:
        node: dict[str, Any] = {"spec": spec, "error": state.errors.get(spec.name, ""),
                                "value": one(state.values, spec.name), "values": list(state.values.get(spec.name, []))}
        if spec.kind == "group":
            node["children"] = _nodes(spec.children, state)
        elif spec.kind == "groups":
            count = group_count(spec, state.values)
            node["items"] = [_nodes(_indexed(spec, i), state) for i in range(count + 1)]
        nodes.append(node)
    return nodes


PLACES_EXTRA = EXTRA_PLACES
