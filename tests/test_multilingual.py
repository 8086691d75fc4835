"""The site in every language (issue 13): one site per language, the default at the top and the
others under <code>/, a switcher leading to the same page in each, one 404 page, fallback marks,
the export and the plugin. A small program in three languages (en, es, es-MX) where Spanish has a
page of its own and Mexican Spanish nothing of its own (its messages fall back to Spanish's, its
texts to English): every exact figure below comes from it."""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from mentoring_site import multilingual
from mentoring_site.cli import main
from tests.conftest import FIXTURES, REPO

ENGLISH = "Kindliness is expected at every meeting of the program.\n"
SPANISH = "Se espera gentileza en cada encuentro del programa.\n"
URL = "https://example.org/handbook/"


def three_languages(target: Path) -> Path:
    """The small program in English (default), Spanish and Mexican Spanish; the code of conduct
    page has its own words in English and Spanish, and none in Mexican Spanish."""
    shutil.copytree(FIXTURES / "small", target)
    program = target / "content/program.yml"
    program.write_text(program.read_text(encoding="utf-8").replace(
        "program:\n", "program:\n  languages: [en, es, es-MX]\n", 1), encoding="utf-8")
    pages = target / "templates/pages"
    pages.mkdir(parents=True)
    (pages / "conduct.md.j2").write_text("# Code of conduct\n\n" + ENGLISH, encoding="utf-8")
    (pages / "conduct.es.md.j2").write_text("# Código de conducta\n\n" + SPANISH, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-language program, built once (with a public address, for the sitemaps)."""
    root = three_languages(tmp_path_factory.mktemp("languages") / "small")
    assert main(["build", str(root), "-q", "--site-url", URL]) == 0
    return root / "site"


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def test_each_language_is_a_whole_site_in_its_folder(site: Path) -> None:
    pages = lambda folder: sorted(  # noqa: E731
        p.relative_to(folder).as_posix() for p in folder.rglob("index.html")
        if not p.relative_to(folder).as_posix().startswith(("es/", "es-MX/"))
    )
    top = pages(site)
    assert len(top) == 23
    assert pages(site / "es") == top and pages(site / "es-MX") == top
    for folder in ("", "es/", "es-MX/"):
        assert (site / f"{folder}worksheets/plan-a4.pdf").read_bytes().startswith(b"%PDF-")
        assert (site / f"{folder}meetings.ics").is_file()
        assert (site / f"{folder}assets/mentoring.css").is_file()
    # One 404 page, at the top, for every language.
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("404.html")) == ["404.html"]
    assert [lang for lang in re.findall(r'<div lang="([^"]+)">', read(site, "404.html"))] == ["en", "es", "es-MX"]


@pytest.mark.parametrize(("folder", "language", "search"), [("", "en", ["en"]), ("es/", "es", ["es"]),
                                                             ("es-MX/", "es-MX", ["es"])])
def test_each_language_has_its_theme_language_search_index_and_sitemap(
    site: Path, folder: str, language: str, search: list[str]
) -> None:
    for page in ("index.html", "mentors/say-hello/index.html", "conduct/index.html"):
        assert re.search(r"<html lang=\"([^\"]+)\"", read(site, folder + page))[1] == language  # type: ignore[index]
    index = json.loads(read(site, f"{folder}search/search_index.json"))
    assert index["config"]["lang"] == search
    assert {doc["location"] for doc in index["docs"]} >= {"", "conduct/", "mentors/say-hello/"}
    sitemap = read(site, f"{folder}sitemap.xml")
    assert f"<loc>{URL}{folder}mentors/say-hello/</loc>" in sitemap
    assert sitemap.count("<loc>") == 23


def switcher(page: str) -> list[tuple[str, str, str]]:
    """(href, hreflang, name) of each link of the language switcher on a page."""
    return re.findall(r'<a href="([^"]*)" hreflang="([^"]*)" lang="[^"]*" class="md-select__link"[^>]*>\s*(.*?)\s*</a>',
                      page)


@pytest.mark.parametrize(("page", "links"), [
    ("index.html", [("./", "en", "English"), ("./es/", "es", "Español"), ("./es-MX/", "es-MX", "Español (México)")]),
    ("mentors/say-hello/index.html",
     [("../../mentors/say-hello/", "en", "English"), ("../../es/mentors/say-hello/", "es", "Español"),
      ("../../es-MX/mentors/say-hello/", "es-MX", "Español (México)")]),
    ("es/index.html",
     [("./../", "en", "English"), ("./", "es", "Español"), ("./../es-MX/", "es-MX", "Español (México)")]),
    ("es/mentors/say-hello/index.html",
     [("../../../mentors/say-hello/", "en", "English"), ("../../mentors/say-hello/", "es", "Español"),
      ("../../../es-MX/mentors/say-hello/", "es-MX", "Español (México)")]),
    ("es-MX/worksheets/plan/index.html",
     [("../../../worksheets/plan/", "en", "English"), ("../../../es/worksheets/plan/", "es", "Español"),
      ("../../worksheets/plan/", "es-MX", "Español (México)")]),
    # the 404 page, shown at any address: each language's home (from site.url, which this site has)
    ("404.html", [("/handbook/", "en", "English"), ("/handbook/es/", "es", "Español"),
                  ("/handbook/es-MX/", "es-MX", "Español (México)")]),
])
def test_the_switcher_leads_to_the_same_page_in_each_language(site: Path, page: str, links: list[Any]) -> None:
    html = read(site, page)
    assert switcher(html) == links
    for href, _, _ in links:  # each leads to a page of the site
        target = site / href.removeprefix("/handbook/") if href.startswith("/") else (site / page).parent / href
        assert (target / "index.html").is_file(), href
    assert html.count('aria-current="page"') == 1


def test_the_switcher_leads_home_where_a_language_lacks_the_page() -> None:
    def edition(code: str, pages: list[str]) -> Any:
        program = SimpleNamespace(language=code, default_language="en")
        return SimpleNamespace(program=program, files={p: "" for p in pages}, config={})

    en = edition("en", ["index.md", "faq.md", "about.md"])
    es = edition("es", ["index.md", "about.md"])
    multilingual.link([en, es])
    assert en.config["extra"]["alternate"] == [
        {"name": "English", "link": "index.html", "lang": "en", "folder": "", "missing": {}},
        {"name": "Español", "link": "es/index.html", "lang": "es", "folder": "es/", "missing": {"faq/": True}},
    ]
    assert es.config["extra"]["alternate"][0] == {
        "name": "English", "link": "../index.html", "lang": "en", "folder": "../", "missing": {}}


@pytest.mark.parametrize(("page", "marked"), [
    ("conduct/index.html", False),  # English, the default language
    ("es/conduct/index.html", False),  # its own Spanish page
    ("es-MX/conduct/index.html", True),  # no page of its own: the English one, marked
    ("es/extra/index.html", True),  # content/pages/extra.md has no Spanish version
    ("es/mentors/say-hello/index.html", True),  # nor the practices
    ("es/worksheets/plan/index.html", True),
])
def test_text_in_the_default_language_is_marked_with_its_lang(site: Path, page: str, marked: bool) -> None:
    html = read(site, page)
    assert html.count('<div lang="en">') == (1 if marked else 0)
    if marked:  # around the page's text, its heading included
        assert re.search(r'<div lang="en">\s*<h1', html)


def test_the_spanish_page_is_the_one_in_spanish(site: Path) -> None:
    assert SPANISH.strip() in read(site, "es/conduct/index.html")
    assert ENGLISH.strip() in read(site, "es-MX/conduct/index.html")
    assert ENGLISH.strip() in read(site, "conduct/index.html")


@pytest.mark.parametrize("page", ["es/note.md", "es.md"])
def test_a_page_of_the_default_language_may_not_use_another_languages_folder(
    tmp_path: Path, capsys: Any, page: str
) -> None:
    root = three_languages(tmp_path / "small")
    (root / "content/pages" / page).parent.mkdir(parents=True, exist_ok=True)
    (root / "content/pages" / page).write_text("# Note\n", encoding="utf-8")
    assert main(["build", str(root), "-q"]) == 2
    assert capsys.readouterr().err == (
        f"content/pages/{page}:1:1: would be published in /es/, where the Español (es) site is; "
        "choose another folder name\n1 problem found; nothing was changed.\n")
    assert not (root / "site").exists()


ENGINES = {
    "mkdocs": lambda config: [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", config],
    "properdocs": lambda config: [str(Path(sys.executable).parent / "properdocs"), "build", "--strict", "-q",
                                  "-f", config],
    "zensical": lambda config: [str(Path(sys.executable).parent / "zensical"), "build", "--strict", "-f", config],
}


def test_export_builds_every_language_with_each_engine(site: Path, tmp_path: Path, capsys) -> None:
    root = site.parent
    out = tmp_path / "out"
    assert main(["export", str(root), str(out), "-q"]) == 0
    assert sorted(p.name for p in out.iterdir() if p.name != ".mentoring-site-output") == [
        "docs", "docs-es", "docs-es-MX", "mkdocs.es-MX.yml", "mkdocs.es.yml", "mkdocs.yml", "overrides"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    ours = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html")
    for engine, command in ENGINES.items():
        work = tmp_path / engine
        shutil.copytree(out, work)
        built = work / "site"
        for config in ("mkdocs.yml", "mkdocs.es.yml", "mkdocs.es-MX.yml"):  # the default language's first
            result = subprocess.run(command(config), cwd=work, env=env, capture_output=True, text=True, check=False)
            assert result.returncode == 0, (engine, config, result.stderr[-2000:])
            if config == "mkdocs.yml" and engine == "mkdocs":  # secured before the other languages are built
                assert main(["secure", str(built), "-q"]) == 2
                assert capsys.readouterr().err == (
                    f"error: {built} has no es/ and es-MX/ sites, which its language switcher links to: build "
                    "mkdocs.es.yml and mkdocs.es-MX.yml too (mkdocs build -f mkdocs.es.yml), then secure the "
                    "whole site\n")
        assert sorted(p.relative_to(built).as_posix() for p in built.rglob("*.html")
                      if p.name != "404.html") == ours, engine
        assert switcher(read(built, "es/mentors/say-hello/index.html")) == switcher(
            read(site, "es/mentors/say-hello/index.html")), engine
        assert '<html lang="es-MX"' in read(built, "es-MX/conduct/index.html"), engine
        # `mentoring-site secure` covers every language: its pages, error pages and search indexes
        assert main(["secure", str(built), "-q"]) == 0, engine
        for page in sorted(built.rglob("*.html")):
            text = page.read_text(encoding="utf-8")
            assert text.count('<meta http-equiv="Content-Security-Policy" content="default-src') == 1, page
            assert "mentoring-site-content" not in text, page


def test_the_plugin_builds_every_language(site: Path, tmp_path: Path) -> None:
    root = site.parent
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    out = tmp_path / "out"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
                            cwd=root, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    listing = lambda folder: sorted(  # noqa: E731
        p.relative_to(folder).as_posix() for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith("sitemap.xml")
    )
    # (the site above has a sitemap, from its site.url)
    assert [p for p in listing(out) if p.startswith("es/")] == [p for p in listing(site) if p.startswith("es/")]
    assert switcher(read(out, "es-MX/index.html")) == switcher(read(site, "es-MX/index.html"))


def test_secure_sanitises_each_languages_search_index(tmp_path: Path) -> None:
    from mentoring_site import htmlsafety

    hostile = {"docs": [{"location": "", "title": "<img src=x onerror=alert(1)>Hola", "text": "<b>sí</b>"}]}
    for folder in ("", "es/"):
        (tmp_path / folder / "search").mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "search/search_index.json").write_text(json.dumps(hostile), encoding="utf-8")
    htmlsafety.secure_site(tmp_path, "0" * 32, ["es"])
    for folder in ("", "es/"):
        docs = json.loads(read(tmp_path, f"{folder}search/search_index.json"))["docs"]
        assert docs == [{"location": "", "title": '<img src="x">Hola', "text": "<b>sí</b>"}]


def test_the_default_program_in_each_of_its_languages(default_built: Path) -> None:
    from mentoring_site.program import load_program

    program = load_program(default_built.parent)
    others = program.languages[1:]
    folders = sorted(p.name for p in default_built.iterdir() if p.is_dir() and p.name in {*others, "es"})
    assert folders == sorted(others)
    for code in others:  # every practice's page, in that language where it is translated
        translated = load_program(default_built.parent, language=code)
        for role, practices in translated.practices.items():
            assert len(practices) == 8
            for practice in practices:
                html = read(default_built, f"{code}/{role}/{practice.id}/index.html")
                assert re.search(r"<html lang=\"([^\"]+)\"", html)[1] == code  # type: ignore[index]
                assert practice.title in html_lib.unescape(html)
                assert (f"../../../{role}/{practice.id}/", program.default_language) in [
                    (href, lang) for href, lang, _ in switcher(html)]


@pytest.mark.parametrize(("code", "search"), [
    ("en", "en"), ("es", "es"), ("es-MX", "es"), ("pt-BR", "pt"), ("de", "de"), ("en-GB", "en"),
    ("sw", "en"),  # no stemmer for Swahili: whole words, as in English
])
def test_each_language_searches_with_its_own_stemmer_where_the_theme_has_one(code: str, search: str) -> None:
    from mentoring_site.siteconfig import search_language

    assert search_language(code) == search


def test_build_says_what_it_made_in_each_language(tmp_path: Path, capsys: Any) -> None:
    root = three_languages(tmp_path / "small")
    assert main(["build", str(root), "--no-booklet"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("Worksheets")]
    assert lines == [
        "Loaded 'Tiny Test Program': 4 practices, 1 worksheet, 1 extra page",
        "Loaded 'Tiny Test Program' (es): 4 practices, 1 worksheet, 1 extra page",
        "Loaded 'Tiny Test Program' (es-MX): 4 practices, 1 worksheet, 1 extra page",
        f"Published 69 pages in 3 languages to {root / 'site'}",
    ]


def test_a_mistake_in_another_language_is_found_by_validate_and_build(tmp_path: Path, capsys: Any) -> None:
    root = three_languages(tmp_path / "small")
    (root / "templates/pages/conduct.es.md.j2").write_text("# Código\n\n{{ nothing }}\n", encoding="utf-8")
    expected = ("templates/pages/conduct.es.md.j2:3:1: template error: 'nothing' is undefined\n"
                "1 problem found; nothing was changed.\n")
    for command in ("validate", "build"):
        assert main([command, str(root), "-q"]) == 2, command
        assert capsys.readouterr().err == expected, command
    assert not (root / "site").exists()
