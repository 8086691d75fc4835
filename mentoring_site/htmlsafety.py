"""Stage 5b, HTML safety: decide what is safe on the HTML the site engine produced.

Filters that read Markdown with other rules than the Markdown engine are bypassed wherever the
two disagree. So safety is decided here, on the built pages, before they are published:

- Content. The theme override (`templates/theme/main.html`) wraps the theme's `content` block
  in two comments that carry a marker made for this build; content cannot know it. What lies
  between them goes through an allow-list sanitiser (nh3): fixed elements, attributes and URL
  schemes, everything else removed or escaped. A page whose markers are missing or repeated is
  an error: it is not published.
- Everything else on the page is the theme's. It is checked, not rewritten: an event handler, a
  script URL, a frame or a script the theme's error page (404.html) does not also have is an
  error, since content must have got there past the theme's escaping.
- Content-Security-Policy. The theme override prints a placeholder policy that blocks every
  script; it is replaced by one that allows the site's own script files and, by hash, the
  theme's inline scripts on that page. Inline event handlers and `javascript:` URLs then do
  nothing even if one got past the above.
- The search index (`search/search_index.json`, Zensical's `search.json`) holds page text that the theme shows as HTML
  in search results: its strings go through the same sanitiser.

`secure_site` does all of this to a built site folder; `mentoring-site build` calls it on the
staging folder before the swap, the MkDocs plugin per page, and `mentoring-site secure` on a
site another engine built from `mentoring-site export`.
"""

from __future__ import annotations

import base64
import hashlib
import html.parser
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nh3

from .errors import Problem, ProgramError

MARKER_KEY = "mentoring_site_marker"  # config.extra key the theme override reads
SEARCH_INDEX = "search/search_index.json"  # MkDocs and ProperDocs
SEARCH_INDEXES = (SEARCH_INDEX, "search.json")  # and Zensical's, whose entries are `items`
ERROR_PAGE = "404.html"

# --- the content allow-list ------------------------------------------------------------------

ELEMENTS = {
    # text and structure
    "a", "abbr", "article", "aside", "b", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "s", "samp", "section", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
    # the worksheet previews are forms a reader can try out (never submitted: no <form>)
    "fieldset", "input", "label", "legend", "textarea",
}
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "role", "aria-label", "aria-hidden",
          "aria-describedby", "aria-labelledby"},
    "a": {"href", "download"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "th": {"scope", "colspan", "rowspan", "align"},
    "td": {"colspan", "rowspan", "align"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
    "time": {"datetime"},
    "div": {"style"},  # worksheet previews size their write-on boxes: only `height` is kept
    "input": {"type", "name", "value", "checked", "disabled"},
    "label": {"for"},
    "textarea": {"name", "rows", "disabled"},
}
# The one style the previews write; nh3's own style filter mangles calc(var(--x)), so the whole
# value must match this or the attribute goes.
PREVIEW_STYLE = re.compile(
    r"\s*height\s*:\s*(?:calc\(\s*\d+(?:\.\d+)?\s*\*\s*var\(--[a-z][a-z0-9-]*\)\s*\)"
    r"|\d+(?:\.\d+)?(?:px|em|rem|%))\s*;?\s*"
)
URL_SCHEMES = {"http", "https", "mailto", "tel", "data"}
INPUT_TYPES = {"text", "checkbox", "radio", "date"}
# Ids starting with two underscores are the theme's (`__config`, `__search`, `__palette_0`, ...)
# and its scripts look them up: content may not take them, but for those Markdown extensions
# give content (tabbed blocks, code annotations).
CONTENT_IDS = ("__tabbed_", "__code_")
DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]", re.I)


def _attribute(element: str, attribute: str, value: str) -> str | None:
    """Finer rules than nh3's lists: data: only as a raster image, no names the theme's script
    looks up (Material's own ids start with two underscores), form inputs of harmless types."""
    if attribute in ("href", "src") and value.strip().lower().startswith("data:"):
        return value if element == "img" and attribute == "src" and DATA_IMAGE.match(value.strip()) else None
    if attribute in ("id", "for", "name") and value.startswith("__") and not value.startswith(CONTENT_IDS):
        return None
    if attribute == "style":
        return value if PREVIEW_STYLE.fullmatch(value) else None
    if element == "input" and attribute == "type" and value.lower() not in INPUT_TYPES:
        return "text"
    return value


def sanitise(fragment: str) -> str:
    """The allow-list sanitiser every page's content goes through."""
    return nh3.clean(
        fragment,
        tags=ELEMENTS,
        attributes=ATTRIBUTES,
        attribute_filter=_attribute,
        url_schemes=URL_SCHEMES,
        link_rel=None,  # links keep what the page gave them
        strip_comments=True,
    )


# --- markers and the policy --------------------------------------------------------------------

def new_marker() -> str:
    """A marker for one build: 128 random bits."""
    return secrets.token_hex(16)


def marker_for(files: dict[str, str | bytes], config: dict[str, Any]) -> str:
    """A marker derived from everything generated (for `export`, whose output must be the same
    bytes for the same input): content cannot contain a hash of itself."""
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode())
    for path, content in sorted(files.items()):
        digest.update(path.encode() + b"\0")
        digest.update(content if isinstance(content, bytes) else content.encode())
    return digest.hexdigest()[:32]


def with_marker(config: dict[str, Any], marker: str) -> dict[str, Any]:
    """The site settings with the marker where the theme override finds it."""
    return {**config, "extra": {**config.get("extra", {}), MARKER_KEY: marker}}


def content_start(marker: str) -> str:
    return f"<!--mentoring-site-content-start:{marker}-->"


def content_end(marker: str) -> str:
    return f"<!--mentoring-site-content-end:{marker}-->"


def placeholder(marker: str) -> str:
    """The policy tag the theme override prints; it blocks every script until replaced."""
    return (f'<meta http-equiv="Content-Security-Policy" content="script-src \'none\'; '
            f'object-src \'none\'; base-uri \'none\'" data-mentoring-site="{marker}">')


def policy(script_hashes: Iterable[str]) -> str:
    """The site's Content-Security-Policy, given the hashes of a page's inline theme scripts."""
    scripts = " ".join(["'self'", *(f"'sha256-{h}'" for h in sorted(set(script_hashes)))])
    return (
        "default-src 'self'; "
        f"script-src {scripts}; "
        # Material and the worksheet previews set style attributes; style cannot run script.
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self'; "
        "frame-src 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"
    )


def script_hash(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


# --- reading the theme's part of a page --------------------------------------------------------

EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "ping"}
SCRIPT_SCHEMES = {"javascript", "vbscript", "livescript", "data"}
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "base", "applet", "portal"}
# Material's first inline script names the site's base, which differs with a page's depth.
_BASE_IN_SCRIPT = re.compile(r'new URL\("[^"\\]*",location\)')


def normalised(script: str) -> str:
    return _BASE_IN_SCRIPT.sub('new URL("",location)', script.strip())


def url_scheme(value: str) -> str:
    """The scheme a browser sees: it drops control characters and whitespace inside URLs."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", value).lower()
    head = cleaned.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return head.split(":", 1)[0] if ":" in head else ""


@dataclass
class _Script:
    line: int
    column: int
    attrs: dict[str, str | None]
    text: str = ""


class Theme(html.parser.HTMLParser):
    """What the theme's part of a page holds that matters for safety."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[_Script] = []
        self.findings: list[tuple[int, int, str]] = []  # line, column, what
        self._script: _Script | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, column = self.getpos()
        where = (line, column + 1)
        if tag in FORBIDDEN_ELEMENTS:
            self.findings.append((*where, f"a <{tag}> element"))
        if tag == "meta" and any(k == "http-equiv" for k, _ in attrs) and not any(
            k == "data-mentoring-site" for k, _ in attrs
        ):
            self.findings.append((*where, "a <meta http-equiv> element"))
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append((*where, f"an event handler ({name}) on <{tag}>"))
            elif name in URL_ATTRIBUTES and value and url_scheme(value) in SCRIPT_SCHEMES - (
                {"data"} if tag == "img" else set()
            ):
                self.findings.append((*where, f"a {url_scheme(value)}: URL in <{tag} {name}>"))
        if tag == "script":
            self._script = _Script(*where, dict(attrs))
            self.scripts.append(self._script)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None


def _theme_part(page: str) -> Theme:
    theme = Theme()
    theme.feed(page)
    theme.close()
    return theme


def _inline(script: _Script) -> bool:
    kind = (script.attrs.get("type") or "").strip().lower()
    return script.attrs.get("src") is None and kind in EXECUTABLE_TYPES


def reference_scripts(error_page: str) -> set[str]:
    """The theme's inline scripts, as its error page has them (no page content is on it)."""
    return {normalised(s.text) for s in _theme_part(error_page).scripts if _inline(s)}


# --- one page -------------------------------------------------------------------------------

@dataclass
class Secured:
    html: str
    problems: list[Problem]


def secure_page(page: str, name: str, marker: str, reference: set[str], *, content: bool = True) -> Secured:
    """Sanitise a page's content, check the theme's part, and fill in its policy.

    `content=False` for the theme's error page, which has no content block of ours.
    """
    problems: list[Problem] = []

    def problem(line: int, column: int, message: str) -> None:
        problems.append(Problem(name, line, column, "", message))

    start, end = content_start(marker), content_end(marker)
    starts, ends = page.count(start), page.count(end)
    if content:
        if (starts, ends) != (1, 1) or page.index(start) > page.index(end):
            problem(1, 1, f"the page's content markers are missing or repeated ({starts} start, {ends} end): "
                          "its template does not show content through the content block of the theme override "
                          "(templates/theme/main.html), so it cannot be checked; it is not published")
            return Secured(page, problems)
        head, rest = page.split(start, 1)
        body, tail = rest.split(end, 1)
        # The theme's part alone, with the content's lines kept as blank lines so that the
        # positions reported are those of the built page.
        theme_html = head + "\n" * body.count("\n") + tail
        page = head + sanitise(body) + tail
    elif starts or ends:
        problem(1, 1, "the error page carries content markers; it is not published")
        return Secured(page, problems)
    else:
        theme_html = page

    tag = placeholder(marker)
    if page.count(tag) != 1:
        problem(1, 1, f"the page has {page.count(tag)} Content-Security-Policy placeholders, not 1: "
                      "its template does not extend the theme override (templates/theme/main.html, whose "
                      "site_meta block prints it); it is not published")
        return Secured(page, problems)

    theme = _theme_part(theme_html)
    for line, column, what in theme.findings:
        problem(line, column, f"{what} outside the page content, where only the theme writes: "
                              "content got past the theme's escaping; it is not published")
    hashes = []
    for script in theme.scripts:
        src = script.attrs.get("src")
        if src is not None:
            if url_scheme(src) or src.strip().startswith("//"):
                problem(script.line, script.column, f"a script from another site ({src!r}); it is not published")
        elif _inline(script):
            if normalised(script.text) not in reference:
                problem(script.line, script.column,
                        "an inline script the theme's error page does not have, outside the page content: "
                        "content got past the theme's escaping; it is not published")
            hashes.append(script_hash(script.text))
    secured = page.replace(tag, f'<meta http-equiv="Content-Security-Policy" content="{policy(hashes)}">')
    return Secured(secured, problems)


# --- the search index -------------------------------------------------------------------------

def secure_search_index(text: str) -> str:
    """The theme shows an index entry's title and text as HTML: sanitise both."""
    index = json.loads(text)
    for doc in [*index.get("docs", []), *index.get("items", [])]:
        for key in ("title", "text"):
            if isinstance(doc.get(key), str):
                doc[key] = sanitise(doc[key])
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))


# --- a whole site folder ------------------------------------------------------------------------

def _files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.is_file() or p.is_symlink())


def secure_site(site: Path, marker: str, languages: Iterable[str] = ()) -> dict[str, float | int]:
    """Secure every page of a built site in place; raise ProgramError (nothing written) if any
    page cannot be made safe. `languages`: the folders of the site that hold another language's
    site (an export's, built by another engine), each with its own search index and error page."""
    problems: list[Problem] = []
    pages: dict[Path, str] = {}
    for path in _files(site):
        rel = path.relative_to(site).as_posix()
        if path.is_symlink():
            problems.append(Problem(rel, 1, 1, "", "is a symbolic link; a site page must be a file"))
            continue
        pages[path] = path.read_text(encoding="utf-8")
    error_page = site / ERROR_PAGE
    error_pages = {error_page} | {site / code / ERROR_PAGE for code in languages}
    if error_page in pages:
        reference = reference_scripts(pages[error_page])
    else:  # another theme without an error page: the scripts every page has are the theme's
        sets = [{normalised(s.text) for s in _theme_part(p).scripts if _inline(s)} for p in pages.values()]
        reference = set.intersection(*sets) if sets else set()
    secured: dict[Path, str] = {}
    for path, text in pages.items():
        rel = path.relative_to(site).as_posix()
        result = secure_page(text, rel, marker, reference, content=path not in error_pages)
        problems += result.problems
        secured[path] = result.html
    indexes: dict[Path, str] = {}
    for name in [*SEARCH_INDEXES, *(f"{code}/{index}" for code in languages for index in SEARCH_INDEXES)]:
        index = site / name
        if index.is_symlink():
            problems.append(Problem(name, 1, 1, "", "is a symbolic link; a site file must be a file"))
        elif index.is_file():
            indexes[index] = secure_search_index(index.read_text(encoding="utf-8"))
    if problems:
        raise ProgramError(problems)
    for path, text in secured.items():
        path.write_text(text, encoding="utf-8", newline="")
    for index, text in indexes.items():
        index.write_text(text, encoding="utf-8")
    return {"pages": len(secured)}


def secure_export(site: Path, config_file: Path | None = None) -> dict[str, float | int]:
    """`mentoring-site secure`: secure a site another engine built from `mentoring-site export`.

    The marker is in the export's mkdocs.yml (by default the one beside the site folder).
    """
    import yaml

    from .publish import UsageError

    config_file = config_file or site.parent / "mkdocs.yml"
    if not site.is_dir() or site.is_symlink():
        raise UsageError(f"{site} is not a site folder")
    try:
        config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read {config_file}: {exc}; give the export's mkdocs.yml with --config") from None
    marker = (config.get("extra") or {}).get(MARKER_KEY) if isinstance(config, dict) else None
    if not isinstance(marker, str) or not re.fullmatch(r"[0-9a-f]{32}", marker):
        raise UsageError(f"{config_file} has no extra.{MARKER_KEY}: it is not the mkdocs.yml of a "
                         "mentoring-site export")
    if not (site / "index.html").is_file():
        raise UsageError(f"{site} has no index.html: build the export first (mkdocs build, zensical build)")
    if content_start(marker) not in (site / "index.html").read_text(encoding="utf-8"):
        raise UsageError(f"{site} is already secured, or was not built from {config_file}")
    # A program in several languages: the others' sites are in the folders its switcher names.
    alternate = (config.get("extra") or {}).get("alternate") or []
    languages = [a["folder"].strip("/") for a in alternate if isinstance(a, dict)
                 and isinstance(a.get("folder"), str) and re.fullmatch(r"[A-Za-z0-9-]+/", a["folder"])]
    unbuilt = [code for code in languages if not (site / code / "index.html").is_file()]
    if unbuilt:  # secured as it is, its switcher would lead to pages that are not there
        from .multilingual import export_config_file

        configs = [export_config_file(code) for code in unbuilt]
        folders = " and ".join(f"{code}/" for code in unbuilt) + (" sites" if len(unbuilt) > 1 else " site")
        raise UsageError(f"{site} has no {folders}, which its language switcher links to: build "
                         f"{' and '.join(configs)} too (mkdocs build -f {configs[0]}), then secure the whole site")
    return secure_site(site, marker, languages)
