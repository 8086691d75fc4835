"""Stage 3b, render the booklet: the whole handbook as one printed PDF per paper size.

It starts from the core's own output, not from the site engine's HTML: the generated Markdown
pages and the navigation (`Pages`).

- Each page's Markdown becomes HTML with the site's Markdown extensions. On the parsed tree its
  ids get the chapter's prefix, links to pages of the handbook become `#anchors` inside the
  document, links to other published files become addresses on the site (or plain text when
  `site.url` is unknown), and images inside the program become `data:` URLs. The worksheet
  preview section (the `#preview` anchor of a worksheet page) is left out: its printed blank
  form is in the appendix. The result is cleaned with an nh3 allow-list.
- `templates/booklet/booklet.html.j2` and `booklet.css.j2` (each replaceable by the program's
  own) put the cover, the contents, every page in navigation order and the appendix of blank
  worksheets into one HTML document per paper size.
- WeasyPrint lays it out with the worksheets' restricted fetcher (only `data:` URLs and files
  inside the program or the package) into a tagged PDF (PDF/UA-1, with language and title).
  The PDF is keyed like a worksheet's (the HTML, the local files it names, the versions) and
  cached in the user's cache folder: an unchanged handbook is never laid out twice. The HTML
  is made in the build's process and laid out in its process pool (see pdfs.py); a rebuild
  with nothing changed does not make it at all (see `inputs_key`).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html as html_lib
import json
import os
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import jinja2
import markdown as markdown_lib
import nh3
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE
from markupsafe import Markup

from . import __version__, cache, forms
from .errors import Problem, ProgramError
from .pages import NavItem, Pages, base_context
from .program import LoadedProgram, Worksheet, target_path
from .siteconfig import MARKDOWN_EXTENSIONS
from .templating import render, template_sources
from .worksheets import (
    RefusedURL,
    _allowed_roots,
    _key,
    _local_refs,
    _make_fetcher,
    collected_after,
    tag_languages,
    weasyprint_version,
    worksheet_environment,
)

CACHE_KIND = "booklet"
PREVIEW = "preview"  # the anchor of a worksheet page's on-screen preview section
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def filename(size: str) -> str:
    """Where the booklet of one paper size is published: handbook-a4.pdf."""
    return f"handbook-{size}.pdf"


def markdown_extensions() -> list[Any]:
    """The site's Markdown extensions, as MkDocs runs them (its built-in toc, tables and
    fenced_code first), without the heading permalinks that mean nothing on paper."""
    out: list[Any] = ["toc", "tables", "fenced_code"]
    for ext in MARKDOWN_EXTENSIONS:
        name = next(iter(ext)) if isinstance(ext, dict) else ext
        if name not in out:
            out.append(name)
    return out


@dataclass(frozen=True)
class Chapter:
    """One page of the handbook, as a chapter of the booklet."""

    anchor: str  # its id in the document
    path: str  # the page, e.g. mentors/active-listening.md
    title: str  # its title in the navigation
    level: int  # 1 at the top of the navigation, 2 inside a section, ...
    html: str = ""  # sanitised (Markup) once converted
    parts: tuple[Part, ...] = ()  # navigation sections this chapter opens, outermost first
    sheet: Worksheet | None = None  # set on a worksheet's page


@dataclass(frozen=True)
class Part:
    """A section of the navigation (e.g. "For mentors"): a title over chapters."""

    anchor: str
    title: str
    level: int
    children: list[Chapter | Part] = field(default_factory=list)


@dataclass(frozen=True)
class Job:
    """One booklet PDF to make (pickled to a worker process)."""

    size: str
    html: str
    base_url: str
    allowed: tuple[str, ...]
    key: str
    local_files: tuple[str, ...] = ()  # program files the HTML names (logo, fonts, images)

    @property
    def filename(self) -> str:
        return filename(self.size)

    @property
    def label(self) -> str:
        return f"the handbook booklet ({self.size})"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "page"


def _outline(nav: list[NavItem]) -> tuple[list[Chapter | Part], dict[str, str]]:
    """The navigation as parts and chapters (without HTML yet), and each page's anchor."""
    anchors: dict[str, str] = {}
    taken: set[str] = set()

    def unique(base: str) -> str:
        anchor, n = base, 1
        while anchor in taken:
            n += 1
            anchor = f"{base}-{n}"
        taken.add(anchor)
        return anchor

    def walk(items: list[NavItem], level: int) -> list[Chapter | Part]:
        out: list[Chapter | Part] = []
        for title, target in items:
            if isinstance(target, list):
                part = Part(unique("part-" + _slug(title)), title, level)
                part.children.extend(walk(target, level + 1))
                out.append(part)
            elif target not in anchors:  # a page listed twice is printed once
                anchors[target] = unique("ch-" + _slug(target.removesuffix(".md")))
                out.append(Chapter(anchors[target], target, title, level))
        return out

    return walk(nav, 1), anchors


def chapters(outline: list[Chapter | Part]) -> Iterator[Chapter]:
    """Every chapter of an outline, in order."""
    for item in outline:
        if isinstance(item, Part):
            yield from chapters(item.children)
        else:
            yield item


class _Links:
    """Decides where each link and image of a page leads in the booklet."""

    def __init__(self, program: LoadedProgram, files: dict[str, str | bytes], anchors: dict[str, str],
                 appendix: bool) -> None:
        self.files = files
        self.anchors = anchors
        self.site_url = program.config.site.url.rstrip("/")
        self.sheet_pdfs = {
            f"worksheets/{s.id}-{size}.pdf": s.id for s in program.worksheets for size in program.paper_sizes
        }
        self.sheet_pages = {f"worksheets/{s.id}.md": s.id for s in program.worksheets}
        self.appendix = appendix

    def _resolve(self, page: str, target: str) -> tuple[str, str]:
        """A relative target as (path in the site, fragment)."""
        parts = urlsplit(target)
        base = posixpath.dirname(page)
        if not parts.path:
            return page, parts.fragment
        joined = parts.path.lstrip("/") if parts.path.startswith("/") else posixpath.join(base, parts.path)
        return posixpath.normpath(joined).removeprefix("./"), parts.fragment

    def href(self, page: str, target: str) -> str | None:
        """The href in the booklet, or None to keep only the text."""
        if SCHEME.match(target):
            return target if target.lower().startswith(("http:", "https:", "mailto:")) else None
        path, fragment = self._resolve(page, target)
        for candidate in (path, f"{path}.md", f"{path}/index.md"):  # a/b.md, a/b/ and a/b
            if candidate in self.anchors:
                if fragment == PREVIEW and candidate in self.sheet_pages and self.appendix:
                    return f"#{form_anchor(self.sheet_pages[candidate])}"
                anchor = self.anchors[candidate]
                return f"#{anchor}--{fragment}" if fragment else f"#{anchor}"
        if path in self.sheet_pdfs and self.appendix:
            return f"#{form_anchor(self.sheet_pdfs[path])}"
        if path in self.files and self.site_url:
            return f"{self.site_url}/{path}"
        return None

    def src(self, page: str, target: str) -> str | None:
        """An image source in the booklet: a data: URL of a file the site publishes, or None."""
        if target.lower().startswith("data:"):
            return target
        if SCHEME.match(target):
            return None  # nothing is fetched from the network
        path, _ = self._resolve(page, target)
        content = self.files.get(path)
        kind = IMAGE_TYPES.get(PurePosixPath(path).suffix.lower())
        if not isinstance(content, bytes) or kind is None:
            return None
        return f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}"


def form_anchor(sheet_id: str) -> str:
    """The anchor of a worksheet's blank form in the appendix (sheet ids hold no "--")."""
    return f"ws--{sheet_id}"


def _decoded(value: str) -> str:
    """An attribute as the browser reads it (python-markdown hides & in autolinked emails)."""
    return html_lib.unescape(value.replace(AMP_SUBSTITUTE, "&"))


class _Rewrite(Treeprocessor):
    """Runs after the heading ids are made: prefixes ids, rewrites links and images, and drops a
    worksheet page's preview section."""

    def __init__(self, md: markdown_lib.Markdown, links: _Links) -> None:
        super().__init__(md)
        self.links = links
        self.page = ""
        self.anchor = ""
        self.ids: set[str] = set()

    def run(self, root: ET.Element) -> None:
        if self.page in self.links.sheet_pages:
            _drop_section(root, PREVIEW)
        for el in root.iter():
            if el.get("id"):
                el.set("id", f"{self.anchor}--{el.get('id')}")
                self.ids.add(el.get("id", ""))
            if el.tag == "a" and el.get("href") is not None:
                target = _decoded(el.get("href", "")).strip()
                href = self.links.href(self.page, target)
                if href is None:
                    del el.attrib["href"]
                    continue
                el.set("href", href)
                text = _decoded("".join(el.itertext())).strip()
                if text in (href, href.removeprefix("mailto:")):
                    el.set("class", (el.get("class", "") + " bare").strip())  # the address is the text
            if el.tag == "img":
                src = self.links.src(self.page, _decoded(el.get("src", "")).strip())
                if src is None:
                    el.attrib.pop("src", None)
                else:
                    el.set("src", src)


def _drop_section(root: ET.Element, anchor: str) -> None:
    """Remove the heading with id `anchor` and everything up to the next heading of its rank."""
    children = list(root)
    for i, el in enumerate(children):
        if el.get("id") == anchor and re.fullmatch(r"h[1-6]", el.tag):
            rank = int(el.tag[1])
            for later in children[i:]:
                if later is not el and re.fullmatch(r"h[1-6]", later.tag) and int(later.tag[1]) <= rank:
                    break
                root.remove(later)
            return


# What the booklet's chapters may contain: nh3's own list of tags, and the attributes the Markdown
# extensions make (ids for anchors, classes for admonitions, alignment in tables).
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "style"},
    "td": {"colspan", "rowspan", "style"},
    "ol": {"start"},
}


def _sanitiser(known: set[str]) -> Any:
    def keep(element: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return value if value in known else None  # raw HTML's own ids could clash
        if attribute == "href":
            if value.startswith("#"):
                if value[1:] in known:
                    return value
                chapter = value[1:].split("--", 1)[0]  # a heading that is not there: its page
                return f"#{chapter}" if chapter in known else None
            return value if value.lower().startswith(("http:", "https:", "mailto:")) else None
        if attribute == "src":
            return value if value.lower().startswith("data:image/") else None
        return value

    return keep


def _clean(html: str, known: set[str]) -> Markup:
    return Markup(nh3.clean(
        html, attributes=ATTRIBUTES, attribute_filter=_sanitiser(known), link_rel=None,
        url_schemes={"http", "https", "mailto", "data"}, filter_style_properties={"text-align"},
    ))


def _convert(program: LoadedProgram, pages: Pages, files: dict[str, str | bytes],
             appendix: bool) -> list[Chapter | Part]:
    """The outline with every chapter's sanitised HTML."""
    outline, anchors = _outline(pages.nav)
    links = _Links(program, files, anchors, appendix)
    md = markdown_lib.Markdown(extensions=markdown_extensions(), extension_configs={"toc": {"permalink": False}})
    rewrite = _Rewrite(md, links)
    md.treeprocessors.register(rewrite, "booklet-links", 0)  # after attr_list (8) and toc (5)
    raw: dict[str, str] = {}
    for chapter in chapters(outline):
        text = files.get(chapter.path)
        md.reset()
        rewrite.page, rewrite.anchor = chapter.path, chapter.anchor
        raw[chapter.path] = md.convert(text if isinstance(text, str) else "")
    known = rewrite.ids | set(anchors.values())
    if appendix:
        known |= {form_anchor(s.id) for s in program.worksheets}
    sheets = {f"worksheets/{s.id}.md": s for s in program.worksheets}
    opened: dict[str, tuple[Part, ...]] = {}

    def first_chapters(items: list[Chapter | Part], above: tuple[Part, ...]) -> None:
        pending = above
        for item in items:
            if isinstance(item, Part):
                first_chapters(item.children, (*pending, item))
            else:
                opened[item.path] = pending
            pending = ()

    first_chapters(outline, ())

    def fill(items: list[Chapter | Part]) -> list[Chapter | Part]:
        out: list[Chapter | Part] = []
        for item in items:
            if isinstance(item, Part):
                out.append(Part(item.anchor, item.title, item.level, fill(item.children)))
            else:
                out.append(Chapter(
                    item.anchor, item.path, item.title, item.level, _clean(raw[item.path], known),
                    opened.get(item.path, ()), sheets.get(item.path),
                ))
        return out

    return fill(outline)


def render_html(program: LoadedProgram, pages: Pages, files: dict[str, str | bytes], size: str, *,
                outline: list[Chapter | Part] | None = None, env: jinja2.Environment | None = None) -> str:
    """The booklet of one paper size as one HTML document."""
    settings = program.config.booklet
    outline = outline if outline is not None else _convert(program, pages, files, settings.worksheets)
    context = {
        **base_context(program), "size": size, "outline": outline, "chapters": list(chapters(outline)),
        "appendix": program.worksheets if settings.worksheets else [], "form_anchor": form_anchor,
        # The worksheet styles the appendix includes name the inputs' placeholder font (forms.py).
        "form_font_family": forms.PLACEHOLDER_FAMILY, "form_font_url": Markup(forms.placeholder_font_url()),
    }
    env = env or worksheet_environment(program)
    return render(env, "booklet/booklet.html.j2", context, program.root)


def plan(program: LoadedProgram, pages: Pages, files: dict[str, str | bytes]) -> list[Job]:
    """One job per paper size; rendering every document's HTML catches template mistakes."""
    outline = _convert(program, pages, files, program.config.booklet.worksheets)
    env = worksheet_environment(program)
    base = program.root.resolve().as_uri() + "/"
    allowed = _allowed_roots(program)
    jobs = []
    for size in program.paper_sizes:
        html = render_html(program, pages, files, size, outline=outline, env=env)
        jobs.append(Job(size, html, base, allowed, _key(html, size, program), _local_files(html, program)))
    return jobs


def _local_files(html: str, program: LoadedProgram) -> tuple[str, ...]:
    """The program files the HTML names, as the cache key counts them (see worksheets._key)."""
    root = program.root.resolve()
    names = []
    for ref in sorted(set(_local_refs(html))):
        name = target_path(html_lib.unescape(ref))
        path = (root / name).resolve()
        if name and path.is_file() and path.is_relative_to(root):
            names.append(name)
    return tuple(names)


def _file_digests(program: LoadedProgram, names: list[str] | tuple[str, ...]) -> dict[str, str]:
    root = program.root.resolve()
    out = {}
    for name in names:
        path = (root / name).resolve()
        if path.is_file() and path.is_relative_to(root):
            out[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def stable_repr(value: Any) -> str:
    """`repr(value)` the same in every process: sets in sorted order (a set of strings is in a
    different order from one process to the next), no memory addresses (Terms has no repr of its
    own). A key made from `repr` alone missed the cache on every new run."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ", ".join(f"{f.name}={stable_repr(getattr(value, f.name))}"
                           for f in dataclasses.fields(value) if f.repr)
        return f"{type(value).__name__}({fields})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{stable_repr(k)}: {stable_repr(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}[" + ", ".join(stable_repr(v) for v in value) + "]"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(stable_repr(v) for v in value)) + "}"
    return re.sub(r" at 0x[0-9a-f]+>", ">", repr(value))


def inputs_key(program: LoadedProgram, pages: Pages, files: dict[str, str | bytes]) -> str:
    """A digest of everything the booklets' HTML is made from, without making it.

    A rebuild with no change looks the booklets up by it (a "memo" beside the PDFs in the cache
    names their keys), so that it neither converts the pages nor renders the templates again.
    It takes in the program as loaded, the pages, the navigation, every template, the code of
    this package and the versions of the libraries that make the HTML; the files the HTML names
    are checked against their digests in the memo.
    """
    digest = hashlib.sha256()

    def add(part: str | bytes) -> None:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")

    for version in (__version__, markdown_lib.__version__, nh3.__version__, jinja2.__version__,
                    weasyprint_version(), os.environ.get("SOURCE_DATE_EPOCH", "")):
        add(version)
    add(program.language)  # each language's booklets are remembered apart
    add(stable_repr(program))
    add(repr(pages.nav))
    for path, content in sorted(files.items()):
        add(path)
        # Of the other published files, only the names matter (meetings.ics, say, changes its
        # time stamp with every build).
        if path.endswith(".md") or PurePosixPath(path).suffix.lower() in IMAGE_TYPES:
            add(content)
    for source in [*template_sources(program.root), *sorted(Path(__file__).parent.glob("*.py"))]:
        add(source.as_posix())
        add(source.read_bytes())
    return digest.hexdigest()


def _recall(program: LoadedProgram, inputs: str) -> dict[str, bytes] | None:
    """The booklets of a build whose inputs are `inputs`, if the memo and the cache hold them."""
    memo = cache.get(cache.folder(CACHE_KIND), inputs, suffix=".json")
    if memo is None:
        return None
    try:
        entries = json.loads(memo)
        out = {}
        for entry in entries:
            if _file_digests(program, entry["files"]) != entry["files"]:
                return None
            pdf = cache.get(cache.folder(CACHE_KIND), entry["key"])
            if pdf is None:
                return None
            out[filename(entry["size"])] = pdf
        return out if [e["size"] for e in entries] == list(program.paper_sizes) else None
    except (ValueError, KeyError, TypeError):
        return None


@collected_after()
def render_pdf(job: Job) -> bytes:
    """Lay out one booklet (runs in a worker process)."""
    import logging

    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    tag_languages()  # a chapter that fell back to the default language says so in the tags too
    try:
        document = weasyprint.HTML(string=job.html, base_url=job.base_url, url_fetcher=_make_fetcher(job)).render()
        return document.write_pdf(
            pdf_tags=True, pdf_variant="pdf/ua-1", pdf_identifier=job.key[:32].encode(), custom_metadata=True,
        )
    except FatalURLFetchingError as exc:
        raise RefusedURL(str(exc), getattr(exc, "url", "")) from None


@dataclass
class Pending:
    """The booklets of a build: recalled from the cache, or being laid out in the build's pool."""

    program: LoadedProgram
    inputs: str
    jobs: list[Job] = field(default_factory=list)
    done: dict[str, bytes] = field(default_factory=dict)
    futures: list[tuple[Job, Future[bytes]]] = field(default_factory=list)
    recalled: bool = False

    def missing(self) -> list[str]:
        """The site paths of the booklets still being laid out."""
        return [job.filename for job, _ in self.futures]

    def cancel(self) -> None:
        for _, future in self.futures:
            future.cancel()

    def result(self) -> tuple[dict[str, bytes], dict[str, int]]:
        """{"handbook-<size>.pdf": bytes} and figures; waits for the pool."""
        if self.recalled:
            return dict(self.done), {"booklets": len(self.done), "booklets_rendered": 0,
                                     "booklets_recalled": len(self.done)}
        out, problems = dict(self.done), []
        for job, future in self.futures:
            try:
                out[job.filename] = data = future.result()
            except RefusedURL as exc:
                problems.append(Problem("templates/booklet/booklet.html.j2", 1, 1, "", str(exc.args[0])))
                continue
            cache.put(cache.folder(CACHE_KIND), job.key, data)
        if problems:
            raise ProgramError(problems)
        memo = [{"size": job.size, "key": job.key, "files": _file_digests(self.program, job.local_files)}
                for job in self.jobs]
        cache.put(cache.folder(CACHE_KIND), self.inputs, json.dumps(memo).encode(), suffix=".json")
        if self.futures:
            cache.prune(cache.folder(CACHE_KIND))
        return dict(sorted(out.items())), {"booklets": len(out), "booklets_rendered": len(self.futures),
                                           "booklets_recalled": 0}


def start(program: LoadedProgram, pages: Pages, files: dict[str, str | bytes], pool: Executor) -> Pending:
    """The booklets from the cache if nothing they are made from changed; else their HTML, made
    here (a fraction of a second beside a layout's many), and the layouts the cache lacks handed
    to `pool` at once, while the caller goes on. A template mistake raises ProgramError here."""
    inputs = inputs_key(program, pages, files)
    recalled = _recall(program, inputs)
    if recalled is not None:
        return Pending(program, inputs, done=recalled, recalled=True)
    pending = Pending(program, inputs, jobs=plan(program, pages, files))
    for job in pending.jobs:
        cached = cache.get(cache.folder(CACHE_KIND), job.key)
        if cached is not None:
            pending.done[job.filename] = cached
        else:
            pending.futures.append((job, pool.submit(render_pdf, job)))
    return pending
