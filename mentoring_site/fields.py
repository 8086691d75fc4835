"""Worksheet field types.

Each type is a small dataclass registered with `@field_type`, plus one template
`worksheets/fields/<type>.html.j2`. Adding a type touches exactly those two places.
Every type has `form_fields()`: the names of the PDF form fields it produces, with their label
(used as the accessible tooltip) and kind, so tests and docs can rely on them. Names never hold a
period (PDF reads a period as a level of the name): see the README's "Reading filled-in forms".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from .errors import shown
from .messages import N_
from .schema import Ctx, convert_mapping, meta
from .yamlsource import Path_

FIELD_TYPES: dict[str, type[BaseField]] = {}
# Names other tools (HTML forms, survey builders) give to a type: suggested, never accepted.
SYNONYMS: dict[str, str] = {}
IDENT = re.compile(r"^[a-z][a-z0-9_]*$")


def field_type(name: str, *, also: tuple[str, ...] = ()) -> Any:
    """Register a field type under `name`; `also`: what people used to other tools may write
    for it instead, for did-you-mean (names and synonyms must be unique)."""

    def register(cls: type[BaseField]) -> type[BaseField]:
        assert name not in FIELD_TYPES, f"field type {name!r} registered twice"
        for other in also:
            assert other not in SYNONYMS and other not in FIELD_TYPES, f"synonym {other!r} registered twice"
            SYNONYMS[other] = name
        cls.type_name = name
        FIELD_TYPES[name] = cls
        return cls

    return register


def suggest_type(kind: str) -> str | None:
    """The field type someone who wrote `kind` most likely meant, if any."""
    import difflib

    word = re.sub(r"[\s-]+", "_", kind.strip().lower())
    if word in FIELD_TYPES:  # `Long text`, `long-text`
        return word
    if word in SYNONYMS:
        return SYNONYMS[word]
    close = difflib.get_close_matches(word, [*FIELD_TYPES, *SYNONYMS], n=1)
    return SYNONYMS.get(close[0], close[0]) if close else None


def _ident(value: str, ctx: Ctx, path: Path_) -> Any:
    if not IDENT.match(value):
        return ctx.error(path, f"{shown(value)} must be lowercase letters, digits and underscores")
    return value


def _options(value: list[str], ctx: Ctx, path: Path_) -> Any:
    if len(value) < 2:
        return ctx.error(path, "must list at least two options")
    if len(set(value)) != len(value):
        return ctx.error(path, "lists the same option twice")
    return value


# What a field can be filled in with from the roster (`prefill:`), in a pair's pack. The names
# are part of the interface: organisations write them in their own worksheets.
PREFILL_VALUES: dict[str, str] = {
    "pair_id": "the pair's id from the roster",
    "mentor_name": "the mentor's name",
    "mentor_email": "the mentor's email",
    "mentee_name": "the mentee's name",
    "mentee_email": "the mentee's email",
    "pair_names": "both names, mentor first: 'Ana Silva and Bo Chen'",
    "pair_emails": "both emails, mentor first: 'ana@example.org, bo@example.org'",
    "program_manager_name": "the program's contact (program.contact.name)",
    "program_manager_email": "the program's contact email",
    "start": "the pair's first meeting, written out",
    "end": "the program's last day, written out",
    "midpoint": "the pair's meeting nearest the middle of the program, written out",
    "last_meeting": "the pair's last meeting, written out",
    "meeting_rhythm": "the pair's meeting rhythm as a phrase (their weekday and time)",
}
# Values with one item per row: only for table columns.
PREFILL_LISTS: dict[str, str] = {
    "meeting_dates": "the pair's meeting dates, one per row (short form, e.g. 18 Jan 2027)",
}
# A signature block fills in the names of its parties.
PREFILL_SIGNATURE = {"names": "each party's name"}


def _prefill_from(known: dict[str, str]) -> Any:
    def check(value: str, ctx: Ctx, path: Path_) -> Any:
        if value and value not in known:
            import difflib

            close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            return ctx.error(path, f"unknown prefill value {value!r}{hint} (known: {', '.join(known)})")
        return value

    return check


def _prefill(known: dict[str, str]) -> Any:
    return field(default="", metadata=meta(
        "What the roster fills in, in a pair's pack (see the README's list).", check=_prefill_from(known)))


@dataclass(frozen=True)
class FormField:
    """One PDF form field: its name, the tooltip (= visible label) and its kind."""

    name: str
    label: str
    kind: Literal["text", "multiline", "checkbox", "radio"]
    options: tuple[str, ...] = ()  # radio: each option's name, for its widget's tooltip


class BaseField:
    type_name: ClassVar[str]
    id: str
    label: str

    @property
    def template(self) -> str:
        return f"worksheets/fields/{self.type_name}.html.j2"

    def form_fields(self, t: Any = None) -> list[FormField]:
        return []


# Texts a field shows when its YAML gives none: here once, for the field types below and for
# the languages layer, which gives them in the language being built (the message catalog).
TEXT_DEFAULTS: dict[str, dict[str, str]] = {
    "scale": {"low": N_("Not at all"), "high": N_("Completely")},
    "signature": {"label": N_("Signatures")},
}


def localised_defaults(worksheet: Any, gettext: Callable[[str], str] | None) -> Any:
    """A worksheet's raw data with the default texts of its fields (TEXT_DEFAULTS) written in,
    translated by `gettext`; as it is without one (English: the types' own defaults)."""
    if gettext is None or not isinstance(worksheet, dict) or not isinstance(worksheet.get("sections"), list):
        return worksheet
    sections = []
    for section in worksheet["sections"]:
        if isinstance(section, dict) and isinstance(section.get("fields"), list):
            section = {**section, "fields": [
                {**{k: gettext(v) for k, v in TEXT_DEFAULTS.get(f.get("type"), {}).items()}, **f}  # type: ignore[arg-type]
                if isinstance(f, dict) else f for f in section["fields"]]}
        sections.append(section)
    return {**worksheet, "sections": sections}


def _id() -> Any:
    return field(metadata=meta("Field identifier, unique in the worksheet.", check=_ident))


def _label() -> Any:
    return field(metadata=meta("Visible label; also the form field's tooltip."))


@field_type("text", also=("string", "input", "line", "short_text", "textbox"))
@dataclass(frozen=True)
class Text(BaseField):
    """A short answer on one write-on line."""

    id: str = _id()
    label: str = _label()
    help: str = field(default="", metadata=meta("A hint printed under the label."))
    default: str = field(default="", metadata=meta("Text filled in already (placeholders ok)."))
    prefill: str = _prefill(PREFILL_VALUES)

    def form_fields(self, t: Any = None) -> list[FormField]:
        return [FormField(self.id, self.label, "text")]


@field_type("long_text", also=("textarea", "multiline", "multi_line", "paragraph", "lines", "essay"))
@dataclass(frozen=True)
class LongText(BaseField):
    """A multi-line answer: ruled lines on paper, a multi-line box on screen."""

    id: str = _id()
    label: str = _label()
    lines: int = field(default=4, metadata=meta("Number of write-on lines (1 to 20)."))
    help: str = field(default="", metadata=meta("A hint printed under the label."))
    default: str = field(default="", metadata=meta("Text filled in already (placeholders ok)."))
    prefill: str = _prefill(PREFILL_VALUES)

    def __post_init__(self) -> None:
        if not 1 <= self.lines <= 20:
            from .schema import RuleError

            raise RuleError("lines", f"must be between 1 and 20, not {self.lines}", reads=("lines",))

    def form_fields(self, t: Any = None) -> list[FormField]:
        return [FormField(self.id, self.label, "multiline")]


@field_type("checkboxes", also=("checkbox", "check", "tickbox", "tick_boxes", "multiple_choice"))
@dataclass(frozen=True)
class Checkboxes(BaseField):
    """Tick any number of options."""

    id: str = _id()
    label: str = _label()
    options: list[str] = field(default_factory=list, metadata=meta("The options.", check=_options))

    def form_fields(self, t: Any = None) -> list[FormField]:
        return [
            FormField(f"{self.id}_{i}", f"{self.label}: {o}", "checkbox")
            for i, o in enumerate(self.options, 1)
        ]


@field_type("choice", also=("radio", "radio_buttons", "select", "dropdown", "options", "single_choice"))
@dataclass(frozen=True)
class Choice(BaseField):
    """Pick exactly one option."""

    id: str = _id()
    label: str = _label()
    options: list[str] = field(default_factory=list, metadata=meta("The options.", check=_options))

    def form_fields(self, t: Any = None) -> list[FormField]:
        return [FormField(self.id, self.label, "radio", tuple(self.options))]


@field_type("scale", also=("rating", "likert", "slider", "range"))
@dataclass(frozen=True)
class Scale(BaseField):
    """A rating from 1 to 5 with words for both ends."""

    id: str = _id()
    label: str = _label()
    low: str = field(default=TEXT_DEFAULTS["scale"]["low"], metadata=meta("What 1 means."))
    high: str = field(default=TEXT_DEFAULTS["scale"]["high"], metadata=meta("What 5 means."))

    def form_fields(self, t: Any = None) -> list[FormField]:
        options = (f"1, {self.low}", "2", "3", "4", f"5, {self.high}")
        return [FormField(self.id, self.label, "radio", options)]


@field_type("date", also=("datetime", "calendar", "when"))
@dataclass(frozen=True)
class Date(BaseField):
    """A date, written on a short line."""

    id: str = _id()
    label: str = _label()
    prefill: str = _prefill(PREFILL_VALUES)

    def form_fields(self, t: Any = None) -> list[FormField]:
        return [FormField(self.id, self.label, "text")]


Party = Literal["mentor", "mentee", "program_manager"]


@field_type("signature", also=("sign", "signatures", "signoff", "sign_off"))
@dataclass(frozen=True)
class Signature(BaseField):
    """Name, signature and date for each party."""

    id: str = _id()
    label: str = field(default=TEXT_DEFAULTS["signature"]["label"], metadata=meta("Heading of the block."))
    parties: list[Party] = field(
        default_factory=lambda: ["mentor", "mentee"], metadata=meta("Who signs, in order.")
    )
    prefill: str = _prefill(PREFILL_SIGNATURE)

    def form_fields(self, t: Any = None) -> list[FormField]:
        out = []
        for party in self.parties:
            # Without terms (the forms stage needs names and kinds only), the party's own word.
            role = getattr(t, party[:1].upper() + party[1:]) if t is not None else party.replace("_", " ").capitalize()
            for part, word in (("name", "name"), ("signature", "signature"), ("date", "date")):
                out.append(FormField(f"{self.id}_{party}_{part}", f"{role} {word}", "text"))
        return out


@dataclass(frozen=True)
class Column:
    """A column of a table field."""

    id: str = field(metadata=meta("Column identifier.", check=_ident))
    label: str = field(metadata=meta("Column heading; with the row number, the cell's tooltip."))
    type: Literal["text", "date", "check"] = field(default="text", metadata=meta("Cell kind."))
    width: Literal["small", "medium", "large"] = field(
        default="medium", metadata=meta("Relative column width.")
    )
    prefill: str = _prefill(PREFILL_LISTS)


@field_type("table", also=("grid", "matrix", "rows"))
@dataclass(frozen=True)
class Table(BaseField):
    """Rows and columns of cells, e.g. goal steps with owner, due date and a done box."""

    id: str = _id()
    label: str = _label()
    columns: list[Column] = field(default_factory=list, metadata=meta("The columns."))
    rows: int = field(default=5, metadata=meta("Number of rows (1 to 30)."))

    def __post_init__(self) -> None:
        from .schema import RuleError

        if not 1 <= self.rows <= 30:
            raise RuleError("rows", f"must be between 1 and 30, not {self.rows}", reads=("rows",))
        if not 1 <= len(self.columns) <= 8:
            raise RuleError("columns", "must have between 1 and 8 columns", reads=("columns",))
        ids = [c.id for c in self.columns]
        if len(set(ids)) != len(ids):
            raise RuleError("columns", "two columns have the same id", reads=("columns",))

    def form_fields(self, t: Any = None) -> list[FormField]:
        kinds = {"text": "text", "date": "text", "check": "checkbox"}
        return [
            FormField(f"{self.id}_r{r}_{c.id}", f"{self.label}, row {r}: {c.label}", kinds[c.type])  # type: ignore[arg-type]
            for r in range(1, self.rows + 1)
            for c in self.columns
        ]


@field_type("note", also=("info", "heading", "paragraph_text", "instructions", "static", "label"))
@dataclass(frozen=True)
class Note(BaseField):
    """Static text printed on the sheet; not a form field."""

    text: str = field(default="", metadata=meta("Markdown text."))
    id: str = field(default="", metadata=meta("Optional identifier."))
    label: str = field(default="", metadata=meta("Optional heading."))


def convert_field(value: Any, ctx: Ctx, path: Path_) -> Any:
    """Validate one field mapping by its `type`."""
    if not isinstance(value, dict):
        return ctx.error(path, "must be a mapping with a `type`")
    kind = value.get("type")
    if kind not in FIELD_TYPES:
        close = suggest_type(str(kind))
        hint = f"; did you mean {close!r}?" if close else ""
        known = ", ".join(FIELD_TYPES)
        where = (*path, "type") if "type" in value else path
        what = "missing `type`" if kind is None else f"unknown field type {shown(kind)}{hint}"
        return ctx.error(where, f"{what} (known types: {known})")
    rest = {k: v for k, v in value.items() if k != "type"}
    return convert_mapping(FIELD_TYPES[kind], rest, path, ctx)
