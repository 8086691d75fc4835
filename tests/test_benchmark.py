"""The benchmark script runs and prints every figure (it times; this only checks it works)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO

FIGURES = [
    "cold build (empty cache)",
    "rebuild, nothing changed",
    "worksheets, 1 process",
    "one worksheet PDF, layout + forms",
    "forms stage alone, per PDF",
    "pages and config only (no PDFs)",
    "mkdocs build alone, same pages",
    "HTML safety stage, in the rebuild",
]

# The goals of issue 15: (figure, its floor, the goal). The cold build's round (two more cold
# builds of both languages, a minute and a half of CI) is left to the script's own runs.
GOALS = [
    ("no-change build", "mkdocs build, en + es", "1.1"),
    ("one edited practice", "mkdocs build, en + es", "1.2"),
]


def test_benchmark_prints_its_figures() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks/build_times.py"), "--runs", "1", "--cold-runs", "0"],
        capture_output=True, text=True, timeout=900, check=False,
    )
    assert result.returncode == 0, result.stderr
    # The default language's worksheets (plan.yml, not its translation plan.es.yml), in two sizes.
    sheets = len([p for p in (REPO / "worksheets").glob("*.yml") if p.suffixes == [".yml"]])
    assert f"worksheet PDFs: {sheets * 2}, pages: " in result.stdout
    for label in FIGURES:
        assert re.search(rf"^{re.escape(label)}:\s+\d+\.\d\d s", result.stdout, re.M), label
    for label, floor, goal in GOALS:
        figure = r"\s+\d+\.\d\d s"
        line = rf"^{label}:{figure} (CPU|wall)  floor \({re.escape(floor)}\):{figure}  = \d+\.\d\dx  "
        line += rf"\(goal: at most {goal}x; (meets|misses) it\)$"
        assert re.search(line, result.stdout, re.M), label
    assert "\ncold build: not measured (--cold-runs 0)\n" in result.stdout


def test_extra_pages_benchmark_prints_its_figures() -> None:
    """benchmarks/extra_pages.py (1,000 and 5,000 pages by default) runs; here with 3 pages."""
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks/extra_pages.py"), "3"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    row = result.stdout.splitlines()[-1]
    figure = r"\s*\d+\.\d\d s \(\s*\d+\.\d\d s CPU\),\s+\d+\.\d ms/page"
    assert re.fullmatch(rf"\s+3 {figure} {figure}", row), row
