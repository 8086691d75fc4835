"""Stage 2, render pages: turn a loaded program into plain Markdown files and a navigation.

The result knows nothing of MkDocs: a mapping of relative paths to text (or bytes), plus the
navigation as a list of (title, path-or-children) pairs. Any site engine can publish it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment
from markupsafe import Markup

from . import meetings as meeting_calendar
from . import messages, sourcefiles
from .errors import Problem, ProgramError, shown
from .messages import N_
from .model import Practice
from .program import IMAGE, URL_SCHEME, LoadedProgram, Page, Text, Worksheet, load_program, rhythm_parts, target_path
from .publish import UsageError
from .templating import environment, render

NavItem = tuple[str, str | list["NavItem"]]

ROLE_TITLES = {"mentors": "Mentors", "mentees": "Mentees"}

# The pages a program runs on: (file, navigation title), each made from templates/pages/<file>.j2
# (overridable like every template). Titles are messages (translated where they are used); those
# with %(program)s take the program's own word for "program". Participants' pages first, then
# the manager's.
TAKING_PART = [
    ("applying-and-matching.md", N_("Applying and matching")),
    ("orientation.md", N_("Orientation and training")),
    ("conduct.md", N_("Code of conduct and getting help")),
    ("meeting-online.md", N_("Meeting online and across time zones")),
    ("when-things-go-wrong.md", N_("When things go wrong")),
    ("closing-well.md", N_("Closing well and staying in touch")),
]
RUNNING = [
    ("messages.md", N_("Messages to send")),
    ("measuring.md", N_("Measuring the %(program)s")),
]


@dataclass
class Pages:
    """Generated site content: relative path -> text or bytes, and the navigation."""

    files: dict[str, str | bytes] = field(default_factory=dict)
    nav: list[NavItem] = field(default_factory=list)


# The latest moment a timestamp can name and still be shown as a date (31 December 9999).
MAX_EPOCH = 253_402_300_799


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as a number of seconds, or None when it is not set.

    Anything but a whole number in range is refused with one line, here and not as a traceback
    deep inside the site engine (which reads it too).
    """
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return None
    if not (epoch.isascii() and epoch.isdigit()) or int(epoch) > MAX_EPOCH:
        shown = epoch if len(epoch) <= 40 else epoch[:40] + "..."
        raise UsageError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 (e.g. 1700000000), "
            f"not {shown!r}; set it to one or unset it"
        )
    return int(epoch)


def build_stamp() -> dt.datetime:
    """The build time, or SOURCE_DATE_EPOCH when set, for reproducible output."""
    epoch = source_date_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.UTC).replace(tzinfo=None)
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def base_context(program: LoadedProgram) -> dict[str, Any]:
    """Variables every page and worksheet template can use."""
    t = program.terms
    cfg = program.config
    words = messages.of(program, [])  # a broken catalog is reported by the stage (render_pages)
    return {
        "t": t,
        "program": cfg.program,
        "branding": cfg.branding,
        "config": cfg,
        "facts": program.facts,
        "start_text": program.long_date(cfg.program.start),
        "end_text": program.long_date(cfg.program.end),
        "rhythm": program.facts["meeting_rhythm"],
        **{k: program.facts[k] for k in rhythm_parts(cfg)},
        "program_in_text": program.facts["program_in_text"],
        "Program_in_text": program.facts["Program_in_text"],
        "moments": program.moments,
        "moment": {m.key: m for m in program.moments},
        "mentor_practices": program.practices["mentors"],
        "mentee_practices": program.practices["mentees"],
        "worksheets": program.worksheets,
        "sheet_ids": {w.id for w in program.worksheets},
        "paper_sizes": program.paper_sizes,
        "role_word": {"mentors": t.Mentors, "mentees": t.Mentees},
        "role_singular": {"mentors": t.mentor, "mentees": t.mentee},
        "role_plural": {"mentors": t.mentors, "mentees": t.mentees},
        "other_role": {"mentors": "mentees", "mentees": "mentors"},
        "filled_by_text": {
            "mentor": t.Mentor, "mentee": t.Mentee,
            "both": words.gettext("%(Mentor)s and %(mentee)s together", Mentor=t.Mentor, mentee=t.mentee),
            "each": words.gettext("%(Mentor)s and %(mentee)s, each on their own", Mentor=t.Mentor, mentee=t.mentee),
        },
        "long_date": program.long_date,
        # The language being built, and the one each item's text is in (a fallback's differs):
        # templates mark such text with `lang` (worksheet sections and fields, booklet chapters).
        "language": program.language,
        "lang_of": program.lang_of,
    }


def planned_pages(program: LoadedProgram) -> set[str]:
    """Every Markdown page the site will have, known before any is rendered."""
    pages = {"index.md", "roles.md", "timeline.md", "meetings.md", "program-managers.md", "about.md",
             "worksheets/index.md"}
    pages.update(path for path, _ in TAKING_PART + RUNNING)
    for role, items in program.practices.items():
        pages.add(f"{role}/index.md")
        pages.update(f"{role}/{p.id}.md" for p in items)
    pages.update(f"worksheets/{w.id}.md" for w in program.worksheets)
    pages.update(p.path for p in program.pages)
    return pages


# Every page carries the whole navigation, so listing n extra pages there makes a site (and a
# build) that grows with n squared. Beyond this many, the navigation links one generated page
# that lists them all instead.
NAV_EXTRA_PAGES = 50
MORE_PAGES = "more-pages.md"


def _link_text(title: str) -> str:
    """A title as the text of a Markdown link: brackets and backslashes escaped."""
    return re.sub(r"([\\\[\]])", r"\\\1", title)


# Folders of the published site that the theme and the build fill themselves.
RESERVED_FOLDERS = {"assets", "search", "overrides"}
# Files the site engine writes at the top of the site: a page published at /sitemap.xml/ would
# need a folder where the engine writes a file.
ENGINE_FILES = {"sitemap.xml", "sitemap.xml.gz", "404.html"}


def url_of(path: str) -> str:
    """The address a Markdown page gets with directory URLs: a/b.md and a/b/index.md -> a/b/."""
    stem = path.removesuffix(".md")
    stem = stem.removesuffix("index").rstrip("/") if stem == "index" or stem.endswith("/index") else stem
    return stem + "/" if stem else ""


# Inline links and images: [text](target "title") and ![alt](target).
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")


class _Suggestions:
    """Did-you-mean for dead links: the page or file of the site closest to each, written as the
    link would be from its page's folder. Spelling is compared for the first FUZZY dead links
    only, so that a site of thousands of pages full of dead links still fails fast."""

    FUZZY = 100

    def __init__(self, published: set[str], unchecked: set[str]) -> None:
        self.paths = sorted(published | {u for u in unchecked if not u.endswith("/")})
        self.known = set(self.paths)
        self.by_case: dict[str, str] = {}  # lower case -> the first path spelled so
        for c in reversed(self.paths):
            self.by_case[c.lower()] = c
        self.written: dict[str, dict[str, str]] = {}  # per folder: path as written from there -> path
        self.fuzzy_left = self.FUZZY

    def __call__(self, base: str, resolved: str, target: str) -> str:
        """'; did you mean X?' (the #fragment kept), or '' when nothing is close."""
        stem = resolved.rstrip("/")
        same = [c for c in (stem + ".md", stem + "/index.md") if c in self.known]
        same += [self.by_case[resolved.lower()]] if resolved.lower() in self.by_case else []
        if same:
            suggestion = posixpath.relpath(same[0], base or ".")
        elif self.fuzzy_left <= 0:
            return ""
        else:  # compared as written from the page, so that a shared folder does not make any two alike
            self.fuzzy_left -= 1
            if base not in self.written:
                self.written[base] = {posixpath.relpath(c, base or "."): c for c in self.paths}
            close = difflib.get_close_matches(posixpath.relpath(resolved, base or "."), list(self.written[base]),
                                              n=1, cutoff=0.75)
            top = resolved
            while not close and top.startswith("../"):  # above the site's top folder: as from there
                top = top[3:]
                close = [posixpath.relpath(c, base or ".") for c in
                         difflib.get_close_matches(top, self.paths, n=1, cutoff=0.75)]
            if not close:
                return ""
            suggestion = close[0]
        if "#" in target:
            suggestion += "#" + target.split("#", 1)[1]
        return f"; did you mean {shown(suggestion)}?"


NOWHERE = "which is no page or file of the site"
FROM_ROOT = ("a link from the site's root, which leads nowhere when the site is published in a "
             "subfolder (as on GitHub or GitLab Pages)")


def _dead_links(
    path: str, markdown: str, published: set[str], unchecked: set[str], suggest: _Suggestions
) -> list[tuple[int, int, str, str, str]]:
    """(line, column, target, what is wrong, did-you-mean) of each link or image in the page at
    `path` that leads to no page or file of the site: MkDocs would only fail later, naming the
    generated copy. A page link needs its `.md` (MkDocs leaves `faq` as written, which leads
    nowhere), and is relative to its page: `/roles/` works only where the site is at the root of
    its host. Links into `unchecked` (paths, or folders ending in /) are not judged."""
    dead = []
    base = posixpath.dirname(path)
    for lineno, line in enumerate(markdown.splitlines(), 1):
        for match in LINK.finditer(line):
            target = match.group(1)
            if target.startswith("/") and not target.startswith("//"):
                name = target_path(target).strip("/")
                resolved = posixpath.normpath(name) if name else "index.md"
                same = [c for c in (resolved, resolved + ".md", resolved + "/index.md") if c in published]
                hint = (f"; write it relative to this page: {shown(posixpath.relpath(same[0], base or '.'))}"
                        if same else suggest(base, resolved, target))
                dead.append((lineno, match.start(1) + 1, target, FROM_ROOT, hint))
                continue
            if URL_SCHEME.match(target) or target.startswith(("#", "/")) or "&" in target:
                continue  # external, or neutralised by the sanitiser: not ours to check
            name = target_path(target)
            resolved = posixpath.normpath(posixpath.join(base, name)) if name else path
            if resolved.split("/", 1)[0] in RESERVED_FOLDERS:
                continue
            candidates = {resolved, resolved.rstrip("/") + "/index.md"}
            if name and not candidates & published and not _unchecked(resolved, unchecked):
                dead.append((lineno, match.start(1) + 1, target, NOWHERE, suggest(base, resolved, target)))
    return dead


def _unchecked(resolved: str, unchecked: set[str]) -> bool:
    return resolved in unchecked or any(u.endswith("/") and resolved.startswith(u) for u in unchecked)


def _broken_links(
    page: Page, root: Path, published: set[str], unchecked: set[str], suggest: _Suggestions
) -> list[Problem]:
    """Dead links in an extra page, at their line and column in the file as written (placeholders
    and neutralising change the text, not its lines)."""
    problems = []
    raw_lines = page.raw.splitlines()
    same_lines = len(raw_lines) == len(page.markdown.splitlines())
    for lineno, column, target, what, hint in _dead_links(page.path, page.markdown, published, unchecked, suggest):
        raw = raw_lines[lineno - 1] if same_lines else ""
        # The link itself as written (not an earlier mention, nor a longer target it begins).
        link = r"\]\(\s*<?(" + re.escape(target) + r")(?=[)\s>])"
        written = re.search(link, raw) or re.search(re.escape(target), raw)
        if written:
            column = written.start(written.lastindex or 0) + 1
        problems.append(Problem(
            page.source.relative_to(root).as_posix(), lineno, column, "",
            f"links to {shown(target)}, {what}{hint}",
        ))
    return problems


def _worksheet_images(program: LoadedProgram, files: dict[str, str | bytes]) -> dict[str, bytes]:
    """Images in a worksheet's text name files of the program (relative to its folder, as the
    PDF reads them; checked in `program`). The worksheet's page on the site is in worksheets/, so
    each is published there too, under the same relative name, and the page's link finds it."""
    out: dict[str, bytes] = {}
    for text in program.texts:
        if not text.file.startswith("worksheets/"):
            continue
        for match in IMAGE.finditer(text.text):
            name = target_path(match.group(1))
            if URL_SCHEME.match(name) or name.startswith("/") or not name:
                continue
            rel = posixpath.normpath(posixpath.join("worksheets", name))
            if rel.startswith("worksheets/") and rel not in files and rel not in out:
                try:
                    out[rel] = sourcefiles.read_bytes(program.root / name)
                except (sourcefiles.Refused, OSError):
                    continue  # missing, a pipe, unreadable: reported where the text is (program)
    return out


def _broken_text_links(
    program: LoadedProgram, generated: dict[str, str], published: set[str], suggest: _Suggestions
) -> list[Problem]:
    """Dead links in the generated pages, reported at the YAML text that holds them (a
    practice's `how`, a worksheet's `intro`, ...). A text may show on several pages (a summary
    on the home page and its role's pages): it must work on each."""
    problems = []
    pages_of: dict[tuple[Text, str], list[str]] = {}
    hints: dict[tuple[Text, str], tuple[str, str]] = {}  # what is wrong, and the did-you-mean, from
    # the first page it is on
    for path, markdown in sorted(generated.items()):
        for lineno, column, target, what, hint in _dead_links(path, markdown, published, program.unchecked, suggest):
            found = [t for t in program.texts if f"]({target}" in t.text or f"](<{target}" in t.text]
            if not found:  # from a template: name the generated page and its line
                problems.append(Problem(path, lineno, column, "", f"links to {shown(target)}, {what}{hint}"))
            for t in found:
                pages_of.setdefault((t, target), []).append(path)
                hints.setdefault((t, target), (what, hint))
    for (t, target), found_on in pages_of.items():
        paths = sorted(set(found_on))
        listed = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        what, hint = hints[t, target]
        problems.append(Problem(t.file, t.line, t.column, t.key, f"links to {shown(target)}, {what} "
                                f"(on the page{'s' if len(paths) > 1 else ''} {listed}){hint}"))
    return problems


def render_pages(
    program: LoadedProgram, *, booklet_sizes: list[str] | tuple[str, ...] = (), problems: list[Problem] | None = None,
    default: LoadedProgram | None = None,
) -> Pages:
    """Every page of the site; `booklet_sizes` are the paper sizes of the printed handbook this
    build publishes (handbook-<size>.pdf), which the home and worksheet pages link to.

    Every problem of the stage (template errors, dead links, clashing names) is found in one go:
    they are raised together, or added to `problems` when it is given, with the pages there are.
    `default`: the program in its default language, when the caller has it already (a page that
    falls back is written with it)."""
    found: list[Problem] = []
    words = messages.of(program, found)
    env = environment(program.root, words)
    ctx = {**base_context(program), "booklet_sizes": list(booklet_sizes)}
    known = planned_pages(program)

    def link(text: str, target: str) -> str:
        """A Markdown link if the target page exists in this program, else the plain text."""
        return f"[{text}]({target})" if target.split("#")[0] in known else text

    ctx["link"] = link
    t = program.terms
    out = Pages()

    # A page with no text of this language's own is written wholly in the default language:
    # its role words, facts, dates and template strings too, so that no sentence mixes the two.
    # Its links are the same relative ones, so they stay in this language's tree. The default
    # language's program is the caller's, or loaded the first time such a page comes (its own
    # problems are reported by the default language's build).
    fallback: list[tuple[LoadedProgram, Environment, dict[str, Any]]] = []

    def in_default() -> tuple[LoadedProgram, Environment, dict[str, Any]]:
        if not fallback:
            base = default or load_program(program.root, defer=True, language=program.default_language)
            base_ctx = {**base_context(base), "booklet_sizes": list(booklet_sizes), "link": link}
            fallback.append((base, environment(program.root, messages.of(base, [])), base_ctx))
        return fallback[0]

    def page(path: str, template: str, extra: Callable[[LoadedProgram], dict[str, Any]] | None = None) -> None:
        """Render a page; `extra` gives its own variables from the program it is rendered with."""
        source, source_env, source_ctx = program, env, ctx
        if program.lang_of("page", path) != program.language:
            source, source_env, source_ctx = in_default()
        try:
            variables = {**source_ctx, **(extra(source) if extra else {}), "page_path": path}
            out.files[path] = render(source_env, source.template(template), variables, program.root)
        except ProgramError as exc:  # the page stays (empty), so links to it are not dead too
            found.extend(exc.problems)
            out.files[path] = ""

    def practice_page(role: str, practice: Practice, number: int) -> Callable[[LoadedProgram], dict[str, Any]]:
        def variables(source: LoadedProgram) -> dict[str, Any]:
            own = next((p for p in source.practices.get(role, []) if p.id == practice.id), practice)
            return {"role": role, "practice": own, "number": number,
                    "supporting": source.worksheets_for(role, practice.id)}
        return variables

    def worksheet_page(sheet: Worksheet) -> Callable[[LoadedProgram], dict[str, Any]]:
        def variables(source: LoadedProgram) -> dict[str, Any]:
            own = next((w for w in source.worksheets if w.id == sheet.id), sheet)
            return {"sheet": own, "practice_titles": _practice_titles(source)}
        return variables

    page("index.md", "pages/index.md.j2")
    page("roles.md", "pages/roles.md.j2")
    role_nav: list[NavItem] = []
    for role, items in program.practices.items():
        page(f"{role}/index.md", "pages/practices.md.j2",
             lambda source, role=role: {"role": role, "practices": source.practices.get(role, [])})
        children: list[NavItem] = [(words.gettext("Overview"), f"{role}/index.md")]
        for number, practice in enumerate(items, 1):
            page(f"{role}/{practice.id}.md", "pages/practice.md.j2", practice_page(role, practice, number))
            children.append((practice.title, f"{role}/{practice.id}.md"))
        role_nav.append((words.gettext("For %(role)s", role=getattr(t, role)), children))

    cfg = program.config.program
    schedule = meeting_calendar.schedule(cfg)
    page("timeline.md", "pages/timeline.md.j2", lambda _: {"schedule": schedule})
    page("meetings.md", "pages/meetings.md.j2", lambda _: {"schedule": schedule})
    out.files["meetings.ics"] = meeting_calendar.site_calendar(program, build_stamp()).decode("utf-8")

    page("worksheets/index.md", "pages/worksheets.md.j2")
    sheet_nav: list[NavItem] = [(words.gettext("All worksheets"), "worksheets/index.md")]
    for sheet in program.worksheets:
        page(f"worksheets/{sheet.id}.md", "pages/worksheet.md.j2", worksheet_page(sheet))
        sheet_nav.append((sheet.title, f"worksheets/{sheet.id}.md"))
    page("program-managers.md", "pages/program-managers.md.j2")
    page("about.md", "pages/about.md.j2")
    for path, _ in TAKING_PART + RUNNING:
        page(path, "pages/" + path + ".j2")
    taking_part: list[NavItem] = [(words.gettext(title), path) for path, title in TAKING_PART]
    running: list[NavItem] = [(words.gettext("Guide"), "program-managers.md")]
    running += [(words.gettext(title, program=t.program_word), path) for path, title in RUNNING]

    extra: list[NavItem] = []
    taken = {url_of(path): f"the generated page {path}" for path in out.files if path.endswith(".md")}
    listed = len(program.pages) > NAV_EXTRA_PAGES  # on a page of their own, not in the navigation
    if listed:
        taken[url_of(MORE_PAGES)] = f"the generated page {MORE_PAGES}"
    # Every address a generated file (not a page) has, and the folders on the way to it.
    generated_files = [f for f in out.files if not f.endswith(".md")]
    file_urls = set(generated_files) | {
        f[: i + 1] for f in generated_files for i, char in enumerate(f) if char == "/"
    }
    for p in program.pages:
        source = p.source.relative_to(program.root).as_posix()
        url = url_of(p.path)
        clash = taken.get(url)
        top = p.path.split("/", 1)[0]
        if top in RESERVED_FOLDERS:
            clash = f"the site's own {top}/ files"
        elif url.split("/", 1)[0] in ENGINE_FILES:
            clash = f"the site's own {url.split('/', 1)[0]}"
        elif url.rstrip("/") in file_urls or url in file_urls:
            clash = "a generated file"
        if clash:
            advice = ", or override that page's template to change it" if "generated page" in clash else ""
            found.append(Problem(
                source, 1, 1, "", f"would be published at /{url} like {clash}; choose another file name{advice}",
            ))
            continue
        taken[url] = source
        out.files[p.path] = p.markdown
        extra.append((p.title, p.path))
    if listed:
        more = [(_link_text(title), quote(path)) for title, path in extra if isinstance(path, str)]
        page(MORE_PAGES, "pages/more-pages.md.j2", lambda _: {"extra_pages": more})
        extra = [(words.gettext("More pages"), MORE_PAGES)]
    pdfs = {f"worksheets/{s.id}-{size}.pdf" for s in program.worksheets for size in program.paper_sizes}
    pdfs |= {f"handbook-{size}.pdf" for size in booklet_sizes}
    for rel, file in program.page_files.items():
        if rel in out.files or rel in pdfs or rel.split("/", 1)[0] in RESERVED_FOLDERS:
            found.append(Problem(f"content/pages/{rel}", 1, 1, "",
                                    f"would replace the site's own /{rel}; choose another file name"))
        else:
            out.files[rel] = sourcefiles.read_bytes(file)
    out.files.update(_worksheet_images(program, out.files))
    published = set(out.files) | pdfs
    suggest = _Suggestions(published, program.unchecked)
    for p in program.pages:
        found += _broken_links(p, program.root, published, program.unchecked, suggest)
    extra_paths = {p.path for p in program.pages}
    generated = {path: text for path, text in out.files.items()
                 if path.endswith(".md") and path not in extra_paths and isinstance(text, str)}
    found += _broken_text_links(program, generated, published, suggest)
    if problems is not None:
        problems += found
    elif found:
        raise ProgramError(found)

    _mark_fallbacks(program, out.files)
    out.nav = [
        (words.gettext("Home"), "index.md"),
        (words.gettext("Roles and expectations"), "roles.md"),
        (words.gettext("Timeline"), "timeline.md"),
        (words.gettext("Taking part"), taking_part),
        *role_nav,
        (words.gettext("Meetings"), "meetings.md"),
        (words.gettext("Worksheets"), sheet_nav),
        (words.gettext("For %(role)s", role=t.program_managers), running),
        *extra,
        (words.gettext("About this handbook"), "about.md"),
    ]
    return out


def _mark_fallbacks(program: LoadedProgram, files: dict[str, str | bytes]) -> None:
    """A page whose text is taken from another language (the default one: no translation of it
    yet, see `LoadedProgram.lang_of`) is wrapped in a block carrying that language, so that
    screen readers read it in that voice (templates/pages/fallback.md.j2)."""
    env = environment(program.root)
    for path, text in sorted(files.items()):
        if path.endswith(".md") and isinstance(text, str) and text:
            language = program.lang_of("page", path)
            if language != program.language:
                files[path] = render(env, "pages/fallback.md.j2", {"language": language, "markdown": Markup(text)},
                                     program.root)


def _practice_titles(program: LoadedProgram) -> dict[str, str]:
    return {f"{role}/{p.id}": p.title for role, items in program.practices.items() for p in items}


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
