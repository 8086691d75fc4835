"""No built page runs script: the classes of stored XSS from issue 9, table-driven.

Each payload gets past the Markdown-level pass (sanitise.py) into the HTML the engine produces;
the HTML safety stage (htmlsafety.py) must remove it before the site is published. The built
pages are checked by parsing them, not by searching their text: no event-handler attribute, no
script element but the theme's, no script URL once whitespace and control characters are gone.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mentoring_site import htmlsafety
from mentoring_site.cli import main
from tests.conftest import FIXTURES, REPO, tree_digest

P = "content/program.yml"
MENTORS = "content/practices/mentors.yml"
SHEET = "worksheets/plan.yml"


def page(name: str, body: str) -> tuple[str, str, str, str]:
    return (f"content/pages/{name}.md", "", f"# {name}\n\n{body}\n", f"{name}/index.html")


def field(file: str, old: str, new: str, built: str) -> tuple[str, str, str, str]:
    return (file, old, new, built)


# (file, text replaced ("" for a new file), replacement, the built page that shows it)
CASES = {
    "code-span-across-lines": page("codespan", "`a\nb` <img src=x onerror=alert(1)> `c`"),
    "email-autolink-shaped-tag": page("autolink", "<details/open/ontoggle=alert(2)//@x>"),
    "scheme-split-behind-quote-marker": page("quoted", "> [quoted](java\n> script:alert(3))"),
    "scheme-split-in-admonition": page("admonished", "!!! note\n    [admonished](java\n    script:alert(4))"),
    "practice-text-code-span": field(
        MENTORS, 'what: "A friendly first conversation."',
        "what: |\n      `a\n      b` <img src=x onerror=alert(5)> `c`", "mentors/say-hello/index.html"),
    "practice-text-split-scheme": field(
        MENTORS, 'why: "Trust grows from small moments."',
        "why: |\n      > [why](java\n      > script:alert(6))", "mentors/say-hello/index.html"),
    "description-autolink-shaped-tag": field(
        P, 'description: "A two-month program used by the test suite."',
        "description: \"<details/open/ontoggle=alert(7)//@x>\"", "index.html"),
    "worksheet-intro-split-scheme": field(
        SHEET, 'intro: "Fill this in before you meet your [[mentor]]."',
        "intro: \"> [intro](java\\n> script:alert(8))\"", "worksheets/plan/index.html"),
    "worksheet-purpose-code-span": field(
        SHEET, 'purpose: "Plan one meeting."',
        "purpose: \"`a\\nb` <img src=x onerror=alert(9)> `c`\"", "worksheets/plan/index.html"),
}


class Page(html.parser.HTMLParser):
    """What a page holds that could run script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.handlers: list[str] = []
        self.script_urls: list[str] = []
        self.scripts: list[tuple[str, str]] = []  # (src, inline text) of scripts that run
        self.data: list[str] = []  # <script type="application/json">: read by the theme, never run
        self.policy: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            cleaned = re.sub(r"[\x00-\x20\x7f]", "", value or "").lower()
            if re.match(r"(javascript|vbscript|livescript):", cleaned) or (
                cleaned.startswith("data:") and tag != "img"
            ):
                self.script_urls.append(f"<{tag} {name}={value!r}>")
        if tag == "meta" and dict(attrs).get("http-equiv") == "Content-Security-Policy":
            self.policy.append(dict(attrs).get("content") or "")
        if tag == "script":
            self._script = [dict(attrs).get("src") or "", dict(attrs).get("type") or ""]

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            src, kind, *text = self._script
            if kind == "application/json":
                self.data.append("".join(text))
            else:
                self.scripts.append((src, "".join(text)))
            self._script = None


def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def hostile_program(target: Path) -> Path:
    shutil.copytree(FIXTURES / "small", target)
    for file, old, new, _ in CASES.values():
        path = target / file
        if old:
            text = path.read_text(encoding="utf-8")
            assert old in text, old
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(new, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The hostile program built as it is, and built with the safety stage switched off."""
    out = {}
    root = hostile_program(tmp_path_factory.mktemp("hostile") / "program")
    assert main(["build", str(root), "-q"]) == 0
    out["secured"] = root / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(htmlsafety, "secure_site", lambda site, marker: {})
        assert main(["build", str(root), "-q", "--site-dir", str(root / "unsecured")]) == 0
    out["unsecured"] = root / "unsecured"
    return out


def scripts(found: Page) -> set[tuple[str, str]]:
    """A page's scripts, the same on every page: file paths from the site root, inline scripts
    with the site's base (which depends on the page's depth) taken out."""
    return {(re.sub(r"^(\.\./|\./|/)+", "", src), "") if src else ("", htmlsafety.normalised(text))
            for src, text in found.scripts}


def theme_scripts(site: Path) -> set[tuple[str, str]]:
    """The theme's own scripts: those its error page has."""
    return scripts(parse(site / "404.html"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_payload_would_run_without_the_safety_stage(sites: dict[str, Path], case: str) -> None:
    """The payloads are real: past the Markdown pass, the engine turns each into script."""
    _, _, new, built = CASES[case]
    call = re.search(r"alert\(\d+\)", new).group(0)  # type: ignore[union-attr]
    found = parse(sites["unsecured"] / built)
    assert [x for x in found.handlers + found.script_urls if call in re.sub(r"\s", "", x)], case


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_built_page_runs_script(sites: dict[str, Path], case: str) -> None:
    site = sites["secured"]
    found = parse(site / CASES[case][3])
    assert found.handlers == []
    assert found.script_urls == []
    allowed = theme_scripts(site)
    assert scripts(found) <= allowed
    assert len(found.policy) == 1


def test_every_page_of_the_hostile_site_is_clean(sites: dict[str, Path]) -> None:
    site = sites["secured"]
    allowed = theme_scripts(site)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 14
    for path in pages:
        found = parse(path)
        where = path.relative_to(site).as_posix()
        assert (found.handlers, found.script_urls) == ([], []), where
        assert scripts(found) <= allowed, where
        assert "mentoring-site-content" not in path.read_text(encoding="utf-8"), where
    assert_search_index_is_clean(site)


def assert_search_index_is_clean(site: Path) -> None:
    """The theme shows search results as HTML."""
    docs = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    assert len(docs) > 10
    for doc in docs:
        for text in (doc["title"], doc["text"]):
            found = Page()
            found.feed(text)
            assert (found.handlers, found.script_urls, found.scripts) == ([], [], []), doc["location"]


def test_the_policy_allows_only_the_sites_own_scripts(sites: dict[str, Path]) -> None:
    roles = parse(sites["secured"] / "mentors/say-hello/index.html")
    inline = [text for src, text in roles.scripts if not src]
    hashes = " ".join(f"'sha256-{h}'" for h in sorted(htmlsafety.script_hash(t) for t in inline))
    assert len(inline) == 3  # Material's: scope and storage, palette, tabbed content
    assert roles.policy == [
        "default-src 'self'; "
        f"script-src 'self' {hashes}; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "worker-src 'self'; frame-src 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"
    ]


# --- fail closed: a page the stage cannot check is not published -------------------------------

MARK = "0123456789abcdef0123456789abcdef"
THEME_SCRIPT = '<script>__md_scope=new URL("..",location)</script>'


def built_page(content: str, *, head: str = "", start: int = 1, end: int = 1, csp: int = 1) -> str:
    return (
        "<!doctype html>\n<html><head>" + htmlsafety.placeholder(MARK) * csp + head + THEME_SCRIPT + "</head>\n"
        "<body><article>" + htmlsafety.content_start(MARK) * start + content + htmlsafety.content_end(MARK) * end
        + "</article></body></html>\n"
    )


REFERENCE = {htmlsafety.normalised('__md_scope=new URL("/",location)')}
SECURE_PAGE = [
    pytest.param(built_page("<p>hi</p>", start=0), [
        "x/index.html:1:1: the page's content markers are missing or repeated (0 start, 1 end): its template does "
        "not show content through the content block of the theme override (templates/theme/main.html), so it "
        "cannot be checked; it is not published"],
        id="start-marker-missing"),
    pytest.param(built_page("<p>hi</p>", start=2), [
        "x/index.html:1:1: the page's content markers are missing or repeated (2 start, 1 end): its template does "
        "not show content through the content block of the theme override (templates/theme/main.html), so it "
        "cannot be checked; it is not published"],
        id="start-marker-twice"),
    pytest.param(built_page("<p>hi</p>", csp=0), [
        "x/index.html:1:1: the page has 0 Content-Security-Policy placeholders, not 1: its template does not "
        "extend the theme override (templates/theme/main.html, whose site_meta block prints it); it is not "
        "published"], id="policy-placeholder-missing"),
    pytest.param(built_page("<p>hi</p>", head='\n<meta name="description" content="x" onmouseover="alert(1)">'), [
        "x/index.html:3:1: an event handler (onmouseover) on <meta> outside the page content, where only the "
        "theme writes: content got past the theme's escaping; it is not published"], id="handler-in-theme-part"),
    pytest.param(built_page("<p>hi</p>", head="\n<title></title><script>alert(1)</script>"), [
        "x/index.html:3:16: an inline script the theme's error page does not have, outside the page content: "
        "content got past the theme's escaping; it is not published"], id="script-in-theme-part"),
    pytest.param(built_page("<p>hi</p>", head='\n<script src="https://cdn.example/x.js"></script>'), [
        "x/index.html:3:1: a script from another site ('https://cdn.example/x.js'); it is not published"],
        id="remote-script"),
    pytest.param(built_page("<p>hi</p>", head='\n<link rel="x" href=" java\tscript:alert(1)">'), [
        "x/index.html:3:1: a javascript: URL in <link href> outside the page content, where only the theme "
        "writes: content got past the theme's escaping; it is not published"], id="script-url-in-theme-part"),
]


@pytest.mark.parametrize(("built", "expected"), SECURE_PAGE)
def test_a_page_that_cannot_be_checked_is_refused(built: str, expected: list[str]) -> None:
    assert [str(p) for p in htmlsafety.secure_page(built, "x/index.html", MARK, REFERENCE).problems] == expected


def test_content_is_sanitised_and_the_policy_filled_in() -> None:
    content = ('<p onclick="alert(1)">Hi <a href="java&#10;script:alert(2)">x</a><img src="data:image/svg+xml,'
               '<svg onload=alert(3)>"><iframe src="/"></iframe><input type="image" src="/x" id="__config">'
               '<input type="radio" name="__tabbed_1" id="__tabbed_1_1"><label for="__search">s</label></p>')
    secured = htmlsafety.secure_page(built_page(content), "x/index.html", MARK, REFERENCE)
    assert secured.problems == []
    digest = htmlsafety.script_hash('__md_scope=new URL("..",location)')
    assert secured.html == (
        '<!doctype html>\n<html><head><meta http-equiv="Content-Security-Policy" content="'
        + htmlsafety.policy([digest]) + '">' + THEME_SCRIPT + "</head>\n"
        '<body><article><p>Hi <a>x</a><img><input type="text">'
        '<input type="radio" name="__tabbed_1" id="__tabbed_1_1"><label>s</label></p></article></body></html>\n'
    )


# --- SVG: parsed and allow-listed by namespace --------------------------------------------------

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
SVG_REFUSED = [
    pytest.param(f'<svg {SVG_NS}>\n  <x:script xmlns:x="http://www.w3.org/2000/svg">alert(1)</x:script>\n</svg>'
                 .encode(), "2:3: <script> is not allowed: an SVG here may hold shapes, text, gradients, filters "
                 "and styles, but no script, links, animation or embedded documents", id="namespaced-script"),
    pytest.param(f'<svg {SVG_NS}>\n<rect width="1" height="1" onclick="alert(1)"/></svg>'.encode("utf-16"),
                 "2:1: attribute onclick on <rect> is not allowed (no event handlers or unknown attributes)",
                 id="utf-16-handler"),
    pytest.param(f'<svg {SVG_NS}><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></svg>'
                 .encode(), "1:41: <script> (namespace http://www.w3.org/1999/xhtml) is not allowed: only SVG "
                 "elements and editor metadata are", id="xhtml-script"),
    pytest.param(f'<svg {SVG_NS}><set attributeName="fill" to="red"/></svg>'.encode(),
                 "1:41: <set> is not allowed: an SVG here may hold shapes, text, gradients, filters and styles, "
                 "but no script, links, animation or embedded documents", id="animation"),
    pytest.param(f'<!DOCTYPE svg [<!ENTITY e "x">]><svg {SVG_NS}>&e;</svg>'.encode(),
                 "1:1: declares a DTD or entities (DTDForbidden); save the SVG without them", id="entity"),
    pytest.param(f'<svg {SVG_NS}><style>rect {{ fill: url("https://x.example/p.svg#a") }}</style></svg>'.encode(),
                 "1:41: the style element of <style> refers to 'https://x.example/p.svg#a'; only parts of the "
                 "same file (url(#id)) are allowed", id="style-fetch"),
    pytest.param(f'<svg {SVG_NS}><g id="a"><rect width="1" height="1"/></g><g id="b"><use href="#a"/></g>'
                 '<use href="#b"/></svg>'.encode(),
                 "1:113: <use> repeats '#b', which holds a <use> itself (at line 1); nested repeats multiply, so "
                 "save the SVG with the shapes written out", id="nested-use"),
]


@pytest.mark.parametrize(("svg", "expected"), SVG_REFUSED)
def test_an_svg_beside_the_pages_that_is_more_than_a_picture_is_refused(
    small: Path, capsys: pytest.CaptureFixture[str], svg: bytes, expected: str
) -> None:
    (small / "content/pages/picture.svg").write_bytes(svg)
    assert main(["validate", str(small)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"content/pages/picture.svg:{expected}", "1 problem found; nothing was changed."]


def test_a_use_bomb_logo_is_refused_at_once(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The 1.9 KB logo of nested <use> elements that kept WeasyPrint busy for minutes."""
    levels = "".join(f'<g id="l{i}">' + f'<use href="#l{i - 1}"/>' * 10 + "</g>" for i in range(1, 8))
    bomb = f'<svg {SVG_NS}><defs><g id="l0"><rect width="1" height="1"/></g>{levels}</defs><use href="#l7"/></svg>'
    (small / "assets").mkdir()
    (small / "assets/logo.svg").write_text(bomb, encoding="utf-8")
    with (small / P).open("a", encoding="utf-8") as f:
        f.write("branding:\n  logo: assets/logo.svg\n")
    assert main(["build", str(small)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{P}:24:9: branding.logo: 'assets/logo.svg', line 1, column 1279: more than 64 <use> elements; repeats "
        "multiply the work of drawing the picture, so save it with the shapes written out",
        "1 problem found; nothing was changed."]
    assert not (small / "site").exists()


def test_an_svg_that_is_a_picture_is_published_as_it_is(small: Path) -> None:
    svg = (f'<svg {SVG_NS} xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:version="1.3" '
           'viewBox="0 0 4 4"><defs><linearGradient id="g"><stop offset="0" stop-color="#123"/></linearGradient>'
           '<g id="dot"><circle cx="1" cy="1" r="1"/></g></defs><use href="#dot" fill="url(#g)"/>'
           '<text x="0" y="4" style="font-size:2px">Hi</text></svg>').encode()
    (small / "content/pages/picture.svg").write_bytes(svg)
    (small / "content/pages/extra.md").write_text("# Extra\n\n![A picture](picture.svg)\n", encoding="utf-8")
    assert main(["build", str(small), "-q"]) == 0
    assert (small / "site/picture.svg").read_bytes() == svg


def test_the_mkdocs_plugin_secures_every_page_too(tmp_path: Path) -> None:
    root = hostile_program(tmp_path / "program")
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    # MkDocs publishes every file in docs_dir (content/pages); only the files the core checked may be
    (root / "content/pages/evil.html").write_text("<script>alert(10)</script>", encoding="utf-8")
    (root / "content/pages/evil.js").write_text("alert(11)", encoding="utf-8")
    (root / "content/pages/picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=root,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    site = root / "site"
    allowed = theme_scripts(site)
    for _, _, _, built in CASES.values():
        found = parse(site / built)
        assert (found.handlers, found.script_urls, len(found.policy)) == ([], [], 1), built
        assert scripts(found) <= allowed, built
    assert_search_index_is_clean(site)
    assert not (site / "evil.html").exists() and not (site / "evil.js").exists()
    assert (site / "picture.png").is_file()


def test_a_theme_override_without_the_content_block_publishes_nothing(
    small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = small / "site"
    site.mkdir()
    (site / ".mentoring-site-output").write_text("")
    (site / "index.html").write_text("the previous site")
    before = tree_digest(site)
    (small / "templates/theme").mkdir(parents=True)
    (small / "templates/theme/main.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")
    assert main(["build", str(small)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == ("404.html:1:1: the page has 0 Content-Security-Policy placeholders, not 1: its template does "
                      "not extend the theme override (templates/theme/main.html, whose site_meta block prints it); "
                      "it is not published")
    assert ("extra/index.html:1:1: the page's content markers are missing or repeated (0 start, 0 end): "
                      "its template does not show content through the content block of the theme override "
                      "(templates/theme/main.html), so it cannot be checked; it is not published") in err
    assert len([line for line in err if "content markers are missing" in line]) == len(err) - 2  # but 404, summary
    assert err[-1] == f"{len(err) - 1} problems found; nothing was changed."
    assert tree_digest(site) == before


def test_an_export_built_by_another_engine_and_secured_runs_no_script(tmp_path: Path) -> None:
    root = hostile_program(tmp_path / "program")
    out = tmp_path / "export"
    assert main(["export", str(root), str(out), "-q"]) == 0
    zensical = Path(sys.executable).parent / "zensical"
    result = subprocess.run([str(zensical), "build", "-f", "mkdocs.yml"], cwd=out, capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr[-2000:]
    site = out / "site"
    unsecured = {built: parse(site / built) for _, _, _, built in CASES.values()}
    assert any(found.handlers or found.script_urls for found in unsecured.values())
    assert main(["secure", str(site), "-q"]) == 0
    allowed = theme_scripts(site)
    for built in unsecured:
        found = parse(site / built)
        assert (found.handlers, found.script_urls, len(found.policy)) == ([], [], 1), built
        assert scripts(found) <= allowed, built
