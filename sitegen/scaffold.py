"""New content from answers: an event appended to content/events/<year>.yaml, a news item in content/news/.

Each answer is checked with the same models the build uses, as soon as it is given. The event file is
edited with ruamel's round-trip mode, so its comments, order and layout stay as the coordinator left them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from . import contentfs, schema
from .errors import ContentError, Invalid, Problem, SitegenError, display_path
from .load import MAX_FILE_BYTES, LoadFailed, load_yaml
from .model import EXTRA_PLACES, _repeat_days, load_site, not_a_repeat_day, place_message
from .validate import _translate, check_mapping, did_you_mean

EVENT_ORDER = ("id", "title", "start", "end", "location", "municipality", "organizers", "category",
               "description", "url", "repeat")
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "Å": "a", "Ä": "a", "Ö": "o", "é": "e", "ü": "u"})
_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})$")
REPEATS = {"": None, "nej": None, "weekly": "weekly", "varje vecka": "weekly", "vecka": "weekly",
           "monthly": "monthly", "varje månad": "monthly", "månad": "monthly"}


class ScaffoldError(SitegenError):
    """The new entry could not be saved."""


def slugify(text: str) -> str:
    """"Dialogmöte Gävle 2026-03-12" -> "dialogmote-gavle-2026-03-12" (a–z, digits and hyphens)."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "post"


def unique(base: str, taken: Iterable[str]) -> str:
    """`base`, or `base-2`, `base-3` … when it is taken."""
    used = set(taken)
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def check_field(model: type[schema.Model], name: str, raw: Any) -> Any:
    """The value of one field, checked with the field's own type in the model; raises Invalid."""
    info = model.model_fields[name]
    try:
        return TypeAdapter(info.rebuild_annotation()).validate_python(raw)
    except ValidationError as exc:
        raise Invalid(_translate(exc.errors()[0], model, (info.alias or name,))) from None


def optional(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None


class Content:
    """What new entries are checked against: the site's places, the associations and the ids in use."""

    def __init__(self, content_dir: Path) -> None:
        self.dir = content_dir
        problems: list[Problem] = []
        site_path = content_dir / "site.yaml"
        try:
            site = check_mapping(load_yaml(site_path, content_dir), schema.Site, problems)
        except (LoadFailed, OSError) as exc:
            problems.append(exc.problem if isinstance(exc, LoadFailed) else
                            Problem(display_path(site_path, content_dir), None, None, "Filen site.yaml saknas."))
            site = None
        if site is None:
            raise ContentError(problems)
        self.site = site
        self.places = [*site.municipalities, *EXTRA_PLACES]
        associations = self._entries([content_dir / "associations.yaml"])
        self.associations = [str(e["id"]) for e in associations]
        self.names = {str(e["id"]): str(e.get("name") or e["id"]) for e in associations}
        self.event_ids = [str(e["id"]) for e in self._entries(contentfs.plain_files(content_dir / "events", ".yaml"))]

    def _entries(self, paths: list[Path]) -> list[dict[str, Any]]:
        """The entries with an id of the list files `paths`."""
        yaml = YAML(typ="safe", pure=True)
        entries = []
        for path in paths:
            try:
                data = yaml.load(contentfs.read_bytes(path, self.dir, MAX_FILE_BYTES).decode("utf-8-sig"))
            except Exception:  # missing, a link, or broken: `sitegen check` reports it; its ids cannot be read here
                continue
            entries += [e for e in data or [] if isinstance(e, dict) and "id" in e]
        return entries

    def place(self, raw: str) -> str:
        """A place exactly as the file check takes it (so "gävle" is refused, with "Menade du ”Gävle”?")."""
        value = raw.strip()
        message = place_message(value, self.places)
        if message:
            raise Invalid(message)
        return value

    def organizers(self, raw: str | Iterable[str]) -> list[str]:
        items = raw.split(",") if isinstance(raw, str) else list(raw)
        return [self._organizer(item.strip()) for item in items if item.strip()]

    def _organizer(self, answer: str) -> str:
        if answer in self.associations:
            return answer
        if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", answer):  # written as an id: compare with the ids
            raise Invalid(f"Det finns ingen förening med id ”{answer}” i associations.yaml."
                          f"{did_you_mean(answer, self.associations)} Skriv ett id ur listan ovan.")
        by_name = {slugify(name): key for key, name in self.names.items()}
        named = by_name.get(slugify(answer))
        if named is None:
            close = did_you_mean(answer, self.names.values())
            named = next((k for k, n in self.names.items() if close == f" Menade du ”{n}”?"), None)
        if named is not None:
            raise Invalid(f"”{answer}” ser ut som en förenings namn. Skriv föreningens id i stället: {named} "
                          f"({self.names[named]}).")
        org = check_field(schema.Association, "id", answer)
        raise Invalid(f"Det finns ingen förening med id ”{org}” i associations.yaml.{did_you_mean(org, self.associations)} "
                      "Skriv ett id ur listan ovan.")

    def listing(self) -> str:
        """The associations one per line, id first, for the organizer question."""
        if not self.associations:
            return "Det finns inga föreningar i associations.yaml ännu."
        return "Föreningarna (id – namn):\n" + "\n".join(f"  {key} – {self.names[key]}" for key in self.associations)


def start(raw: str) -> dt.date | dt.datetime:
    return check_field(schema.Event, "start", raw.strip())  # type: ignore[no-any-return]


def end(raw: str | None, begins: dt.date | dt.datetime) -> dt.date | dt.datetime | None:
    """The end: empty, a time the same day ("20:00"), a date, or a date and time; never before the start."""
    if not optional(raw):
        return None
    assert raw is not None
    clock = _CLOCK.match(raw.strip())
    if clock and isinstance(begins, dt.datetime):
        try:
            value: dt.date | dt.datetime = begins.replace(hour=int(clock[1]), minute=int(clock[2]))
        except ValueError:
            raise Invalid(f"”{raw.strip()}” är inget klockslag. Skriv till exempel 20:00.") from None
    else:
        value = check_field(schema.Event, "end", raw.strip())
    if isinstance(value, dt.datetime) != isinstance(begins, dt.datetime):
        raise Invalid("Start och slut måste vara av samma slag: båda med klockslag eller båda bara datum.")
    if value < begins or (isinstance(value, dt.datetime) and value == begins):
        raise Invalid("Slutet är före starten. Skriv en senare tid.")
    return value


def repeat_freq(raw: str | None) -> str | None:
    key = (raw or "").strip().lower()
    if key not in REPEATS:
        raise Invalid("Svara nej, varje vecka eller varje månad.")
    return REPEATS[key]


def until(raw: str, begins: dt.date | dt.datetime) -> dt.date:
    value: dt.date = check_field(schema.Repeat, "until", raw.strip())
    first = begins.date() if isinstance(begins, dt.datetime) else begins
    if value < first:
        raise Invalid(f"Upprepningen kan inte sluta före första gången ({first}). Skriv ett senare datum.")
    return value


def exceptions(raw: str | Iterable[str] | None, begins: dt.date | dt.datetime, freq: str, last: dt.date) -> list[dt.date]:
    """The days a repeating event skips, each one of its days, checked as the file check does."""
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])
    days: list[dt.date] = check_field(schema.Repeat, "except_", [item.strip() for item in items if item.strip()])
    first = begins.date() if isinstance(begins, dt.datetime) else begins
    repeats = _repeat_days(first, schema.Repeat.model_validate({"freq": freq, "until": last.isoformat()}))
    for day in days:
        if day not in repeats:
            raise Invalid(not_a_repeat_day(day))
    return sorted(set(days))


def when_text(value: dt.date | dt.datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if isinstance(value, dt.datetime) else value.isoformat()


def _yaml(sample: str) -> YAML:
    """A round-trip YAML writer whose list indentation follows the file's own first entry."""
    yaml = YAML(typ="rt")
    yaml.width = 4096  # never re-wrap the coordinator's long lines
    yaml.preserve_quotes = True
    first = re.search(r"^( *)- ", sample, re.MULTILINE)
    offset = len(first.group(1)) if first else 0
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    return yaml


def event_entry(fields: dict[str, Any]) -> CommentedMap:
    entry = CommentedMap()
    for key in EVENT_ORDER:
        value = fields.get(key)
        if value in (None, "", []):
            continue
        if key in ("start", "end") and isinstance(value, dt.datetime):
            value = when_text(value)  # a bare date stays a date object, which YAML writes without quotes
        elif key == "organizers":
            value = CommentedSeq(value)
            value.fa.set_flow_style()
        elif key == "description" and "\n" in value:
            value = LiteralScalarString(value.rstrip("\n") + "\n")
        elif key == "repeat":
            repeat = CommentedMap([("freq", value["freq"]), ("until", value["until"])])
            if value.get("except"):
                repeat["except"] = CommentedSeq(value["except"])
                repeat["except"].fa.set_flow_style()
            value = repeat
        entry[key] = value
    return entry


def append_event(content_dir: Path, fields: dict[str, Any]) -> tuple[Path, str]:
    """Appends the event to events/<year>.yaml, then checks the whole site; undoes the change if it broke it."""
    schema.Event.model_validate({k: (when_text(v) if k in ("start", "end") else v)
                                 for k, v in fields.items() if v not in (None, "", [])})
    path = content_dir / "events" / f"{fields['start'].year}.yaml"
    _check_writable(content_dir, path)
    original = contentfs.read_bytes(path, content_dir).decode("utf-8-sig") if path.exists() else None
    if original and original.strip():
        written = _appended(original, event_entry(fields), display_path(path, content_dir))
    else:
        header = f"# Kalendern {fields['start'].year}. Hur en händelse skrivs står i content/README.md.\n"
        written = header + _dump(_yaml(""), CommentedSeq([event_entry(fields)]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(written, encoding="utf-8")
    _recheck(content_dir, path, original)
    return path, str(fields["id"])


def _check_writable(content_dir: Path, path: Path) -> None:
    """Refuses to read or write through a link (or into a pipe) under content/."""
    problem = contentfs.writable_problem(content_dir, path)
    if problem:
        raise ScaffoldError(f"Ingenting sparades: {problem}")


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _appended(original: str, entry: CommentedMap, name: str) -> str:
    """The file's text with `entry` added as its last list item, everything before it untouched."""
    text = original if original.endswith("\n") else original + "\n"
    yaml = _yaml(text)
    data = yaml.load(text)
    if not isinstance(data, list):
        raise ScaffoldError(f"{name} är ingen lista av händelser, så den nya händelsen kan inte läggas till. "
                            "Rätta filen (kör sitegen check) och försök igen.")
    data.append(entry)
    written = _dump(yaml, data)
    if written.startswith(text) and len(data) > 2 and _blank_before_last(text):
        written = text + "\n" + written[len(text):]  # the file keeps a blank line between entries
    return written


def _blank_before_last(text: str) -> bool:
    """True when the file's last entry is set apart by a blank line (above any comment lines)."""
    lines = text.splitlines()
    first = re.search(r"^( *)- ", text, re.MULTILINE)
    top = re.compile(rf"^{first.group(1) if first else ''}- ")  # entries, not the lists inside them
    starts = [i for i, line in enumerate(lines) if top.match(line)]
    index = starts[-1] - 1 if starts else -1
    while index >= 0 and lines[index].lstrip().startswith("#"):
        index -= 1
    return index >= 0 and not lines[index].strip()


def _recheck(content_dir: Path, path: Path, original: str | None) -> None:
    """Loads the whole site; a problem in the changed file undoes the change (others are only reported)."""
    try:
        load_site(content_dir, dt.date.today())
    except ContentError as exc:
        name = display_path(path, content_dir)
        if any(p.file == name and p.severity == "fel" for p in exc.problems):
            if original is None:
                path.unlink()
            else:
                path.write_text(original, encoding="utf-8")
            raise ScaffoldError("Händelsen sparades inte, för då blev det fel i filen:\n"
                                + "\n".join(f"  {p}" for p in exc.problems if p.file == name)) from None


def news_path(content_dir: Path, day: dt.date, title: str) -> Path:
    folder = content_dir / "news"
    taken = {p.stem for p in folder.glob("*.md")} if folder.exists() else set()
    return folder / f"{unique(f'{day.isoformat()}-{slugify(title)}', taken)}.md"


def write_news(content_dir: Path, title: str, day: dt.date, summary: str, body: str | None) -> Path:
    """Writes content/news/YYYY-MM-DD-slug.md with its front matter; never overwrites an existing item."""
    schema.NewsMeta.model_validate({"title": title, "date": day.isoformat(), "summary": summary})
    front = CommentedMap([("title", title), ("date", day), ("summary", summary)])
    yaml = YAML(typ="rt")
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(front, out)
    path = news_path(content_dir, day, title)
    _check_writable(content_dir, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f"---\n{out.getvalue()}---\n" + (f"{body.strip()}\n" if body and body.strip() else "")
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return path


def term(day: dt.date) -> str:
    """The term of a date as ids write it: vt (spring, January to June) or ht (autumn)."""
    return "vt" if day.month <= 6 else "ht"


def event_id(title: str, place: str, begins: dt.date, taken: Iterable[str]) -> str:
    """An event's id as the guide describes it: title, place and term, "dialogmote-gavle-2026-vt".

    The place is left out when the title already names it; a taken id gets -2, -3 ….
    """
    name, where = slugify(title), slugify(place) if place else ""
    if where and where != "post" and f"-{where}-" not in f"-{name}-":
        name = f"{name}-{where}"
    return unique(f"{name}-{begins.year}-{term(begins)}", taken)
