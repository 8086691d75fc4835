"""A site in several languages in a real browser (issue 13): the switcher leads to the same page
in the other language, served from a subfolder, and each language's search finds its own words
only. The three-language program of test_multilingual.py, built without site.url."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from mentoring_site.cli import main
from tests.browser import Watch, serve
from tests.test_multilingual import three_languages


@pytest.fixture(scope="module")
def served_from_a_subfolder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site, in a folder `handbook/` of what the web server serves (as on GitHub Pages)."""
    root = three_languages(tmp_path_factory.mktemp("languages") / "small")
    assert main(["build", str(root), "-q", "--site-dir", str(root.parent / "www/handbook")]) == 0
    return root.parent / "www"


@pytest.fixture
def context(served_from_a_subfolder: Path, browser: Any) -> Iterator[Any]:
    with serve(served_from_a_subfolder) as base:
        watch = Watch(base)
        context = browser.new_context(base_url=base, color_scheme="light", viewport={"width": 1280, "height": 900})
        watch.attach(context)
        yield context
        context.close()
    assert watch.foreign == [], "requests to other hosts"
    assert watch.errors == [], "console errors"


@pytest.mark.parametrize(("start", "language", "twin"), [
    ("handbook/mentors/say-hello/", "Español", "/handbook/es/mentors/say-hello/"),
    ("handbook/es/mentors/say-hello/", "Español (México)", "/handbook/es-MX/mentors/say-hello/"),
    ("handbook/es-MX/worksheets/plan/", "English", "/handbook/worksheets/plan/"),
])
def test_the_switcher_leads_to_the_twin_page(context: Any, start: str, language: str, twin: str) -> None:
    page = context.new_page()
    page.goto(start)
    page.locator(".md-select button").hover()  # the theme opens the list on hover or focus
    page.locator(".md-select").get_by_role("link", name=language, exact=True).click()
    page.wait_for_url(f"**{twin}")
    assert urlsplit(page.url).path == twin
    assert page.locator("h1").first.inner_text().strip()


def search(page: Any, word: str) -> tuple[str, set[str]]:
    """What the search box says after `word` is typed, and the pages it lists."""
    page.locator("input.md-search__input").click()
    meta = page.locator(".md-search-result__meta")
    # The index loads in a worker; typed too early, a query is lost.
    expect(meta).not_to_contain_text("Initializing")
    expect(meta).not_to_contain_text("Inicializando")
    # The theme searches on each key released: typed key by key, the answer read could be the
    # one for the first letters. All but the last letter go in without a key event, so the one
    # search made is the whole word's.
    page.locator("input.md-search__input").fill(word[:-1])
    page.locator("input.md-search__input").press(word[-1])
    expect(meta).not_to_contain_text("Type to start searching")
    expect(meta).not_to_contain_text("Teclee para comenzar")
    results = page.locator(".md-search-result__item a")
    return meta.inner_text(), {urlsplit(h).path for h in results.evaluate_all("links => links.map(a => a.href)")}


@pytest.mark.parametrize(("start", "word", "said", "found"), [
    ("handbook/es/", "gentileza", "1 documento encontrado", {"/handbook/es/conduct/"}),
    ("handbook/es/", "kindliness", "No se encontraron documentos", set()),  # the English page's word
    ("handbook/", "kindliness", "1 matching document", {"/handbook/conduct/"}),
    ("handbook/", "gentileza", "No matching documents", set()),
])
def test_each_languages_search_finds_its_own_words(context: Any, start: str, word: str, said: str,
                                                   found: set[str]) -> None:
    page = context.new_page()
    page.goto(start)
    meta, pages = search(page, word)
    assert meta == said
    assert pages == found
