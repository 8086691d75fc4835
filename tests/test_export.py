"""`mentoring-site export`: plain Markdown, PDFs and a resolved mkdocs.yml that other site
engines publish without any plugin of ours (MkDocs, ProperDocs, Zensical)."""

from __future__ import annotations

import html.parser
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from mentoring_site.cli import main
from mentoring_site.program import load_program
from tests.conftest import copy_default_program

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The default program, exported once: (program folder, export folder)."""
    root = copy_default_program(tmp_path_factory.mktemp("export") / "program")
    out = root.parent / "out"
    assert main(["export", str(root), str(out), "-q"]) == 0
    return root, out


def test_export_needs_no_plugin_of_ours(exported: tuple[Path, Path]) -> None:
    root, out = exported
    config = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["docs_dir"] == "docs"
    assert config["plugins"] == [{"search": {"lang": ["en"]}}]
    assert config["theme"]["name"] == "material"
    docs = out / "docs"
    program = load_program(root)
    for role, practices in program.practices.items():
        for practice in practices:
            page = (docs / role / f"{practice.id}.md").read_text(encoding="utf-8")
            assert page.startswith(f"# {practice.title}\n")
    for sheet in program.worksheets:
        for size in ("a4", "letter"):
            assert (docs / "worksheets" / f"{sheet.id}-{size}.pdf").read_bytes().startswith(b"%PDF-")
    assert (out / "overrides/main.html").is_file()
    assert config["theme"]["custom_dir"] == "overrides"
    assert not (out / "site").exists()


ENGINES = {
    "mkdocs": lambda config: [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config],
    "properdocs": lambda config: [str(BIN / "properdocs"), "build", "--strict", "-f", config],
    "zensical": lambda config: [str(BIN / "zensical"), "build", "--strict", "-f", config],
}


def build_export(engine: str, work: Path) -> subprocess.CompletedProcess[str]:
    """Build an export into work/site with an engine: the default language's mkdocs.yml first
    (it empties site/), then each other language's mkdocs.<code>.yml (into site/<code>/)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    configs = ["mkdocs.yml", *sorted(p.name for p in work.glob("mkdocs.*.yml"))]
    for config in configs:
        result = subprocess.run(ENGINES[engine](config), cwd=work, env=env, capture_output=True, text=True,
                                check=False)
        if result.returncode:
            break
    return result


class Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"] or "")


def links(page: Path) -> list[str]:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.hrefs


def resolve(site: Path, page: Path, href: str) -> Path | None:
    """The file a relative link on `page` leads to, or None for external links and anchors."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = (page.parent / unquote(parts.path)).resolve()
    return target / "index.html" if target.is_dir() or href.endswith("/") else target


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_other_engines_publish_the_export(exported: tuple[Path, Path], tmp_path: Path, engine: str) -> None:
    root, out = exported
    work = tmp_path / "work"
    shutil.copytree(out, work)
    site = work / "site"
    result = build_export(engine, work)
    assert result.returncode == 0, result.stderr[-2000:]

    program = load_program(root)
    for role, practices in program.practices.items():
        for practice in practices:
            page = site / role / practice.id / "index.html"
            assert practice.title in page.read_text(encoding="utf-8"), page
    sheets_page = site / "worksheets" / "index.html"
    pdf_links = {href for href in links(sheets_page) if href.endswith(".pdf")}
    # Two per worksheet, and the printed handbook in both sizes.
    assert len(pdf_links) == 2 * len(program.worksheets) + 2
    assert {"../handbook-a4.pdf", "../handbook-letter.pdf"} <= pdf_links
    # 404.html too, where the engine applies our theme override (its links are relative without
    # site_url); Zensical writes its own 404 page, with links from the server's root.
    pages = sorted(p for p in site.rglob("*.html") if not (engine == "zensical" and p.name == "404.html"))
    broken = []
    for page in pages:
        for href in links(page):
            target = resolve(site, page, href)
            if target is not None and not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {href}")
    assert broken == []
    for href in pdf_links:
        target = resolve(site, sheets_page, href)
        assert target is not None and target.read_bytes().startswith(b"%PDF-")
    assert 'role="dialog" aria-label="Search"' in (site / "index.html").read_text(encoding="utf-8")
    # `mentoring-site secure` gives the engine's output the guarantees of our own build
    assert "mentoring-site-content-start" in (site / "index.html").read_text(encoding="utf-8")
    assert main(["secure", str(site), "-q"]) == 0
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert text.count('<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; ') == 1, page
        assert "mentoring-site-content" not in text and "data-mentoring-site" not in text, page
    stylesheet = (site / "assets" / "mentoring.css").read_text(encoding="utf-8")
    assert "--md-primary-fg-color" in stylesheet


def test_secure_refuses_a_site_twice_and_one_not_from_an_export(
    exported: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, out = exported
    work = tmp_path / "work"
    shutil.copytree(out, work)
    assert build_export("mkdocs", work).returncode == 0
    assert main(["secure", str(work / "site"), "-q"]) == 0
    assert main(["secure", str(work / "site")]) == 2
    assert capsys.readouterr().err == f"error: {work / 'site'} is already secured, or was not built from {work / 'mkdocs.yml'}\n"
    (work / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    assert main(["secure", str(work / "site")]) == 2
    assert capsys.readouterr().err == (
        f"error: {work / 'mkdocs.yml'} has no extra.mentoring_site_marker: it is not the mkdocs.yml of a "
        "mentoring-site export\n")
