"""No built page runs script: the classes of stored XSS from issue 9, table-driven.

Each payload gets past the Markdown-level pass (sanitise.py) into the HTML the engine produces;
the HTML safety stage (htmlsafety.py) must remove it before the site is published. The built
pages are checked by parsing them, not by searching their text: no event-handler attribute, no
script element but the theme's, no script URL once whitespace and control characters are gone.
"""

from __future__ import annotations

import html.parser
import json
import re
import shutil
from pathlib import Path

import pytest

from mentoring_site import htmlsafety
from mentoring_site.cli import main
from tests.conftest import FIXTURES

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
    # The theme shows search results as HTML
    for doc in json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]:
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
