"""axe-core on the built sites, in light and dark: no serious or critical violation.

The default handbook is checked page by page. The examples and a program whose colours only
just pass our contrast check are checked on one page of each kind (the templates are the same;
what changes is colour), to show that any colours the configuration accepts stay readable.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from mentoring_site.cli import main
from tests.browser import Watch, serve, site_pages
from tests.conftest import REPO

# One page of each kind the templates make.
KINDS = [
    "", "roles/", "mentors/", "mentors/open-doors/", "mentees/appreciate/", "meetings/",
    "worksheets/", "worksheets/goals/", "worksheets/agreement/", "program-managers/",
]
BORDERLINE = '  primary_color: "#767676"\n  accent_color: "#767676"\n'  # 4.54:1 on white


def build(tmp: Path, source: Path, extra_branding: str = "") -> Path:
    root = tmp / source.name
    root.mkdir()
    for name in ("content", "worksheets", "assets", "templates"):
        if (source / name).is_dir() and not (source == REPO and name == "templates"):
            shutil.copytree(source / name, root / name)
    if extra_branding:
        yml = root / "content/program.yml"
        text = yml.read_text(encoding="utf-8")
        head, tail = text.split("branding:\n", 1)
        tail = "\n".join(l for l in tail.split("\n") if "_color:" not in l)
        yml.write_text(head + "branding:\n" + extra_branding + tail, encoding="utf-8")
    # The printed handbook is tested in test_booklet.py; only the default program's (from the
    # test cache) is built here, so that its home page is checked as users get it.
    booklet = [] if source == REPO and not extra_branding else ["--no-booklet"]
    assert main(["build", str(root), "-q", *booklet]) == 0
    return root / "site"


def serious(browser: Any, site: Path, pages: list[str]) -> tuple[list[str], int]:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: list[str] = []
    checked = 0
    with serve(site) as base:
        for scheme in ("light", "dark"):
            watch = Watch(base)
            context = browser.new_context(base_url=base, color_scheme=scheme)
            watch.attach(context)
            page = context.new_page()
            for path in pages:
                page.goto(path)
                expected = "slate" if scheme == "dark" else "default"
                assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
                for v in axe.run(page).response["violations"]:
                    if v["impact"] in ("serious", "critical"):
                        example = v["nodes"][0]
                        found.append(f"{scheme} /{path}: {v['id']} ({v['impact']}, {len(v['nodes'])}x) "
                                     f"e.g. {example['target']}: {example.get('failureSummary', '')}")
                checked += 1
            context.close()
            assert watch.foreign == [] and watch.errors == []
    return found, checked


def test_default_handbook_every_page(browser: Any, tmp_path: Path) -> None:
    site = build(tmp_path, REPO)
    pages = site_pages(site)
    found, checked = serious(browser, site, pages)
    assert checked == 2 * len(pages) >= 60
    assert found == []


@pytest.mark.parametrize(
    ("source", "branding"),
    [
        pytest.param(REPO / "examples/university-research", "", id="university-research"),
        pytest.param(REPO / "examples/engineering-apprenticeship", "", id="engineering-apprenticeship"),
        pytest.param(REPO, BORDERLINE, id="borderline-colours"),
    ],
)
def test_other_colours_every_page_kind(browser: Any, tmp_path: Path, source: Path, branding: str) -> None:
    site = build(tmp_path, source, branding)
    if branding:
        assert "#767676" in (site / "assets/mentoring.css").read_text()
    pages = [p for p in KINDS if (site / p / "index.html").is_file()]
    assert len(pages) == len(KINDS)
    found, _ = serious(browser, site, pages)
    assert found == []
