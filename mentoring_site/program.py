"""Stage 1, load and validate: read a program directory into typed, checked objects.

Files come from the program directory first and fall back to the built-in defaults of the same
name. All problems of all files are collected before failing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

from . import assets, languages, messages, sourcefiles, svgsafety, timeline, yamlsource
from .errors import Problem, Problems, ProgramError, shown
from .fields import BaseField, convert_field, localised_defaults
from .languages import KINDS, TEXTS_OF, Missing
from .messages import N_
from .model import SLUG, Practice, PracticeFile, ProgramFile
from .sanitise import neutralise
from .schema import INVALID, Ctx, RuleError, convert, convert_mapping, meta
from .terms import PLACEHOLDER, Terms, article_name, capitalise, substitute
from .yamlsource import Document, Path_

ROLES = ("mentors", "mentees")
MAX_MARKDOWN_BYTES = 1_000_000
PAGE_FILE_LIMIT = 5_000_000
# Building is linear in the number of pages, but the site, its search index (which every reader
# downloads) and the memory the build needs grow with them: bounded, with a message saying so.
MAX_EXTRA_PAGES = 10_000
MAX_PAGES_TOTAL_BYTES = 200_000_000  # extra pages and the files beside them, together


def _fields(value: list[Any], ctx: Ctx, path: Path_) -> Any:
    out = [convert_field(item, ctx, (*path, i)) for i, item in enumerate(value)]
    if not out:
        return ctx.error(path, "must list at least one field")
    return INVALID if any(f is INVALID for f in out) else out


@dataclass(frozen=True)
class Section:
    """A titled group of fields on a worksheet."""

    title: str = field(metadata=meta("Section heading."))
    fields: list[Any] = field(metadata=meta("The fields, in order.", check=_fields))
    intro: str = field(default="", metadata=meta("One line under the heading."))


@dataclass(frozen=True)
class Worksheet:
    """`worksheets/<id>.yml`: one printable, fillable worksheet."""

    id: str = field(metadata=meta("Identifier: the file name and URL slug."))
    title: str = field(metadata=meta("Title printed on the sheet."))
    purpose: str = field(metadata=meta("One sentence for the worksheets list."))
    intro: str = field(metadata=meta("How and when to fill it in; printed at the top."))
    filled_by: Literal["mentor", "mentee", "both", "each"] = field(
        metadata=meta("Who fills it in: mentor, mentee, both (together) or each (one copy each, on their own).")
    )
    sections: list[Section] = field(metadata=meta("The sections, in order."))
    practices: list[str] = field(
        default_factory=list, metadata=meta("Practices it supports: mentors/<id>, mentees/<id>.")
    )
    order: int | None = field(
        default=None,
        metadata=meta(
            "Place in the worksheet list and navigation, lowest first; "
            "worksheets without one come last, by file name."
        ),
    )

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for section in self.sections:
            for f in section.fields:
                if f.id and f.id in seen:
                    raise RuleError("sections", f"field id {shown(f.id)} is used twice")
                seen.add(f.id)
        # PDF form field names are made from ids (`areas_1`, `steps_r1_step`): they must not clash.
        made: dict[str, str] = {}
        for f in self.all_fields:
            for form_field in f.form_fields():
                other = made.setdefault(form_field.name, f.id)
                if other != f.id:
                    raise RuleError("sections", f"fields {other!r} and {f.id!r} both make a PDF form field "
                                                f"named {form_field.name!r}; rename one of them")

    @property
    def all_fields(self) -> list[BaseField]:
        return [f for s in self.sections for f in s.fields]


@dataclass(frozen=True)
class Page:
    """An extra Markdown page from `content/pages/`."""

    path: str  # e.g. "faq.md"
    title: str
    markdown: str
    source: Path
    raw: str = ""  # the file as written, before placeholders and neutralising: for columns


@dataclass(frozen=True)
class Text:
    """A text value of a YAML file and where it was written: a link in it that leads nowhere
    is reported there, not in the page it ends up on."""

    file: str  # relative to the program
    line: int
    column: int
    key: str
    text: str


def _texts(doc: Document, data: Any, path: Path_, rel: str, out: list[Text]) -> None:
    if isinstance(data, str):
        loc = doc.loc(path)
        out.append(Text(rel, loc.line, loc.column, doc.key(path), data))
    elif isinstance(data, dict):
        for key, value in data.items():
            _texts(doc, value, (*path, key), rel, out)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _texts(doc, value, (*path, i), rel, out)


@dataclass
class LoadedProgram:
    """Everything the later stages need, checked and with placeholders filled in."""

    root: Path
    config: ProgramFile
    terms: Terms
    facts: dict[str, str]
    practices: dict[str, list[Practice]]
    worksheets: list[Worksheet]
    pages: list[Page]
    sources: list[Path]  # every file read: for caching and for `serve` to watch
    page_files: dict[str, Path] = field(default_factory=dict)  # images etc. beside the pages
    texts: list[Text] = field(default_factory=list)  # every YAML text value, with its place
    # With `load_program(defer=True)`: the problems found after program.yml was valid, to be
    # reported with those of the later stages; and the pages and files the site would have
    # but for them, so that a link to one is not reported as broken too.
    problems: list[Problem] = field(default_factory=list)
    unchecked: set[str] = field(default_factory=set)
    # The language this program was loaded in, and all of them (the default first).
    language: str = "en"
    languages: list[str] = field(default_factory=lambda: ["en"])
    missing: list[Missing] = field(default_factory=list)  # what this language has no text of
    translated: set[tuple[str, str]] = field(default_factory=set)  # (kind, key) given in this language
    # The placeholders' values in the default language: what its text (shown where a translation
    # is missing) was filled with. The same as `facts` in the default language.
    base_facts: dict[str, str] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)  # page template -> this language's own

    def template(self, name: str) -> str:
        """The page template to render for `name` ("pages/conduct.md.j2") in this language:
        "pages/conduct.es.md.j2" where there is one (see `languages.page_template`)."""
        return self.templates.get(name, name)

    @property
    def long_date(self) -> Callable[[dt.date], str]:
        """Writes a date out in this program's language: `program.long_date(day)`, and templates'
        `long_date(day)` (a plain function: templates run sandboxed)."""
        language = self.language

        def written(day: dt.date) -> str:
            return long_date(day, language)

        return written

    @property
    def moments(self) -> list[timeline.Moment]:
        """The timeline's moments, labelled in this program's language."""
        try:
            gettext = messages.of(self).gettext
        except ProgramError:  # a broken catalog is reported by loading: the labels stay English meanwhile
            gettext = messages.SOURCE.gettext
        return timeline.moments(self.config.program, gettext)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def lang_of(self, kind: str, key: str, text: str | None = None) -> str:
        """The language the text of an item is in: this program's language when translated, the
        default language when it fell back. Kinds and keys: see `languages.KINDS`. With `text`,
        the language of that one text of a translated practice or worksheet (`lang_of("practice",
        "mentors/break-the-ice", text="why")`, `lang_of("worksheet", "goals", text="intro")`): a
        translation may give a practice's title and not its `why`, which is then in the default
        language on a page in this one.

        An item counts as translated when its translation gives its title (a practice, a worksheet,
        a section), its label (a field; a note's text), or the whole page (an extra page, a page
        template); a text it leaves out is still in `missing`. Pages made from the structural
        templates (mentors/index.md, worksheets/index.md) are in the language: their words are
        the message catalog's, which `validate` counts apart."""
        if kind not in KINDS:
            raise ValueError(f"lang_of: unknown kind {kind!r}; one of {', '.join(KINDS)}")
        if text is not None:
            if kind not in TEXTS_OF:
                raise ValueError(f"lang_of: {kind} has no texts of its own; text= is for {', '.join(TEXTS_OF)}")
            if text not in TEXTS_OF[kind]:
                raise ValueError(f"lang_of: a {kind} has no text {text!r}; one of {', '.join(TEXTS_OF[kind])}")
            key = f"{key}#{text}"
        if self.language == self.default_language or (kind, key) in self.translated:
            return self.language
        return self.default_language

    @property
    def paper_sizes(self) -> list[str]:
        return list(self.config.worksheets.paper_sizes)

    def worksheets_for(self, role: str, practice_id: str) -> list[Worksheet]:
        ref = f"{role}/{practice_id}"
        return [w for w in self.worksheets if ref in w.practices]


def long_date(day: dt.date, language: str = "en") -> str:
    """A date written out: "11 January 2027" in English (every en-*: our own pattern, pinned by
    the goldens), "11 de enero de 2027" in Spanish; other languages as Babel writes their long date."""
    if language.split("-")[0] == "en":
        return f"{day.day} {day:%B %Y}"
    from babel.dates import format_date

    return format_date(day, "long", locale=language.replace("-", "_"))


def a_or_an(number: int) -> str:
    """The article before a number said aloud: an 8-, 11-, 18-, 80-minute ...; a 60-minute."""
    return "an" if str(number).startswith("8") or number in (11, 18) else "a"


# "on Mondays": each weekday as the rhythm says it, a message of its own (Spanish "los lunes",
# German "montags": no rule makes them from the weekday's name).
ON_WEEKDAYS = {
    "monday": N_("on Mondays"), "tuesday": N_("on Tuesdays"), "wednesday": N_("on Wednesdays"),
    "thursday": N_("on Thursdays"), "friday": N_("on Fridays"), "saturday": N_("on Saturdays"),
    "sunday": N_("on Sundays"),
}


def every(weeks: int, cat: messages.Catalog = messages.SOURCE) -> str:
    return cat.ngettext("every week", "every %(num)d weeks", weeks)


def _long(n: int, kind: str, cat: messages.Catalog) -> str:
    """'a 60-minute meeting', 'an 80-minute check-in': a message per article, so that a language
    without a/an translates both alike."""
    if kind == "meeting":
        if a_or_an(n) == "an":
            return cat.ngettext("an %(num)d-minute meeting", "an %(num)d-minute meeting", n)
        return cat.ngettext("a %(num)d-minute meeting", "a %(num)d-minute meeting", n)
    if a_or_an(n) == "an":
        return cat.ngettext("an %(num)d-minute check-in", "an %(num)d-minute check-in", n)
    return cat.ngettext("a %(num)d-minute check-in", "a %(num)d-minute check-in", n)


def rhythm_text(config: ProgramFile, terms: Terms, cat: messages.Catalog = messages.SOURCE) -> str:
    """The meeting rhythm as a noun phrase: 'a 60-minute meeting every 2 weeks on Mondays ...'.
    It fits where a noun fits ("Meet as agreed: ..."); sentences that need a verb use the parts
    (`rhythm_parts`). `cat`: the language's messages (English without)."""
    m = config.program.meetings
    text = f"{_long(m.length_minutes, 'meeting', cat)} {every(m.every_weeks, cat)}"
    when = _when(config, cat)
    if when:
        text += f" {when}"
    if m.check_in:
        c = m.check_in
        text += cat.gettext(", with %(check_in)s %(interval)s in between",
                            check_in=_long(c.length_minutes, "check-in", cat), interval=every(c.every_weeks, cat))
    return text


def minutes(n: int, cat: messages.Catalog = messages.SOURCE) -> str:
    return cat.ngettext("%(num)d minute", "%(num)d minutes", n)


def _when(config: ProgramFile, cat: messages.Catalog) -> str:
    m = config.program.meetings
    return " ".join(filter(None, [cat.gettext(ON_WEEKDAYS[m.weekday]) if m.weekday else "",
                                  cat.gettext("at %(time)s", time=m.time) if m.time else ""]))


def rhythm_parts(config: ProgramFile, cat: messages.Catalog = messages.SOURCE) -> dict[str, str]:
    """The pieces of the rhythm, for sentences of one's own: 'Pairs meet [[meeting_interval]]
    for [[meeting_length]]'. Check-in parts are empty when the program has no check-ins."""
    m = config.program.meetings
    return {
        "meeting_length": minutes(m.length_minutes, cat),
        "meeting_interval": every(m.every_weeks, cat),
        "meeting_when": _when(config, cat),
        "check_in_length": minutes(m.check_in.length_minutes, cat) if m.check_in else "",
        "check_in_interval": every(m.check_in.every_weeks, cat) if m.check_in else "",
    }


def _resolve(root: Path, relative: str) -> Path | None:
    """The project's file if it exists, else the built-in one, else None."""
    own = root / relative
    if own.exists() or own.is_symlink():  # a pipe or a folder is refused when read, not skipped
        return own
    builtin = assets.builtin_root() / relative
    return builtin if builtin.is_file() else None


def _fill(doc: Document, data: Any, path: Path_, values: dict[str, str], problems: Problems) -> Any:
    """Replace placeholders in every string of a parsed document, reporting unknown ones."""
    if isinstance(data, str):
        text, unknown = substitute(data, values)
        for name in unknown:
            loc = doc.loc(path)
            problems.add(doc.file, loc.line, loc.column, doc.key(path), unknown_placeholder(name, values))
        return text
    if isinstance(data, dict):
        return {k: _fill(doc, v, (*path, k), values, problems) for k, v in data.items()}
    if isinstance(data, list):
        return [_fill(doc, v, (*path, i), values, problems) for i, v in enumerate(data)]
    return data


def did_you_mean(word: str, choices: list[str] | set[str], *, shown_as: str = "{!r}") -> str:
    """'; did you mean X?' (or 'X or Y', up to three) naming the choices spelled most like
    `word`, the same word in another case first; '' when none is close."""
    by_case = [c for c in sorted(choices) if c.lower() == word.lower() and c != word]
    close = by_case + [c for c in difflib.get_close_matches(word, sorted(choices), n=3, cutoff=0.6)
                       if c not in by_case]
    names = [shown_as.format(c) for c in close[:3]]
    if not names:
        return ""
    return "; did you mean " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]) + "?"


def known_placeholders(values: dict[str, str]) -> str:
    """The placeholders there are, compactly: a name that also exists with a capital first
    letter is listed once, marked with *."""
    names = sorted(values, key=lambda n: (n.lower(), n))
    twins = {n for n in names if n[:1].islower() and capitalise(n) in values}
    listed = [n + ("*" if n in twins else "") for n in names
              if not (n[:1].isupper() and n[:1].lower() + n[1:] in twins)]
    if not twins:
        return f"known: {', '.join(listed)}"
    example = "mentor" if "mentor" in twins else min(twins)
    return f"known: {', '.join(listed)}; * also with a capital, e.g. [[{capitalise(example)}]]"


def unknown_placeholder(name: str, values: dict[str, str]) -> str:
    """The message for `[[name]]` when no placeholder has that name."""
    meant = article_name(name)
    if meant in values:  # [[la_mentee]]: the article is the word's, feminine or not
        hint = f"; write [[{meant}]], whose article follows the word's gender (here \"{values[meant]}\")"
    else:
        hint = did_you_mean(name, set(values), shown_as="[[{}]]")
    return f"unknown placeholder [[{name}]]{hint} ({known_placeholders(values)})"


IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def target_path(target: str) -> str:
    """The file a relative link or image target names: no #fragment or ?query, %-escapes decoded."""
    return unquote(target.split("#", 1)[0].split("?", 1)[0])


def _check_images(doc: Document, data: Any, path: Path_, problems: Problems) -> None:
    """Images in a worksheet's text must be files inside the program or data: URLs: a PDF
    renderer would otherwise be asked to fetch from elsewhere."""
    if isinstance(data, str):
        for match in IMAGE.finditer(data):
            target = match.group(1)
            if target.lower().startswith("data:"):
                continue
            foreign = URL_SCHEME.match(target) or target.startswith(("/", "\\"))
            message = ""
            if foreign:
                message = "must be a file inside the program (e.g. assets/diagram.png) or a data: URL"
            else:  # relative to the program folder, as the PDF renderer will read it
                local = (problems.root / target_path(target)).resolve()
                if not local.is_relative_to(problems.root.resolve()):
                    message = "points outside the program"
                elif not (local.exists() or local.is_symlink()):
                    message = "does not exist (paths are relative to the program folder)"
                elif local.is_dir():
                    message = "is a folder, not an image"
                else:
                    message = sourcefiles.check(local) or ""
            if message:
                loc = doc.loc(path)
                problems.add(doc.file, loc.line, loc.column, doc.key(path), f"image {shown(target)} {message}")
    elif isinstance(data, dict):
        for key, value in data.items():
            _check_images(doc, value, (*path, key), problems)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _check_images(doc, value, (*path, i), problems)


SOURCE_FOLDERS = ("content", "worksheets", "templates")


def _refuse_links_out(root: Path, problems: Problems) -> None:
    """Report every file or folder in the program's sources that links outside the program,
    is not a regular file (a named pipe would hang the build) or cannot be read."""
    for name in SOURCE_FOLDERS:
        top = root / name
        candidates = [top]
        if top.is_dir() and not top.is_symlink():
            def unreadable(exc: OSError) -> None:
                problems.add(Path(exc.filename), 1, 1, "", f"cannot be read: {exc.strerror}")

            for folder, dirs, files in os.walk(top, followlinks=False, onerror=unreadable):
                candidates += [Path(folder, entry) for entry in (*dirs, *files)]
        for path in candidates:
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                problems.add(path, 1, 1, "", "is a link to something outside the program; copy it in instead")
            elif path.exists() or path.is_symlink():
                why = sourcefiles.check(path)
                if why:
                    problems.add(path, 1, 1, "", why)


def _dates_of(path: Path_) -> bool:
    """Whether a value stood in for at `path` is one the timeline is checked against."""
    if path in ((), ("program",)):
        return True
    return path[:1] == ("program",) and path[1] in ("start", "end", "meetings", "timeline")


def load_program(root: Path, *, defer: bool = False, language: str | None = None) -> LoadedProgram:
    """Read and check everything in `root`; raise ProgramError listing every problem.

    With `defer`, problems are returned in `problems`, with what was valid, so that the later
    stages can report theirs in the same run; a wrong value of program.yml stands in as if its
    key were absent (or, for a required key, a neutral value: see schema.Ctx.repair). Only files
    that cannot be read at all (YAML that does not parse, a link out of the program) are raised.

    `language`: one of `program.languages` to load the program in (default: the first); then
    `config.program.language` is that language too."""
    root = root.resolve()
    problems = Problems(root)
    sources: list[Path] = []
    unchecked: set[str] = set()

    _refuse_links_out(root, problems)
    problems.raise_if_any()  # read nothing at all through a link out, or from a pipe

    program_file = root / "content" / "program.yml"
    if not program_file.is_file():
        problems.add(
            program_file, 1, 1, "",
            f"not found in {root}: every program needs content/program.yml "
            "(`mentoring-site new DIR` creates a program to start from)",
        )
        problems.raise_if_any()
    sources.append(program_file)
    doc = yamlsource.load(program_file, problems)
    if doc is None:
        problems.raise_if_any()  # not YAML at all: nothing can be read of it
    assert doc is not None
    configs: dict[str, Any] = {}
    texts: list[Text] = []
    replaced: list[Path_] = []
    # Every language's program.yml is checked, whichever is loaded: a mistake in a Spanish value
    # is found by `validate` of the default language too. With `defer`, a wrong value is reported
    # and stood in for (its default, or a neutral value: see schema.Ctx.repair), so that the
    # practices, worksheets, pages and templates are checked in the same run.
    if doc.data is None:
        doc.data = {}
    declared = languages.declared_languages(doc)
    localised = languages.localise_program(doc, problems, declared)
    for code, (view, _) in localised.items():
        ctx = Ctx(view, problems, repair=defer)
        configs[code] = convert(ProgramFile, view.data, (), ctx)
        if configs[code] is INVALID:  # not a mapping at all: every key stands in
            configs[code] = convert(ProgramFile, {}, (), Ctx(view, Problems(root), repair=True))
        replaced += ctx.replaced
    _texts(doc, doc.data, (), problems.rel(program_file), texts)
    if not defer:
        problems.raise_if_any()
    default_config = next(iter(configs.values()))
    assert isinstance(default_config, ProgramFile)
    all_languages = list(default_config.program.languages)
    default, language = all_languages[0], language or all_languages[0]
    if language not in all_languages:
        raise ValueError(f"load_program: {language!r} is not in program.languages [{', '.join(all_languages)}]")
    # (A wrong code is declared as written, and stands in as en: the one view is that code's.)
    config = configs.get(language) or default_config
    config = dataclasses.replace(config, program=dataclasses.replace(config.program, language=language))
    layer = languages.Layer(language, default, problems)
    own = localised.get(language)
    layer.missing += own[1].missing if own else []

    ctx = Ctx(doc, problems)
    # The timeline is checked against start, end and the meetings: not when one of them stands in
    # for a mistake (every moment would be "outside the program"). It is checked by the next run.
    if not any(_dates_of(path) for path in replaced):
        for key, message in timeline.problems(default_config.program):
            ctx.error(("program", *key.split(".")), message)  # (timeline keys hold no list index)
    if not defer:
        problems.raise_if_any()
    # A placeholder's name is known whatever its value, so a wrong value hides none; but the
    # role words' forms follow the language ([[el_mentor]] in Spanish): with the language itself
    # standing in, an unknown placeholder cannot be told from one of the intended language's.
    language_unsure = any(path[:2] in {("program", "language"), ("program", "languages")} for path in replaced)
    catalogs: dict[str, messages.Catalog] = {}
    for code in {default, language}:
        try:
            catalogs[code] = messages.catalog(root, code)
        except ProgramError as exc:  # a .po file with mistakes: reported with the rest, English meanwhile
            problems.items += [p for p in exc.problems if p not in problems.items]
            catalogs[code] = messages.SOURCE
    terms = _terms(config, language, default, own[1].own_words if own else None, catalogs[language])
    facts = _facts(config, terms, catalogs[language])
    base_facts = facts  # what the default language's text (an original, or a fallback) is filled with
    if language != default:
        base_config = configs.get(default, default_config)
        base_facts = _facts(base_config, _terms(base_config, default, default, None, catalogs[default]),
                            catalogs[default])
    languages.check_translations(root, all_languages, set(_worksheet_files(root)), problems,
                                 judge_codes=languages.languages_right(doc))

    practices: dict[str, list[Practice]] = {}
    for role in ROLES:
        file = _resolve(root, f"content/practices/{role}.yml")
        if file is None:
            problems.add(root / f"content/practices/{role}.yml", 1, 1, "", "not found")
            continue
        sources.append(file)
        pdoc = yamlsource.load(file, problems)
        if pdoc is None:
            unchecked.add(f"{role}/")  # its practices' pages are unknown: links to them are not judged
            continue
        data = _fill(pdoc, pdoc.data, (), base_facts, problems)
        _texts(pdoc, pdoc.data, (), problems.rel(file), texts)  # as written: a link a placeholder
        # brings in belongs to the placeholder's own value
        if layer.other:
            odoc, over = _overlay(root, file, f"content/practices/{role}.{language}.yml", facts, problems, sources,
                                  texts)
            data = languages.merge_practices(pdoc, data, odoc, over, role, layer)
        parsed = convert(PracticeFile, data, (), Ctx(pdoc, problems))
        if parsed is not INVALID:
            practices[role] = parsed.practices
        else:
            unchecked.add(f"{role}/")

    worksheets = _load_worksheets(root, base_facts, practices, problems, sources, texts, layer, facts,
                                  catalogs[language].gettext if layer.other else None)
    budget = _Budget(problems)
    pages = _load_pages(root, base_facts, problems, sources, budget, allow_html=config.site.allow_html,
                        layer=layer, own_facts=facts)
    templates = languages.choose_templates(root, layer)
    for structural in ("mentors/index.md", "mentees/index.md", "worksheets/index.md", "more-pages.md"):
        layer.given("page", structural)  # their words are the message catalog's (counted there)
    page_files = _load_page_files(root, problems, sources, budget)
    if language_unsure:
        problems.items = [p for p in problems.items if not p.message.startswith("unknown placeholder [[")]
    if not defer:
        problems.raise_if_any()
    elif problems.items:
        # What the site would have but for the problems: links to it are not reported as well.
        for role in ROLES:
            if role not in practices:  # its file is wrong: the worksheets' links to it are left out
                practices[role] = []
                worksheets = [dataclasses.replace(w, practices=[r for r in w.practices if not r.startswith(f"{role}/")])
                              for w in worksheets]
        valid = {w.id for w in worksheets}
        for file in _worksheet_files(root).values():
            if file.stem not in valid:
                unchecked.add(f"worksheets/{file.stem}.md")
                unchecked.update(f"worksheets/{file.stem}-{size}.pdf" for size in config.worksheets.paper_sizes)
        folder = root / "content" / "pages"
        loaded = {p.path for p in pages} | set(page_files)
        if folder.is_dir():
            unchecked.update(rel for f in folder.rglob("*") if (rel := f.relative_to(folder).as_posix()) not in loaded)
    return LoadedProgram(root, config, terms, facts, practices, worksheets, pages, sources, page_files, texts,
                         list(problems.items), unchecked, language, all_languages, layer.missing, layer.translated,
                         base_facts, templates)


def _worksheet_files(root: Path) -> dict[str, Path]:
    """The worksheet files by name: a program with its own worksheets/ folder uses exactly
    those; otherwise the built-in set. Translations (goals.es.yml) are not worksheets."""
    folder = root / "worksheets"
    if not folder.is_dir():
        folder = assets.builtin_root() / "worksheets"
    return {f.stem: f for f in sorted(folder.glob("*.yml")) if not languages.overlay_code(f.name, [])}


def _terms(config: ProgramFile, language: str, default: str, own: set[str] | None,
           cat: messages.Catalog) -> Terms:
    """The role words of a language: its own mapping over the base words (see languages.py)."""
    word = config.terminology.program
    manager = None
    if config.terminology.program_manager is None and language.split("-")[0] != "en":
        # "program manager" is English word order: other languages say it their own way.
        manager = cat.gettext("%(program)s manager", program=(word if isinstance(word, str) else word.singular).strip())
    return Terms(config.terminology, language, own=own if language != default else None, default=default,
                 manager=manager)


def _facts(config: ProgramFile, terms: Terms, cat: messages.Catalog) -> dict[str, str]:
    """The values of the placeholders in one language."""
    p = config.program
    language = p.language
    facts = dict(terms.forms)
    facts.update(
        program=p.name, program_in_text=p.in_text, Program_in_text=capitalise(p.in_text),
        organisation=p.organisation, start=long_date(p.start, language),
        end=long_date(p.end, language), meeting_rhythm=rhythm_text(config, terms, cat), **rhythm_parts(config, cat),
        contact_name=p.contact.name, contact_email=p.contact.email,
    )
    facts.update({m.key: long_date(m.day, language) for m in timeline.moments(p)})
    return facts


def _overlay(root: Path, original: Path, relative: str, facts: dict[str, str], problems: Problems,
             sources: list[Path], texts: list[Text]) -> tuple[Document | None, Any]:
    """An original's translation (parsed, placeholders filled), if there is one: the program's
    own file, or the built-in one when the original is built in (a translation of our text is
    no translation of a program's own)."""
    own = root / relative
    builtin = assets.builtin_root() / relative
    file = own if own.exists() else builtin if builtin.is_file() and not original.is_relative_to(root) else None
    if file is None or file == original:
        return None, None
    sources.append(file)
    odoc = yamlsource.load(file, problems)
    if odoc is None:
        return None, None
    _texts(odoc, odoc.data, (), problems.rel(file), texts)
    return odoc, _fill(odoc, odoc.data, (), facts, problems)


# Files beside the extra pages that are published with them, e.g. a diagram a page shows.
PAGE_FILE_KINDS = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".pdf"}


class _Budget:
    """The bytes the extra pages and their files may take together; reports the first file
    past it."""

    def __init__(self, problems: Problems) -> None:
        self.left, self.problems = MAX_PAGES_TOTAL_BYTES, problems

    def spend(self, file: Path, size: int) -> bool:
        self.left -= size
        if self.left < 0 <= self.left + size:
            self.problems.add(file, 1, 1, "", f"brings the extra pages and the files beside them past "
                              f"{MAX_PAGES_TOTAL_BYTES // 1_000_000} MB together; publish large files elsewhere")
        return self.left >= 0


def _load_page_files(root: Path, problems: Problems, sources: list[Path], budget: _Budget) -> dict[str, Path]:
    folder = root / "content" / "pages"
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for file in sorted(folder.rglob("*")):
        if file.suffix.lower() not in PAGE_FILE_KINDS or file.is_dir():
            continue
        sources.append(file)
        rel = file.relative_to(folder).as_posix()
        try:
            data = sourcefiles.read_bytes(file, limit=PAGE_FILE_LIMIT + 1)
        except sourcefiles.Refused as exc:
            problems.add(file, 1, 1, "", str(exc))
            continue
        if len(data) > PAGE_FILE_LIMIT:
            size = file.stat().st_size
            problems.add(file, 1, 1, "", f"is {size} bytes; files beside the pages may be at most {PAGE_FILE_LIMIT}")
        elif file.suffix.lower() == ".svg" and (svg := svgsafety.problem(data)) is not None:
            problems.add(file, svg.line, svg.column, "", svg.message)
        elif budget.spend(file, len(data)):
            found[rel] = file
    return found


def _load_worksheets(
    root: Path,
    facts: dict[str, str],
    practices: dict[str, list[Practice]],
    problems: Problems,
    sources: list[Path],
    texts: list[Text],
    layer: languages.Layer | None = None,
    own_facts: dict[str, str] | None = None,
    gettext: Callable[[str], str] | None = None,
) -> list[Worksheet]:
    """The worksheets, in `layer`'s language: each original (filled with `facts`, the default
    language's) with its translation's texts over it (filled with `own_facts`)."""
    files = _worksheet_files(root)
    known_refs = {f"{role}/{p.id}" for role, items in practices.items() for p in items}
    out: list[Worksheet] = []
    for stem, file in sorted(files.items()):
        sources.append(file)
        doc = yamlsource.load(file, problems)
        if doc is None:
            continue
        ctx = Ctx(doc, problems)
        if not SLUG.match(stem):
            ctx.error((), f"file name {shown(stem)} must be lowercase letters, digits and hyphens")
            continue
        data = _fill(doc, doc.data, (), facts, problems)
        _texts(doc, doc.data, (), problems.rel(file), texts)
        _check_images(doc, data, (), problems)
        if layer is not None and layer.other:
            relative = file.with_name(f"{stem}.{layer.language}.yml").relative_to(file.parents[1]).as_posix()
            odoc, over = _overlay(root, file, relative, own_facts or facts, problems, sources, texts)
            if odoc is not None:
                _check_images(odoc, over, (), problems)
            data = localised_defaults(languages.merge_worksheet(doc, data, odoc, over, layer), gettext)
        sheet = convert_mapping(Worksheet, data, (), ctx)
        if sheet is INVALID:
            continue
        if sheet.id != stem:
            ctx.error(("id",), f"id {shown(sheet.id)} must match the file name {shown(stem)}")
            continue
        bad = False
        for i, ref in enumerate(sheet.practices):
            if len(practices) == len(ROLES) and ref not in known_refs:
                ctx.error(("practices", i), f"no practice {shown(ref)} (write mentors/<id> or mentees/<id>)")
                bad = True
        if not bad:
            out.append(sheet)
    return sorted(out, key=lambda s: (s.order is None, s.order or 0, s.id))


ATTR_LIST_END = re.compile(r"\s*\{[^{}]*\}\s*$")


def _load_pages(
    root: Path, facts: dict[str, str], problems: Problems, sources: list[Path], budget: _Budget, *,
    allow_html: bool, layer: languages.Layer | None = None, own_facts: dict[str, str] | None = None,
) -> list[Page]:
    """The extra pages, in `layer`'s language: a page's translation (faq.es.md, the whole page,
    filled with `own_facts`) where there is one, else the original (filled with `facts`)."""
    folder = root / "content" / "pages"
    pages: list[Page] = []
    if not folder.is_dir():
        return pages
    files = [f for f in sorted(folder.rglob("*.md"))  # not a folder named x.md, nor a translation
             if not f.is_dir() and not languages.overlay_code(f.name, [])]
    if len(files) > MAX_EXTRA_PAGES:
        problems.add(files[MAX_EXTRA_PAGES], 1, 1, "", f"is extra page {MAX_EXTRA_PAGES + 1:,}; a program may have "
                     f"at most {MAX_EXTRA_PAGES:,} (merge pages, or publish the rest as a site of their own)")
        files = files[:MAX_EXTRA_PAGES]
    for file in files:
        sources.append(file)
        rel = file.relative_to(folder).as_posix()
        values = facts
        if layer is not None and layer.other:
            translation = file.with_name(f"{file.stem}.{layer.language}{file.suffix}")
            if translation.is_file():
                file, values = translation, own_facts or facts
                sources.append(file)
                layer.given("page", rel)
            else:
                layer.missing.append(Missing(problems.rel(file), 1, 1, "", languages.no_text(layer.language)))
        # (links that leave the program, pipes and unreadable files were refused before)
        try:
            data = sourcefiles.read_bytes(file, limit=MAX_MARKDOWN_BYTES + 1)
            if len(data) > MAX_MARKDOWN_BYTES:
                problems.add(file, 1, 1, "", f"is larger than {MAX_MARKDOWN_BYTES} bytes")
                continue
            if not budget.spend(file, len(data)):
                continue
            text = raw = sourcefiles.decode(data)
        except sourcefiles.Refused as exc:
            problems.add(file, 1, 1, "", str(exc))
            continue
        except UnicodeDecodeError as exc:
            problems.add(file, 1, 1, "", f"is not UTF-8 text ({exc.reason})")
            continue
        for lineno, line in enumerate(text.splitlines(), 1):
            for match in PLACEHOLDER.finditer(line):
                if match.group(1) not in values:
                    problems.add(file, lineno, match.start() + 1, "", unknown_placeholder(match.group(1), values))
        text, _ = substitute(text, values)
        title = next(
            (ln[2:].strip() for ln in text.splitlines() if ln.startswith("# ")),
            file.stem.replace("-", " ").capitalize(),
        )
        title = ATTR_LIST_END.sub("", title)  # `# Title {: #id }`: the braces are not title
        if not allow_html:
            text = neutralise(text)
        pages.append(Page(rel, title, text, file, raw))
    return pages
