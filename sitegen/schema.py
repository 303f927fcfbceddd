"""Declared models of every content file: one typed field and one line of doc each.

The validator, the JSON Schemas for editors and the renderers all read these models, so a field is
declared once. Values the coordinator writes are Swedish; keys are English.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import typing
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$|^https?://[^\s/$.?#][^\s/]*\.[a-z]{2,}(/\S*)?$",
                     re.IGNORECASE)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,}[0-9]$")
_CLOCK_ONLY = re.compile(r"^\d{1,2}[:.]\d{2}$")  # "20:00" where a date is needed
_TIME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2})[:.](\d{2}))?$")


def _text(value: Any) -> Any:
    """Trims text; numbers written where text belongs become text (a phone number, an SFS number)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _slug_id(value: Any) -> Any:
    value = _text(value)
    if isinstance(value, str) and not _ID_RE.match(value):
        raise PydanticCustomError(
            "sitegen_id",
            "”{value}” går inte att använda som id. Använd bara små bokstäver a–z, siffror och "
            "bindestreck, till exempel ”dialogmote-gavle-2026-vt” (inga å, ä, ö eller mellanslag).",
            {"value": value},
        )
    return value


def _url(value: Any) -> Any:
    value = _text(value)
    if isinstance(value, str) and not _URL_RE.match(value):
        raise PydanticCustomError(
            "sitegen_url",
            "”{value}” är ingen giltig webbadress. Skriv hela adressen med https://, till exempel "
            "”https://www.example.org/sida”.",
            {"value": value},
        )
    return value


def _email(value: Any) -> Any:
    value = _text(value)
    if isinstance(value, str) and not _EMAIL_RE.match(value):
        raise PydanticCustomError(
            "sitegen_email",
            "”{value}” är ingen giltig e-postadress. Skriv den som ”namn@example.org”.",
            {"value": value},
        )
    return value


def _phone(value: Any) -> Any:
    value = _text(value)
    if isinstance(value, str) and not _PHONE_RE.match(value):
        raise PydanticCustomError(
            "sitegen_phone",
            "”{value}” ser inte ut som ett telefonnummer. Skriv bara siffror, mellanslag och "
            "bindestreck, till exempel ”070-174 06 05”.",
            {"value": value},
        )
    return value


# The dates content may carry. Every date stays far from the ends of Python's calendar (years 1 and 9999), so
# adding a day, a week or a repeat never overflows; the calendar itself takes only its own century.
YEARS = (1900, 2100)
CALENDAR_YEARS = (2000, 2100)


def _in_years(when: dt.date, years: tuple[int, int], value: Any) -> None:
    if not years[0] <= when.year <= years[1]:
        raise PydanticCustomError(
            "sitegen_years",
            "”{value}” ligger utanför de år som går att använda här ({low}–{high}). Kontrollera årtalet.",
            {"value": str(value), "low": years[0], "high": years[1]},
        )


def parse_when(value: Any) -> dt.date | dt.datetime:
    """Reads a local date ("2026-03-12") or a local date and time ("2026-03-12 18:00"), years 1900–2100."""
    when = _parse_when(value)
    _in_years(when, YEARS, value)
    return when


def _calendar_when(value: Any) -> dt.date | dt.datetime:
    when = _parse_when(value)
    _in_years(when, CALENDAR_YEARS, value)
    return when


def _calendar_day(value: Any) -> dt.date:
    _in_years(_parse_when(value), CALENDAR_YEARS, value)
    return _date_only(value)


_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _line(value: Any) -> Any:
    """Text on one line: a title, a name or a place (a line break would split a heading, a feed or an .ics line)."""
    value = _text(value)
    if isinstance(value, str) and _LINE_BREAKS.search(value):
        raise PydanticCustomError(
            "sitegen_line",
            "Texten ska stå på en rad, men den har ett radbyte (kanske för att den skrevs med | eller > i YAML). "
            "Skriv hela texten på samma rad som fältnamnet.",
        )
    return value


def _parse_when(value: Any) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "sitegen_when",
            "Skriv ett datum som ”2026-03-12” eller datum och tid som ”2026-03-12 18:00”.",
        )
    match = _TIME_RE.match(value.strip())
    if not match and _CLOCK_ONLY.match(value.strip()):
        raise PydanticCustomError(
            "sitegen_when",
            "”{value}” är bara ett klockslag. Skriv datumet också, till exempel ”2026-03-12 {value}”.",
            {"value": value.strip()},
        )
    try:
        if not match:
            raise ValueError
        year, month, day, hour, minute = match.groups()
        date = dt.date(int(year), int(month), int(day))
        if hour is None:
            return date
        return dt.datetime.combine(date, dt.time(int(hour), int(minute)))
    except ValueError:
        raise PydanticCustomError(
            "sitegen_when",
            "”{value}” är inget giltigt datum eller klockslag. Skriv datum som ”2026-03-12” och "
            "datum med tid som ”2026-03-12 18:00” (24-timmarsklocka).",
            {"value": value},
        ) from None


def _date_only(value: Any) -> dt.date:
    when = parse_when(value)
    if isinstance(when, dt.datetime):
        raise PydanticCustomError(
            "sitegen_date", "Här ska det bara stå ett datum, utan klockslag, till exempel ”2026-06-16”."
        )
    return when


def _pdf_months(value: Any) -> Any:
    """A whole number of months from 1 to 24 (not true/false, not text, not 6.5)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 24:
        shown = str(value).lower() if isinstance(value, bool) else value  # as written in YAML: true, not True
        written = "Fältet är tomt." if value is None else f"”{shown}” går inte att använda."
        raise PydanticCustomError(
            "sitegen_pdf_months",
            "{written} Skriv hur många månader framåt kalendern som PDF ska visa, som ett heltal från 1 till 24, "
            "till exempel 12.",
            {"written": written},
        )
    return value


# The accessibility vocabulary of events: id -> (the words readers see, what it promises). The ids are short
# and plain, so the coordinator can write them; readers always see the words, never only an icon.
ACCESSIBILITY: dict[str, tuple[str, str]] = {
    "rullstol": ("Tillgängligt med rullstol", "Du kan ta dig in och fram i lokalen utan trappsteg, med ramp eller hiss."),
    "toalett": ("Tillgänglig toalett", "Det finns en toalett som går att använda med rullstol."),
    "horslinga": ("Hörslinga", "Lokalen har hörslinga för dig som har hörapparat."),
    "teckentolk": ("Teckenspråkstolk", "En tolk översätter mellan talad svenska och svenskt teckenspråk."),
    "skrivtolk": ("Skrivtolk", "Det som sägs skrivs ut som text medan det sägs."),
    "lattlast": ("Lättläst material", "Det finns material på lättläst svenska."),
    "allergi": ("Doft- och allergihänsyn", "Alla ombeds undvika parfym och starka dofter, av hänsyn till den som är "
                "allergisk eller känslig."),
    "tyst-rum": ("Tyst rum", "Det finns ett lugnt rum att gå undan till."),
}
# The shortest plain words for each, for paper (kalender.pdf), where a line per event must do.
ACCESSIBILITY_SHORT = {"rullstol": "rullstol", "toalett": "tillgänglig toalett", "horslinga": "hörslinga",
                       "teckentolk": "teckentolk", "skrivtolk": "skrivtolk", "lattlast": "lättläst material",
                       "allergi": "doft- och allergihänsyn", "tyst-rum": "tyst rum"}
# Other words the coordinator may write for the same thing, so the error can suggest the right id.
_ACCESSIBILITY_WORDS = {
    "rullstol": ["rullstolsanpassat", "rullstolsanpassad", "tillgänglig entré", "trappfritt", "ramp", "hiss"],
    "toalett": ["rullstolstoalett", "tillgänglig toalett", "tillganglig-toalett", "handikapptoalett", "wc", "rwc"],
    "horslinga": ["teleslinga", "slinga", "hörselslinga", "induktionsslinga"],
    "teckentolk": ["teckenspråk", "teckenspråkstolk", "tolk"],
    "skrivtolk": ["skrivtolkning", "textning"],
    "lattlast": ["lättläst material", "lätt svenska"],
    "allergi": ["doft", "doftfritt", "allergihänsyn", "doft- och allergihänsyn", "parfymfritt", "dofthänsyn"],
    "tyst-rum": ["tyst rum", "tystrum", "vilorum", "lugnt rum", "tyst"],
}


def _fold(text: str) -> str:
    """"Hörslinga " -> "horslinga": lowercase ASCII for comparing what was meant."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()
    return re.sub(r"[\s_]+", "-", plain)


def nearest_feature(word: str) -> str | None:
    """The accessibility id nearest to what was written: its id, a word for it, or a misspelling of either."""
    names = {_fold(i): i for i in ACCESSIBILITY}
    names.update({_fold(w): i for i, words in _ACCESSIBILITY_WORDS.items() for w in words})
    folded = _fold(word)
    if folded in names:
        return names[folded]
    match = difflib.get_close_matches(folded, list(names), n=1, cutoff=0.6)
    return names[match[0]] if match else None


def _feature(value: Any) -> Any:
    value = _text(value)
    if isinstance(value, str) and value not in ACCESSIBILITY:
        nearest = nearest_feature(value)
        hint = f" Menade du ”{nearest}” ({ACCESSIBILITY[nearest][0].lower()})?" if nearest else ""
        choices = ", ".join(f"{i} ({label.lower()})" for i, (label, _) in ACCESSIBILITY.items())
        raise PydanticCustomError("sitegen_feature", "”{value}” finns inte bland orden för tillgänglighet.{hint} "
                                  "Använd något av: {choices}.", {"value": value, "hint": hint, "choices": choices})
    return value


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


# The JSON Schema of each type says what an editor should accept while typing: the same forms the
# validators read (a YAML 1.2 date is text, so "2026-03-12 18:00" is a string with a pattern).
Text = Annotated[str, BeforeValidator(_text), Field(min_length=1),
                 WithJsonSchema({"type": ["string", "number"], "minLength": 1})]
Id = Annotated[str, BeforeValidator(_slug_id), WithJsonSchema({"type": "string", "pattern": _ID_RE.pattern})]
Url = Annotated[str, BeforeValidator(_url), WithJsonSchema({"type": "string", "pattern": r"^https?://\S+\.\S+$"})]
Email = Annotated[str, BeforeValidator(_email),
                  WithJsonSchema({"type": "string", "pattern": r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"})]
Phone = Annotated[str, BeforeValidator(_phone), WithJsonSchema({"type": ["string", "number"], "pattern": _PHONE_RE.pattern})]
Line = Annotated[str, BeforeValidator(_line), Field(min_length=1),
                 WithJsonSchema({"type": ["string", "number"], "minLength": 1, "pattern": "^[^\n\r]*$"})]
When = Annotated[dt.date | dt.datetime, BeforeValidator(_calendar_when),
                 WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}([ T]\d{1,2}[:.]\d{2})?$"})]
Day = Annotated[dt.date, BeforeValidator(_date_only), WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"})]
CalendarDay = Annotated[dt.date, BeforeValidator(_calendar_day),
                        WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"})]
# A Literal, so the editor's form offers the words as checkboxes; _feature runs first and explains a wrong word.
FeatureId = Literal["rullstol", "toalett", "horslinga", "teckentolk", "skrivtolk", "lattlast", "allergi", "tyst-rum"]
assert set(typing.get_args(FeatureId)) == set(ACCESSIBILITY)
Feature = Annotated[FeatureId, BeforeValidator(_feature), WithJsonSchema({"type": "string", "enum": list(ACCESSIBILITY)})]
PdfMonths = Annotated[int, BeforeValidator(_pdf_months), WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 24})]

# What the editor's forms offer as choices (sitegen/cms): the places of site.yaml ("Digitalt" and "Hela länet"
# included), the associations by name, or Swedish words for fixed values; `x-hint` replaces a description that
# speaks of the YAML file with one for the form. Editors showing the schemas ignore them.
PLACES: dict[str, Any] = {"x-choices": "places"}
EVENT_PLACE: dict[str, Any] = {**PLACES, "x-hint": "Kommunen där händelsen äger rum, eller Digitalt eller Hela länet."}
ASSOCIATIONS: dict[str, Any] = {"x-choices": "associations", "x-hint": "Föreningarna som ordnar händelsen."}
FREQ_LABELS: dict[str, Any] = {"x-labels": {"weekly": "Varje vecka", "monthly": "Varje månad (samma datum)"},
                               "x-hint": "Hur ofta träffen återkommer."}
FEATURE_LABELS: dict[str, Any] = {"x-labels": {key: label for key, (label, _) in ACCESSIBILITY.items()},
                                  "x-hint": "Vad lokalen och mötet har. Välj allt som stämmer."}
CANCELLED: dict[str, Any] = {"x-hint": "En inställd händelse tas inte bort: den visas som INSTÄLLT, också i "
                                        "prenumeranternas kalendrar."}


class Model(BaseModel):
    """Base of every content model: unknown keys are errors; models are read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    _source: tuple[str, int] = PrivateAttr(("?", 0))
    _lines: dict[str, int] = PrivateAttr(default_factory=dict)

    @property
    def source(self) -> tuple[str, int]:
        """The content file and line this entry was read from."""
        return self._private()["_source"]  # type: ignore[no-any-return]

    def line_of(self, field: str) -> int:
        """The line of a field ("end", "repeat.until", "repeat.except.1"), or of the entry when unknown."""
        private = self._private()
        lines = private["_lines"]
        while field:
            if field in lines:
                return lines[field]  # type: ignore[no-any-return]
            field = field.rpartition(".")[0]
        return private["_source"][1]  # type: ignore[no-any-return]

    def _private(self) -> dict[str, Any]:
        """The private attributes, read directly: pydantic's own lookup of them costs fifty times as much, and the
        checks ask for lines of thousands of entries."""
        private = self.__pydantic_private__
        return private if private is not None else {"_source": self._source, "_lines": self._lines}


class Coordinator(Model):
    name: Line = Field(title="Namn", description="Samordnarens namn.")
    role: Line = Field(title="Titel", description="Titel, till exempel ”Samordnare för brukarinflytande”.")
    email: Email | None = Field(None, title="E-post", description="E-postadress.")
    phone: Phone | None = Field(None, title="Telefon", description="Telefonnummer.")


class Site(Model):
    """content/site.yaml: the site's settings."""

    title: Line = Field(title="Webbplatsens namn", description="Webbplatsens namn, visas överst på varje sida.")
    tagline: Line | None = Field(None, title="Undertitel", description="En kort mening under namnet.")
    organisation: Line = Field(title="Organisation",
        description="Vem som står bakom webbplatsen, till exempel ”Region Gävleborg”.")
    base_url: Url = Field(title="Webbplatsens adress",
        description="Webbplatsens adress med https://, används i flöden och webbplatskarta.")
    language: Literal["sv"] = Field("sv", title="Språk", description="Språk: alltid sv.")
    timezone: Literal["Europe/Stockholm"] = Field("Europe/Stockholm", title="Tidszon", description="Tidszon för kalendern.")
    municipalities: list[Line] = Field(min_length=1, title="Kommuner", description="Länets kommuner, i den ordning de ska visas.")
    coordinator: Coordinator = Field(title="Samordnare", description="Samordnaren som ansvarar för webbplatsen och kalendern.")
    footer: Text | None = Field(None, title="Sidfot", description="Text i sidfoten (Markdown).")
    pdf_months: PdfMonths = Field(12, title="Månader i PDF:en",
        description="Hur många månader framåt kalendern som PDF (kalender.pdf) visar, "
                                  "från 1 till 24. Utan fältet: 12.")


class PageMeta(Model):
    """Front matter of content/pages/*.md."""

    title: Line = Field(title="Rubrik", description="Sidans rubrik (h1) och titel i webbläsaren.")
    description: Text | None = Field(None, title="Beskrivning", description="En mening om sidan, för sökmotorer och länklistor.")
    menu: int | None = Field(None, ge=1, title="Plats i menyn",
        description="Plats i huvudmenyn (1 = först). Utelämna för att inte visa sidan i menyn.")
    menu_title: Line | None = Field(None, title="Namn i menyn", description="Kortare namn i menyn, om rubriken är lång.")
    reviewed: Day | None = Field(None, title="Granskad", description="Dagen då någon senast läste igenom sidan och "
                                 "såg att den stämmer, till exempel 2026-11-24. Visas som ”Granskad” på sidan.")


class NewsMeta(Model):
    """Front matter of content/news/YYYY-MM-DD-slug.md."""

    title: Line = Field(title="Rubrik", description="Nyhetens rubrik.")
    date: Day = Field(title="Datum", description="Publiceringsdatum, samma som i filnamnet.")
    summary: Text = Field(title="Sammanfattning", description="En eller två meningar som visas i listor.")


class Association(Model):
    """One entry of content/associations.yaml."""

    id: Id = Field(title="Id", description="Unikt id: små bokstäver, siffror och bindestreck. Blir sidans adress.")
    name: Line = Field(title="Namn", description="Föreningens namn.")
    description: Text = Field(title="Beskrivning", description="Vad föreningen gör (Markdown).")
    focus: Line | None = Field(None, title="Inriktning",
        description="Inriktning, till exempel en diagnos eller socialt utanförskap.")
    audience: list[Line] = Field(default_factory=list, title="Målgrupper",
        description="Målgrupper, till exempel brukare, närstående.")
    municipalities: list[Line] = Field(default_factory=list, title="Kommuner", json_schema_extra=PLACES,
        description="Kommuner där föreningen verkar.")
    website: Url | None = Field(None, title="Webbplats", description="Föreningens webbplats med https://.")
    email: Email | None = Field(None, title="E-post", description="E-postadress.")
    phone: Phone | None = Field(None, title="Telefon", description="Telefonnummer.")
    contact: Line | None = Field(None, title="Kontaktperson", description="Kontaktperson eller funktion.")
    address: Text | None = Field(None, title="Adress", description="Postadress eller besöksadress.")


class Repeat(Model):
    """How an event repeats."""

    freq: Literal["weekly", "monthly"] = Field(title="Hur ofta", json_schema_extra=FREQ_LABELS,
        description="weekly (varje vecka) eller monthly (varje månad).")
    until: CalendarDay = Field(title="Sista dag", description="Sista dagen upprepningen kan ske, till exempel 2026-06-16.")
    except_: list[CalendarDay] = Field(default_factory=list, alias="except", title="Undantag",
                               description="Datum då träffen inte blir av.")

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True)


class Registration(Model):
    """How to register for an event: at least one way, and perhaps a last day."""

    url: Url | None = Field(None, title="Anmälan på webben", description="Adress till anmälan på webben, med https://.")
    email: Email | None = Field(None, title="Anmälan med e-post", description="E-postadress att anmäla sig till.")
    phone: Phone | None = Field(None, title="Anmälan per telefon", description="Telefonnummer att anmäla sig på.")
    deadline: Day | None = Field(None, title="Sista anmälningsdag", description="Sista dagen att anmäla sig, till "
                                 "exempel 2026-03-05. Får inte vara efter starten.")

    @model_validator(mode="after")
    def _one_way(self) -> Registration:
        if not (self.url or self.email or self.phone):
            raise PydanticCustomError("sitegen_registration", "Skriv hur man anmäler sig: minst ett av url (en "
                                      "webbadress), email (e-post) och phone (telefon).")
        return self


class Event(Model):
    """One entry of content/events/YYYY.yaml."""

    id: Id = Field(title="Id", description="Unikt id som aldrig återanvänds: det är kalenderprenumeranternas UID.")
    title: Line = Field(title="Titel", description="Händelsens namn.")
    start: When = Field(title="Start", description="Start i svensk tid: ”2026-03-12 18:00”, eller bara datum för heldag.")
    end: When | None = Field(None, title="Slut", description="Slut: datum och klockslag (”2026-03-12 20:00”), eller bara datum "
                             "för en flerdagarshändelse (till och med).")
    location: Line | None = Field(None, title="Plats", description="Plats och adress.")
    municipality: Line = Field(title="Kommun", json_schema_extra=EVENT_PLACE,
        description="En av kommunerna i site.yaml, eller ”Digitalt” eller ”Hela länet”.")
    organizers: list[Id] = Field(default_factory=list, title="Arrangörer", json_schema_extra=ASSOCIATIONS,
        description="Arrangörernas id från associations.yaml.")
    category: Line | None = Field(None, title="Kategori", description="Typ av händelse, till exempel dialogmöte.")
    description: Text | None = Field(None, title="Beskrivning", description="Beskrivning (Markdown).")
    url: Url | None = Field(None, title="Länk", description="Mer information eller anmälan, med https://.")
    cancelled: bool = Field(False, title="Inställd", json_schema_extra=CANCELLED,
                            description="true om händelsen är inställd; den visas då som INSTÄLLT.")
    repeat: Repeat | None = Field(None, title="Upprepning", description="Upprepning varje vecka eller månad.")
    accessibility: Annotated[list[Feature], AfterValidator(_unique)] = Field(
        default_factory=list, title="Tillgänglighet", json_schema_extra=FEATURE_LABELS,
        description="Vad lokalen och mötet har, med orden rullstol, toalett, horslinga, teckentolk, skrivtolk, "
                    "lattlast, allergi, tyst-rum.")
    online: Url | None = Field(None, title="Delta digitalt", description="Länk till mötet på nätet, med https://. "
                               "Med en kommun blir mötet både på plats och digitalt; med ”Digitalt” bara digitalt.")
    registration: Registration | None = Field(None, title="Anmälan", description="Hur man anmäler sig: url, email "
                                              "och/eller phone, och deadline (sista anmälningsdag).")


class Step(Model):
    """One step of the delaktighetstrappa, bottom to top."""

    name: Line = Field(title="Namn", description="Stegets namn, till exempel ”Information”.")
    characteristics: list[Text] = Field(min_length=1, title="Kännetecken", description="Kännetecken.")
    user_gets: Line = Field(title="Vad patient/brukare får", description="Vad patient/brukare får, till exempel ”Veta”.")
    methods: list[Text] = Field(min_length=1, title="Metoder", description="Exempel på metoder.")


class Excerpt(Model):
    """One quoted passage of a law."""

    chapter: Line | None = Field(None, title="Kapitel", description="Kapitel, till exempel ”5 kap. Delaktighet”.")
    section: Line | None = Field(None, title="Paragraf", description="Paragraf, till exempel ”1 §”.")
    text: Text = Field(title="Text", description="Lagtexten (Markdown).")


Sfs = Annotated[Text, Field(pattern=r"^\d{4}:\d+$")]


class ReplacedBy(Model):
    """The law that took the place of a repealed one."""

    name: Line = Field(title="Den nya lagens namn", description="Den nya lagens namn, till exempel ”Socialtjänstlag”.")
    sfs: Sfs | None = Field(None, title="SFS-nummer", description="Den nya lagens SFS-nummer, till exempel ”2025:400”.")
    url: Url = Field(title="Länk", description="Länk till den nya lagen hos riksdagen, med https://.")


class Law(Model):
    """One law of content/laws.yaml with its excerpts."""

    id: Id = Field(title="Id", description="Unikt id, blir ankare på sidan /lagar/.")
    law: Line = Field(title="Lag", description="Lagens namn, till exempel ”Patientlagen”.")
    abbreviation: Line | None = Field(None, title="Förkortning", description="Förkortning, till exempel ”SoL”.")
    sfs: Sfs | None = Field(None, title="SFS-nummer", description="SFS-nummer, till exempel ”2014:821”.")
    url: Url = Field(title="Länk", description="Länk till lagtexten hos källan.")
    intro: Text | None = Field(None, title="Inledning", description="Inledande text före utdragen (Markdown).")
    excerpts: list[Excerpt] = Field(min_length=1, title="Utdrag", description="Utdrag ur lagen.")
    note: Text | None = Field(None, title="Efterord", description="Text efter utdragen (Markdown).")
    repealed: Day | None = Field(None, title="Upphävd", description="Dagen då lagen slutade gälla, till exempel "
                                 "2025-07-01. Sidan säger då att utdragen är ur den gamla lagen.")
    replaced_by: ReplacedBy | None = Field(None, title="Ersatt av", description="Lagen som gäller i stället: "
                                           "name, sfs och url. Kräver repealed.")
    reviewed: Day | None = Field(None, title="Granskad", description="Dagen då någon senast kontrollerade utdragen "
                                 "mot källan, till exempel 2026-11-24.")


class Question(Model):
    """One question of content/checklist.yaml."""

    question: Text = Field(title="Fråga", description="Frågan.")


class Definition(Model):
    """One entry of content/definitions.yaml."""

    term: Line = Field(title="Begrepp", description="Begreppet.")
    definition: Text = Field(title="Förklaring", description="Förklaringen (Markdown).")
