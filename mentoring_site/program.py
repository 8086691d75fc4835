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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

from . import assets, sourcefiles, svgsafety, timeline, yamlsource
from .errors import Problem, Problems, shown
from .fields import BaseField, convert_field
from .languages import KINDS, Missing
from .model import SLUG, Practice, PracticeFile, ProgramFile
from .sanitise import neutralise
from .schema import INVALID, Ctx, RuleError, convert, convert_mapping, meta
from .terms import PLACEHOLDER, Terms, capitalise, substitute
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

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def lang_of(self, kind: str, key: str) -> str:
        """The language the text of an item is in: this program's language when translated, the
        default language when it fell back. Kinds and keys: see `languages.KINDS`."""
        if kind not in KINDS:
            raise ValueError(f"lang_of: unknown kind {kind!r}; one of {', '.join(KINDS)}")
        if self.language == self.default_language or (kind, key) in self.translated:
            return self.language
        return self.default_language

    @property
    def paper_sizes(self) -> list[str]:
        return list(self.config.worksheets.paper_sizes)

    def worksheets_for(self, role: str, practice_id: str) -> list[Worksheet]:
        ref = f"{role}/{practice_id}"
        return [w for w in self.worksheets if ref in w.practices]


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def a_or_an(number: int) -> str:
    """The article before a number said aloud: an 8-, 11-, 18-, 80-minute ...; a 60-minute."""
    return "an" if str(number).startswith("8") or number in (11, 18) else "a"


def every(weeks: int) -> str:
    return "every week" if weeks == 1 else f"every {weeks} weeks"


def rhythm_text(config: ProgramFile, terms: Terms) -> str:
    """The meeting rhythm as a noun phrase: 'a 60-minute meeting every 2 weeks on Mondays ...'.
    It fits where a noun fits ("Meet as agreed: ..."); sentences that need a verb use the parts
    (`rhythm_parts`)."""
    m = config.program.meetings
    text = f"{a_or_an(m.length_minutes)} {m.length_minutes}-minute meeting {every(m.every_weeks)}"
    if m.weekday:
        text += f" on {m.weekday.capitalize()}s"
    if m.time:
        text += f" at {m.time}"
    if m.check_in:
        c = m.check_in
        text += (f", with {a_or_an(c.length_minutes)} {c.length_minutes}-minute check-in "
                 f"{every(c.every_weeks)} in between")
    return text


def minutes(n: int) -> str:
    return f"{n} minute{'' if n == 1 else 's'}"


def rhythm_parts(config: ProgramFile) -> dict[str, str]:
    """The pieces of the rhythm, for sentences of one's own: 'Pairs meet [[meeting_interval]]
    for [[meeting_length]]'. Check-in parts are empty when the program has no check-ins."""
    m = config.program.meetings
    when = " ".join(filter(None, [f"on {m.weekday.capitalize()}s" if m.weekday else "",
                                  f"at {m.time}" if m.time else ""]))
    return {
        "meeting_length": minutes(m.length_minutes),
        "meeting_interval": every(m.every_weeks),
        "meeting_when": when,
        "check_in_length": minutes(m.check_in.length_minutes) if m.check_in else "",
        "check_in_interval": every(m.check_in.every_weeks) if m.check_in else "",
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


def load_program(root: Path, *, defer: bool = False, language: str | None = None) -> LoadedProgram:
    """Read and check everything in `root`; raise ProgramError listing every problem.

    With `defer`, only problems in program.yml (on which everything depends) are raised; those
    of the practices, worksheets and pages are returned in `problems`, with what was valid, so
    that the later stages can report theirs in the same run.

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
    config = INVALID
    texts: list[Text] = []
    if doc is not None:
        config = convert(ProgramFile, {} if doc.data is None else doc.data, (), Ctx(doc, problems))
        _texts(doc, doc.data, (), problems.rel(program_file), texts)
    problems.raise_if_any()
    assert isinstance(config, ProgramFile)
    languages = list(config.program.languages)
    language = language or languages[0]
    if language not in languages:
        raise ValueError(f"load_program: {language!r} is not in program.languages [{', '.join(languages)}]")
    config = dataclasses.replace(config, program=dataclasses.replace(config.program, language=language))

    terms = Terms(config.terminology)
    p = config.program
    ctx = Ctx(doc, problems)  # type: ignore[arg-type]
    for key, message in timeline.problems(p):
        ctx.error(("program", *key.split(".")), message)  # (timeline keys hold no list index)
    problems.raise_if_any()
    facts = dict(terms.forms)
    facts.update(
        program=p.name, program_in_text=p.in_text, Program_in_text=capitalise(p.in_text),
        organisation=p.organisation, start=long_date(p.start),
        end=long_date(p.end), meeting_rhythm=rhythm_text(config, terms), **rhythm_parts(config),
        contact_name=p.contact.name, contact_email=p.contact.email,
    )
    facts.update({m.key: long_date(m.day) for m in timeline.moments(p)})

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
        data = _fill(pdoc, pdoc.data, (), facts, problems)
        _texts(pdoc, pdoc.data, (), problems.rel(file), texts)  # as written: a link a placeholder
        # brings in belongs to the placeholder's own value
        parsed = convert(PracticeFile, data, (), Ctx(pdoc, problems))
        if parsed is not INVALID:
            practices[role] = parsed.practices
        else:
            unchecked.add(f"{role}/")

    worksheets = _load_worksheets(root, facts, practices, problems, sources, texts)
    budget = _Budget(problems)
    pages = _load_pages(root, facts, problems, sources, budget, allow_html=config.site.allow_html)
    page_files = _load_page_files(root, problems, sources, budget)
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
                         list(problems.items), unchecked, language, languages)


def _worksheet_files(root: Path) -> dict[str, Path]:
    """The worksheet files by name: a program with its own worksheets/ folder uses exactly
    those; otherwise the built-in set."""
    folder = root / "worksheets"
    if not folder.is_dir():
        folder = assets.builtin_root() / "worksheets"
    return {f.stem: f for f in sorted(folder.glob("*.yml"))}


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
) -> list[Worksheet]:
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
    allow_html: bool,
) -> list[Page]:
    folder = root / "content" / "pages"
    pages: list[Page] = []
    if not folder.is_dir():
        return pages
    files = [f for f in sorted(folder.rglob("*.md")) if not f.is_dir()]  # not a folder named x.md
    if len(files) > MAX_EXTRA_PAGES:
        problems.add(files[MAX_EXTRA_PAGES], 1, 1, "", f"is extra page {MAX_EXTRA_PAGES + 1:,}; a program may have "
                     f"at most {MAX_EXTRA_PAGES:,} (merge pages, or publish the rest as a site of their own)")
        files = files[:MAX_EXTRA_PAGES]
    for file in files:
        sources.append(file)
        rel = file.relative_to(folder).as_posix()
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
                if match.group(1) not in facts:
                    problems.add(file, lineno, match.start() + 1, "", unknown_placeholder(match.group(1), facts))
        text, _ = substitute(text, facts)
        title = next(
            (ln[2:].strip() for ln in text.splitlines() if ln.startswith("# ")),
            file.stem.replace("-", " ").capitalize(),
        )
        title = ATTR_LIST_END.sub("", title)  # `# Title {: #id }`: the braces are not title
        if not allow_html:
            text = neutralise(text)
        pages.append(Page(rel, title, text, file, raw))
    return pages
