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


def test_benchmark_prints_its_figures() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks/build_times.py")],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr
    sheets = len(list((REPO / "worksheets").glob("*.yml")))
    assert f"worksheet PDFs: {sheets * 2}, pages: " in result.stdout
    for label in FIGURES:
        assert re.search(rf"^{re.escape(label)}:\s+\d+\.\d\d s", result.stdout, re.M), label


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
