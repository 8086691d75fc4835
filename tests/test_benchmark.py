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
