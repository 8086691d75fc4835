"""A rebuild keeps the languages whose input did not change, and publishes every change: a
page, the theme, a message catalog, a worksheet, program.yml, and a hand edit to the site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mentoring_site.build import build
from tests.conftest import FIXTURES, REPO

ALL = ["en", "es", "fr"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-language fixture program, built once; the cases below change it in turn."""
    root = tmp_path_factory.mktemp("rebuild") / "multi"
    shutil.copytree(FIXTURES / "multi", root)
    assert build(root).stats["kept"] == []
    return root


def edit(path: str, old: str, new: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        file = root / path
        text = file.read_text(encoding="utf-8")
        assert old in text, (path, old)
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return change


def own_theme(root: Path) -> None:
    """The program's own main.html: the built-in one with one more attribute on the menu button."""
    text = (REPO / "templates/theme/main.html").read_text(encoding="utf-8")
    target = root / "templates/theme/main.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace('role="button" tabindex="0"', 'role="button" data-edited="theme" tabindex="0"'),
                      encoding="utf-8")


def own_catalog(root: Path) -> None:
    target = root / "templates/messages/es.po"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text('msgid ""\nmsgstr ""\n"Language: es\\n"\n\nmsgid "Worksheets"\nmsgstr "Fichas editadas"\n',
                      encoding="utf-8")


def hand_edit(root: Path) -> None:
    page = root / "site/extra/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("passes through", "was edited by hand"),
                    encoding="utf-8")


def nothing(root: Path) -> None:
    pass


# (what changes, a published file, the text it must show, the languages kept from the last build)
CASES = [
    (nothing, "extra/index.html", "Ordinary text passes through", ALL),
    (edit("content/pages/extra.md", "Ordinary text", "Changed text"), "extra/index.html", "Changed text", ["es"]),
    (hand_edit, "extra/index.html", "Changed text passes through", []),
    (own_theme, "index.html", 'data-edited="theme"', []),
    (edit("templates/pages/conduct.md.j2", "agrees to these points", "agrees to these edited points"),
     "es/conduct/index.html", "agrees to these edited points", []),  # Spanish has no conduct page of its own
    (own_catalog, "es/worksheets/index.html", "Fichas editadas", ["en", "fr"]),
    (edit("worksheets/plan.yml", 'title: "Meeting plan"', 'title: "Meeting planner"'),
     "worksheets/index.html", "Meeting planner", []),  # the untranslated practice pages of es and fr,
    # wholly in English, list the worksheet by its English title
    (edit("content/program.yml", 'organisation: "Test Guild"', 'organisation: "Test Union"'),
     "es/index.html", "Test Union", []),
]


@pytest.mark.parametrize(("change", "published", "shows", "kept"), CASES, ids=lambda c: getattr(c, "__name__", None))
def test_a_rebuild_publishes_each_kind_of_change(
    built: Path, change: Callable[[Path], None], published: str, shows: str, kept: list[str]
) -> None:
    before = {p: p.stat().st_ino for p in (built / "site").rglob("*.html")}
    change(built)
    generated = build(built)
    assert (built / "site" / published).read_text(encoding="utf-8").count(shows) >= 1
    assert generated.stats["kept"] == kept
    if kept == ALL:  # the site was left as it was
        assert {p: p.stat().st_ino for p in (built / "site").rglob("*.html")} == before


KEY_OF_THE_HANDBOOK = """
import sys
from pathlib import Path
from mentoring_site import booklet
from mentoring_site.pages import render_pages
from mentoring_site.program import load_program
program = load_program(Path(sys.argv[1]), language="es")
pages = render_pages(program, booklet_sizes=program.paper_sizes)
print(booklet.inputs_key(program, pages, pages.files))
"""


def test_the_handbooks_key_is_the_same_in_every_process(tmp_path: Path) -> None:
    """The printed handbook is found in the cache by a digest of what it is made from; a set's
    order, which changes from one process to the next, made every new run miss it."""
    root = shutil.copytree(FIXTURES / "multi", tmp_path / "multi")
    keys = {
        subprocess.run([sys.executable, "-c", KEY_OF_THE_HANDBOOK, str(root)], capture_output=True, text=True,
                       check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1, keys
