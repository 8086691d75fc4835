"""The languages layer: one program in several languages, loaded one language at a time.

`program.languages: [en, es]` lists them, the default first. A text of program.yml may be a
mapping from language codes; practices, worksheets and extra pages are translated by overlay
files beside the originals (`mentors.es.yml`, `goals.es.yml`, `faq.es.md`) that give only text,
matched by id, so that structure is defined once. What a language lacks is taken from the
default language and recorded as `Missing`, for `validate` to count and `lang_of` to mark.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Problem, Problems
from .schema import Ctx
from .yamlsource import Document, Loc, Path_


@dataclass(frozen=True)
class Missing:
    """A text a language has no translation of: shown in the default language instead."""

    file: str  # relative to the program: where the original text is written
    line: int
    column: int
    key: str  # the key path of the original text, e.g. `practices[2] "Listen".title`
    what: str  # for `validate -v`, e.g. "no Spanish (es) text"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.key}: {self.what}" if self.key else f"{where}: {self.what}"


# The kinds `LoadedProgram.lang_of` answers for, and how their keys are written.
KINDS = {
    "page": "the page's path, e.g. conduct.md, faq.md, mentors/break-the-ice.md, worksheets/goals.md",
    "practice": "role/id, e.g. mentors/break-the-ice",
    "worksheet": "the worksheet's id, e.g. goals",
    "section": "worksheet id/section number from 1, e.g. goals/2",
    "field": "worksheet id/field id, e.g. goals/goal1_steps",
}


# ---------------------------------------------------------------------------------------------
# Names and codes


def language_name(code: str) -> str:
    """The language's English name for messages: "Spanish", "Portuguese (Brazil)"."""
    import babel

    try:
        return babel.Locale.parse(code, sep="-").english_name or code
    except (ValueError, babel.UnknownLocaleError):
        return code


def no_text(code: str) -> str:
    return f"no {language_name(code)} ({code}) text"


def not_listed(code: str, languages: list[str]) -> str:
    if len(languages) == 1:  # `language: en` (or `languages: [en]`): say how to add one
        return f"{code} is not a language of this program, which is in {languages[0]} only " \
               f"(to add {code}: languages: [{languages[0]}, {code}])"
    return f"{code} is not in program.languages [{', '.join(languages)}]"


def overlay_code(name: str, languages: list[str]) -> tuple[str, str] | None:
    """(the original's name, the code) when a file name carries a language suffix before its
    extension: goals.es.yml -> ("goals.yml", "es"). A suffix that is a language code but not one
    of the program's is returned too (the caller reports it); any other dot is part of the name."""
    from .model import known_language

    stem, dot, ext = name.rpartition(".")
    base, dot2, code = stem.rpartition(".")
    if not (dot and dot2 and base and code):
        return None
    if code in languages or known_language(code):
        return f"{base}.{ext}", code
    return None


# ---------------------------------------------------------------------------------------------
# program.yml: texts given per language, terminology per language


class View(Document):
    """A document's data in one language, reporting at the places the values were written:
    `program.name` in Spanish is found at `program.name.es`."""

    def __init__(self, doc: Document, data: Any, origin: dict[Path_, Path_]) -> None:
        super().__init__(doc.file, data, doc.locs, doc.key_locs)
        self.base, self.origin = doc, origin

    def written(self, path: Path_) -> Path_:
        for n in range(len(path), 0, -1):
            if path[:n] in self.origin:
                return self.origin[path[:n]] + path[n:]
        return path

    def key(self, path: Path_) -> str:
        return self.base.key(self.written(path))

    def loc(self, path: Path_) -> Loc:
        return self.base.loc(self.written(path))


def _dataclass_in(tp: Any) -> Any:
    """The dataclass a field's type holds (X, X | None), or None."""
    if dataclasses.is_dataclass(tp):
        return tp
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        found = [a for a in typing.get_args(tp) if dataclasses.is_dataclass(a)]
        return found[0] if len(found) == 1 and len(typing.get_args(tp)) == 2 else None
    return None


@dataclass
class _Pass:
    """One language's pass over program.yml."""

    code: str
    languages: list[str]
    ctx: Ctx
    report: bool  # the default language's pass reports mistakes; the others would repeat them
    # Whether a code not among the languages, or a text missing in the default language, is a
    # mistake: not when program.languages (or language) is wrong itself, since a right code may be
    # missing from it, or the default be another, only for that mistake.
    judge_codes: bool = True
    origin: dict[Path_, Path_] = field(default_factory=dict)
    missing: list[Missing] = field(default_factory=list)
    own_words: set[str] = field(default_factory=set)

    @property
    def default(self) -> str:
        return self.languages[0]

    def miss(self, path: Path_, what: str = "") -> None:
        if self.code != self.default:
            loc = self.ctx.doc.loc(path)
            rel = self.ctx.problems.rel(self.ctx.doc.file)
            self.missing.append(Missing(rel, loc.line, loc.column, self.ctx.doc.key(path), what or no_text(self.code)))

    def codes_of(self, mapping: dict[str, Any], path: Path_) -> None:
        if not self.report or not self.judge_codes:
            return
        for key in mapping:
            if key not in self.languages:
                from .program import did_you_mean

                self.ctx.error_at_key((*path, key), not_listed(key, self.languages)
                                      + did_you_mean(key, self.languages, shown_as="{}"))

    def walk(self, cls: Any, data: Any, path: Path_) -> Any:
        if not isinstance(data, dict):
            return data
        hints = typing.get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls)}
        out = dict(data)
        for key, value in data.items():
            if key not in fields:
                continue
            here = (*path, key)
            if cls.__name__ == "ProgramFile" and key == "terminology":
                out[key] = self.terminology(value, here)
            elif fields[key].metadata.get("translatable"):
                if isinstance(value, dict):
                    out[key] = self.pick(value, here)
            elif isinstance(value, dict) and value and set(value) <= set(self.languages) and (
                    _dataclass_in(hints[key]) is None):
                if self.report:
                    self.ctx.error(here, "is the same in every language; write one value, not one per language")
            elif (inner := _dataclass_in(hints[key])) is not None:
                out[key] = self.walk(inner, value, here)
            elif typing.get_origin(hints[key]) is list and isinstance(value, list):
                (item,) = typing.get_args(hints[key])
                if dataclasses.is_dataclass(item):
                    out[key] = [self.walk(item, v, (*here, i)) for i, v in enumerate(value)]
        return out

    def pick(self, mapping: dict[str, Any], path: Path_) -> Any:
        """The text of this language from {code: text}, or the default language's."""
        self.codes_of(mapping, path)
        if self.default not in mapping:
            if self.report and self.judge_codes:  # (with wrong languages, the default is not known)
                self.ctx.error(path, f"gives no text for {self.default}, the default language, which the "
                                     "others fall back to")
            return next(iter(mapping.values()), "")
        code = self.code if self.code in mapping else self.default
        if code != self.code:
            self.miss(path)
        self.origin[path] = (*path, code)
        return mapping[code]

    def terminology(self, data: Any, path: Path_) -> Any:
        """The base words with this language's mapping merged over them."""
        from .model import Terminology, known_language

        if not isinstance(data, dict):
            return data
        words = {f.name for f in dataclasses.fields(Terminology)}
        base: dict[str, Any] = {}
        for key, value in data.items():
            if key in self.languages:
                if not isinstance(value, dict) and self.report:
                    self.ctx.error((*path, key), f"must be a mapping of the {language_name(key)} words "
                                                 f"({', '.join(sorted(words))})")
            elif key not in words and known_language(key):
                if self.report and self.judge_codes:
                    self.ctx.error_at_key((*path, key), not_listed(key, self.languages))
            else:
                base[key] = value
        own = data.get(self.code)
        if not isinstance(own, dict):
            if len(self.languages) > 1 and self.code != self.default:
                self.miss(path, f"no {language_name(self.code)} ({self.code}) words; the "
                                f"{language_name(self.default)} ones are used (give terminology.{self.code})")
            return base
        from .terms import grammar

        for key, value in own.items():
            self.origin[(*path, key)] = (*path, self.code, key)
            if isinstance(value, str) and key in words - {"mentoring"} and grammar(self.code) is None:
                self.ctx.error((*path, self.code, key), f"give {{singular: ..., plural: ...}}: there is no "
                               f"{language_name(self.code)} plural rule here to make the plural of {value!r}")
        self.own_words = set(own)
        return {**base, **own}


def localise_program(doc: Document, problems: Problems, languages: list[str]) -> dict[str, tuple[View, _Pass]]:
    """program.yml in each language: the data with every per-language text resolved (a View that
    reports at the places written) and what the language lacks. Mistakes in the mappings (a
    code not in program.languages, no default text) are reported once, at their lines."""
    out: dict[str, tuple[View, _Pass]] = {}
    from .model import ProgramFile

    judge = languages_right(doc)
    for code in languages:
        one = _Pass(code, languages, Ctx(doc, problems), report=code == languages[0], judge_codes=judge)
        data = one.walk(ProgramFile, doc.data, ())  # (anything but a mapping is left as it is, to be reported)
        out[code] = (View(doc, data, one.origin), one)
    return out


def languages_right(doc: Document) -> bool:
    """Whether program.languages and program.language, as written, are right (or absent)."""
    from .model import language_problem

    program = doc.data.get("program") if isinstance(doc.data, dict) else None
    if not isinstance(program, dict):
        return False  # the languages cannot be known
    if "languages" in program and "language" in program:
        return False
    codes = program["languages"] if "languages" in program else [program["language"]] if "language" in program else []
    return isinstance(codes, list) and all(isinstance(c, str) and not language_problem(c) for c in codes) and (
        "languages" not in program or bool(codes))


def declared_languages(doc: Document | None) -> list[str]:
    """program.languages (or [program.language]) as written, before checking: which languages
    per-language values may use. Wrong codes are reported by the model's own checks."""
    data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    program = data.get("program") if isinstance(data.get("program"), dict) else {}
    listed = program.get("languages")
    if isinstance(listed, list) and listed and all(isinstance(c, str) for c in listed):
        return list(dict.fromkeys(listed))
    one = program.get("language")
    return [one] if isinstance(one, str) and one else ["en"]


# ---------------------------------------------------------------------------------------------
# Overlays: practices and worksheets translated in files beside their originals


@dataclass
class Layer:
    """What loading one language found: the texts it lacks, and the items given in it."""

    language: str
    default: str
    problems: Problems
    missing: list[Missing] = field(default_factory=list)
    translated: set[tuple[str, str]] = field(default_factory=set)

    @property
    def other(self) -> bool:
        """Whether this is a language other than the default (only those can lack anything)."""
        return self.language != self.default

    def miss(self, doc: Document, path: Path_) -> None:
        if self.other:
            loc = doc.loc(path)
            self.missing.append(Missing(self.problems.rel(doc.file), loc.line, loc.column, doc.key(path),
                                        no_text(self.language)))

    def given(self, kind: str, key: str) -> None:
        self.translated.add((kind, key))


PRACTICE_TEXTS: dict[str, Any] = {
    "title": str, "summary": str, "what": str, "why": str, "how": list[str], "questions": list[str],
    "pitfalls": list[str], "tip": str,
}
WORKSHEET_TEXTS: dict[str, Any] = {"title": str, "purpose": str, "intro": str}
SECTION_TEXTS: dict[str, Any] = {"title": str, "intro": str}
FIELD_TEXTS: dict[str, Any] = {
    "label": str, "help": str, "default": str, "text": str, "options": list[str], "low": str, "high": str,
}
# Keys that are structure: defined once, in the original.
WORKSHEET_STRUCTURE = {"id", "filled_by", "order", "practices"}
FIELD_STRUCTURE = {"type", "rows", "lines", "width", "prefill", "parties", "order", "filled_by", "practices"}
NONBLANK = {"title", "summary", "label"}
# The texts `LoadedProgram.lang_of(kind, key, text=...)` answers for, one by one.
TEXTS_OF = {"practice": list(PRACTICE_TEXTS), "worksheet": list(WORKSHEET_TEXTS)}


def _unknown(ctx: Ctx, path: Path_, key: str, known: list[str]) -> None:
    from .program import did_you_mean

    ctx.error_at_key((*path, key), f"unknown key{did_you_mean(key, known)} (known keys: {', '.join(known)})")


def _which(word: str, ids: list[str], what: str) -> str:
    """'; did you mean X?' for an id spelled like one of `ids`; otherwise the ids there are, so
    a translator who guessed an id (or translated it) sees the ones to write."""
    from .program import did_you_mean

    return did_you_mean(word, ids) or (f" (its {what}: {', '.join(ids)})" if ids else "")


def _texts_of(ctx: Ctx, item: dict[str, Any], path: Path_, texts: dict[str, Any], skip: set[str],
              structure: set[str] | None = None, original: str = "") -> dict[str, Any]:
    """The valid text keys of an overlay's mapping; every other key reported."""
    from .schema import INVALID, convert

    out: dict[str, Any] = {}
    for key, value in item.items():
        if key in skip:
            continue
        if structure is not None and key in structure:
            ctx.error_at_key((*path, key), f"structure is defined in {original}; a translation gives text only")
        elif key not in texts:
            _unknown(ctx, path, key, [*sorted(skip), *texts])
        else:
            checked = convert(texts[key], value, (*path, key), ctx)
            if checked is not INVALID and key in NONBLANK and not str(checked).strip():
                checked = ctx.error((*path, key), "must not be blank")
            if checked is not INVALID:
                out[key] = checked
    return out


def _given(value: Any) -> bool:
    """Whether an original has a text there to translate."""
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def merge_practices(original: Document, data: Any, overlay: Document | None, over: Any, role: str,
                    layer: Layer) -> Any:
    """The practices of `data` (a role's file, placeholders filled) with the overlay's texts over
    them, matched by id; what the overlay does not give is recorded as missing."""
    if not isinstance(data, dict) or not isinstance(data.get("practices"), list):
        return data  # the original's own mistakes are reported when it is read
    items = data["practices"]
    ids = [p.get("id") for p in items if isinstance(p, dict)]
    rel = layer.problems.rel(original.file)
    entries: dict[str, dict[str, Any]] = {}
    if overlay is not None:
        ctx = Ctx(overlay, layer.problems)
        given = over.get("practices") if isinstance(over, dict) else None
        if not isinstance(over, dict):
            ctx.error((), "must be a mapping with `practices:`, a list of the translated practices")
        else:
            for key in over:
                if key != "practices":
                    _unknown(ctx, (), key, ["practices"])
            if not isinstance(given, list):
                ctx.error(("practices",), "must be a list of the translated practices, each with its id")
        where: dict[str, int] = {}
        for i, item in enumerate(given if isinstance(given, list) else []):
            path: Path_ = ("practices", i)
            pid = item.get("id") if isinstance(item, dict) else None
            if not isinstance(item, dict) or not isinstance(pid, str):
                ctx.error(path, f"must be a mapping with the id of the practice it translates (an id in {rel})")
            elif pid not in ids:
                ctx.error((*path, "id"), f"no practice {pid!r} in {rel}{_which(pid, ids, 'practices')}")
            elif pid in where:
                ctx.error((*path, "id"), f"practice {pid!r} is translated twice (also practices[{where[pid] + 1}])")
            else:
                where[pid] = i
                entries[pid] = _texts_of(ctx, item, path, PRACTICE_TEXTS, {"id"})
    merged = []
    for j, item in enumerate(items):
        if not isinstance(item, dict):
            merged.append(item)
            continue
        entry = entries.get(item.get("id"), {})
        for key in PRACTICE_TEXTS:
            if _given(item.get(key)) and key not in entry:
                layer.miss(original, ("practices", j, key))
        for key in entry:
            layer.given("practice", f"{role}/{item.get('id')}#{key}")
        if "title" in entry:
            layer.given("practice", f"{role}/{item.get('id')}")
            layer.given("page", f"{role}/{item.get('id')}.md")
        merged.append({**item, **entry})
    return {**data, "practices": merged}


def merge_worksheet(original: Document, data: Any, overlay: Document | None, over: Any, layer: Layer) -> Any:
    """A worksheet (placeholders filled) with its overlay's texts over it: sections by position,
    fields and table columns by id; what the overlay does not give is recorded as missing."""
    from .fields import FIELD_TYPES

    if not isinstance(data, dict):
        return data
    sheet = original.file.stem
    rel = layer.problems.rel(original.file)
    sections = data.get("sections") if isinstance(data.get("sections"), list) else []
    ctx = Ctx(overlay, layer.problems) if overlay is not None else None
    top: dict[str, Any] = {}
    given_sections: list[Any] = []
    if ctx is not None:
        if not isinstance(over, dict):
            ctx.error((), f"must be a mapping of the texts of {rel} (title, purpose, intro, sections)")
        else:
            top = _texts_of(ctx, {k: v for k, v in over.items() if k != "sections"}, (), WORKSHEET_TEXTS, set(),
                            WORKSHEET_STRUCTURE, rel)
            if "sections" in over:
                if isinstance(over["sections"], list):
                    given_sections = over["sections"]
                else:
                    ctx.error(("sections",), "must be a list of the sections, in the order of the original")
        if len(given_sections) > len(sections):
            ctx.error(("sections", len(sections)), f"{rel} has {len(sections)} section"
                      f"{'' if len(sections) == 1 else 's'}; a translation gives them in the same order, no more")
    for key in WORKSHEET_TEXTS:
        if _given(data.get(key)) and key not in top:
            layer.miss(original, (key,))
    for key in top:
        layer.given("worksheet", f"{sheet}#{key}")
    if "title" in top:
        layer.given("worksheet", sheet)
        layer.given("page", f"worksheets/{sheet}.md")
    all_ids = {f.get("id"): n for n, s in enumerate(sections, 1) if isinstance(s, dict)
               for f in (s.get("fields") or []) if isinstance(f, dict) and f.get("id")}
    merged_sections = []
    for n, section in enumerate(sections):
        if not isinstance(section, dict):
            merged_sections.append(section)
            continue
        spath: Path_ = ("sections", n)
        over_section = given_sections[n] if n < len(given_sections) else None
        texts: dict[str, Any] = {}
        over_fields: list[Any] = []
        if ctx is not None and over_section is not None:
            if not isinstance(over_section, dict):
                ctx.error(spath, f"must be a mapping of section {n + 1}'s texts (title, intro, fields)")
            else:
                texts = _texts_of(ctx, {k: v for k, v in over_section.items() if k != "fields"}, spath,
                                  SECTION_TEXTS, set(), None, rel)
                if isinstance(over_section.get("fields"), list):
                    over_fields = over_section["fields"]
                elif "fields" in over_section:
                    ctx.error((*spath, "fields"), "must be a list of the translated fields, each with its id")
        for key in SECTION_TEXTS:
            if _given(section.get(key)) and key not in texts:
                layer.miss(original, (*spath, key))
        if "title" in texts:
            layer.given("section", f"{sheet}/{n + 1}")
        originals = [f for f in (section.get("fields") or []) if isinstance(f, dict)]
        ids = [f.get("id") for f in originals if f.get("id")]
        entries: dict[str, dict[str, Any]] = {}
        for i, item in enumerate(over_fields):
            assert ctx is not None
            fpath: Path_ = (*spath, "fields", i)
            fid = item.get("id") if isinstance(item, dict) else None
            if not isinstance(item, dict) or not isinstance(fid, str):
                ctx.error(fpath, "must be a mapping with the id of the field it translates")
                continue
            if fid not in ids:
                elsewhere = all_ids.get(fid)
                hint = (f"; it is in section {elsewhere} (sections are matched by their order)" if elsewhere
                        else _which(fid, ids, 'fields'))
                ctx.error((*fpath, "id"), f"no field {fid!r} in section {n + 1} of {rel}{hint}")
                continue
            if fid in entries:
                ctx.error((*fpath, "id"), f"field {fid!r} is translated twice")
                continue
            source = next(f for f in originals if f.get("id") == fid)
            kind = FIELD_TYPES.get(source.get("type"))  # type: ignore[arg-type]
            own = {f.name for f in dataclasses.fields(kind)} if kind else set(FIELD_TEXTS)
            allowed = {k: v for k, v in FIELD_TEXTS.items() if k in own}
            entry = _texts_of(ctx, {k: v for k, v in item.items() if k != "columns"}, fpath, allowed, {"id"},
                              FIELD_STRUCTURE | (set(FIELD_TEXTS) - set(allowed)), rel)
            if "options" in entry and isinstance(source.get("options"), list) \
                    and len(entry["options"]) != len(source["options"]):
                ctx.error((*fpath, "options"), f"gives {len(entry['options'])} options; {rel} has "
                          f"{len(source['options'])} (options are replaced whole, in the same number and order)")
                del entry["options"]
            if "columns" in item:
                entry["columns"] = _merge_columns(ctx, item["columns"], (*fpath, "columns"), source, rel)
            entries[fid] = entry
        merged_fields = []
        for j, f in enumerate(section.get("fields") or []):
            if not isinstance(f, dict):
                merged_fields.append(f)
                continue
            entry = entries.get(f.get("id"), {}) if f.get("id") else {}
            fpath = (*spath, "fields", j)
            for key in FIELD_TEXTS:
                if _given(f.get(key)) and key not in entry:
                    layer.miss(original, (*fpath, key))
            columns = entry.pop("columns", None)
            result = {**f, **entry}
            if isinstance(f.get("columns"), list):
                labels = columns or {}
                result["columns"] = [{**c, "label": labels[c.get("id")]} if isinstance(c, dict)
                                     and c.get("id") in labels else c for c in f["columns"]]
                for k, c in enumerate(f["columns"]):
                    if isinstance(c, dict) and _given(c.get("label")) and c.get("id") not in labels:
                        layer.miss(original, (*fpath, "columns", k, "label"))
            shown = "label" if _given(f.get("label")) else "text" if _given(f.get("text")) else ""
            if f.get("id") and (not shown or shown in entry):  # (no text of its own: the catalog's default)
                layer.given("field", f"{sheet}/{f['id']}")
            merged_fields.append(result)
        merged_sections.append({**section, **texts, "fields": merged_fields})
    return {**data, **top, "sections": merged_sections}


def _merge_columns(ctx: Ctx, value: Any, path: Path_, source: dict[str, Any], rel: str) -> dict[str, str]:
    """A table's column labels from an overlay, by column id."""

    ids = [c.get("id") for c in source.get("columns") or [] if isinstance(c, dict)]
    if "columns" not in source:
        ctx.error_at_key(path, f"a {source.get('type')} field has no columns")
        return {}
    if not isinstance(value, list):
        ctx.error(path, "must be a list of {id, label}, matched by column id")
        return {}
    out: dict[str, str] = {}
    for i, item in enumerate(value):
        cid = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not isinstance(cid, str):
            ctx.error((*path, i), "must be a mapping with the id of the column it translates")
        elif cid not in ids:
            ctx.error((*path, i, "id"), f"no column {cid!r} in this table of {rel}{_which(cid, ids, 'columns')}")
        else:
            texts = _texts_of(ctx, item, (*path, i), {"label": str}, {"id"}, {"type", "width", "prefill"}, rel)
            if "label" in texts:
                out[cid] = texts["label"]
    return out


# ---------------------------------------------------------------------------------------------
# Page templates: templates/pages/<name>.<code>.md.j2 beside <name>.md.j2

def _template_folders(root: Path) -> list[Path]:
    from . import assets

    own, builtin = root / "templates", assets.builtin_root() / "templates"
    return [own, builtin] if own.is_dir() and own.resolve() != builtin.resolve() else [builtin]


def page_templates() -> list[str]:
    """The page templates written whole per language ("pages/conduct.md.j2"): the pages made
    from a template of their own. (The structural ones, a practice's or a worksheet's page, take
    their words from the message catalog; other templates are parts of pages.)"""
    from .pages import RUNNING, TAKING_PART

    fixed = ["index.md", "roles.md", "timeline.md", "meetings.md", "program-managers.md", "about.md"]
    return [f"pages/{page}.j2" for page in fixed + [path for path, _ in TAKING_PART + RUNNING]]


def page_template(root: Path, name: str, language: str) -> tuple[str, bool]:
    """The template to render `name` with in `language`, and whether it is in that language.

    The program's own files come first, as for every template: its own translation, then its
    own original (a program that rewrote a page keeps its text, in the default language, rather
    than our translation of text it replaced), then ours. Our originals are in English, so they
    are English's own (in a program whose default language is another)."""
    stem = name.removesuffix(".md.j2")
    translated = f"{stem}.{language}.md.j2"
    folders = _template_folders(root)
    for folder in folders:
        if (folder / translated).is_file():
            return translated, True
        if (folder / name).is_file():
            # Ours are written in English; so is a page of English in a program whose default is not.
            return name, folder == folders[-1] and language.split("-")[0] == "en"
    return name, False


# ---------------------------------------------------------------------------------------------
# What each language lacks, for `validate`


def untranslated_messages(root: Path, code: str) -> list[Missing]:
    """The messages of our templates that language `code` has no translation of (see
    messages.untranslated), as missing texts of its catalog."""
    from . import messages

    file = f"{messages.FOLDER}/{code}.po"
    lines = messages.msgid_lines(root, code)  # a .po started from messages.pot lists them all
    return [Missing(file, lines.get(msgid, 1), 1, f"msgid {msgid!r}", f"{no_text(code)} (used at {where})")
            for msgid, where in messages.untranslated(root, code)]


def lacking(root: Path) -> dict[str, list[Missing]]:
    """Every language of the program but the default, with every text it lacks: its program,
    practices, worksheets, pages and templates (loading each; all their mistakes raised at once)
    and its messages."""
    from .errors import ProgramError
    from .program import load_program

    default = load_program(root, defer=True)
    problems = list(default.problems)
    out: dict[str, list[Missing]] = {}
    for code in default.languages[1:]:
        loaded = load_program(root, defer=True, language=code)
        problems += [p for p in loaded.problems if p not in problems]
        out[code] = loaded.missing + untranslated_messages(root, code)
    if problems:
        raise ProgramError(problems)
    return out


def summary(code: str, missing: list[Missing]) -> str:
    """validate's line for a language: "es: 3 texts without a translation; ..."."""
    n = len(missing)
    if not n:
        return f"{code}: every text has a translation"
    return f"{code}: {n} text{'' if n == 1 else 's'} without a translation; run validate -v to list them"


def as_problems(missing: list[Missing]) -> list[Problem]:
    """Missing texts as the mistakes `--strict` makes them: one a spot, naming every language
    that lacks it ("no Spanish (es) or French (fr) text")."""
    spots: dict[tuple[str, int, int, str], list[str]] = {}
    for m in missing:
        spots.setdefault((m.file, m.line, m.column, m.key), []).append(m.what)
    out = []
    for (file, line, column, key), whats in spots.items():
        names = [w.removeprefix("no ").removesuffix(" text") for w in whats]
        if len(whats) > 1 and all(w.startswith("no ") and w.endswith(" text") for w in whats):
            what = "no " + (", ".join(names[:-1]) + " or " + names[-1]) + " text"
        else:
            what = "; ".join(dict.fromkeys(whats))
        out.append(Problem(file, line, column, key, what))
    return out


def strict_problems(program: Any) -> list[Problem]:
    """What `--strict` refuses of a loaded program: every text a language lacks. Loaded in the
    default language, the program stands for all of them (the other languages are loaded to
    see); in another, for its own."""
    if program.language != program.default_language:
        return as_problems(program.missing + untranslated_messages(program.root, program.language))
    return as_problems([m for items in lacking(program.root).values() for m in items])


def choose_templates(root: Path, layer: Layer) -> dict[str, str]:
    """The page templates of the layer's language (see `page_template`), each recorded as given
    in it or missing."""
    chosen: dict[str, str] = {}
    for name in page_templates():
        template, own = page_template(root, name, layer.language)
        chosen[name] = template
        if own:
            layer.given("page", name.removeprefix("pages/").removesuffix(".j2"))
        elif layer.other:
            layer.missing.append(Missing(f"templates/{name}", 1, 1, "", no_text(layer.language)))
    return chosen


# Where translations of the program's own sit, and the extension of their originals.
TRANSLATED_FOLDERS = {"content/practices": ".yml", "worksheets": ".yml", "content/pages": ".md"}


def check_translations(root: Path, languages: list[str], sheets: set[str], problems: Problems,
                       judge_codes: bool = True) -> None:
    """Report the program's translations that translate nothing: of a language the program does
    not list (unless not `judge_codes`: see `_Pass.judge_codes`), or of an original that does not
    exist. `sheets`: the worksheets' names."""
    from .program import ROLES, did_you_mean

    for folder, ext in TRANSLATED_FOLDERS.items():
        top = root / folder
        if not top.is_dir():
            continue
        for file in sorted(top.rglob(f"*{ext}") if ext == ".md" else top.glob(f"*{ext}")):
            found = overlay_code(file.name, languages)
            if found is None or file.is_dir():
                continue
            original, code = found
            if code not in languages:
                if not judge_codes:
                    continue
                add = "or " if len(languages) == 1 else "add it there, or "  # (one language: said how to add)
                problems.add(file, 1, 1, "", f"{not_listed(code, languages)}; {add}remove this translation")
                continue
            name = original.removesuffix(ext)
            exists = {"content/practices": name in ROLES, "worksheets": name in sheets}.get(
                folder, (file.parent / original).is_file())
            if not exists:
                shown = (file.parent / original).relative_to(root).as_posix()
                names = {"content/practices": list(ROLES), "worksheets": sorted(sheets)}.get(folder) or sorted(
                    f.name.removesuffix(ext) for f in file.parent.glob(f"*{ext}") if not overlay_code(f.name, []))
                hint = did_you_mean(name, names, shown_as=f"{{}}.{code}{ext}")  # a misspelt original's name
                problems.add(file, 1, 1, "", f"translates {shown}, which does not exist; a translation sits beside "
                             f"its original, named like it with the language before the extension{hint}")
