"""Golden output: the Markdown generated for the small fixture program, diffed on every run.

When a change to the output is intended, regenerate and review the diff:

    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mentoring_site.build import generate

GOLDENS = Path(__file__).resolve().parent / "golden"


# small: the fewest keys a program needs; full: every optional key set.
@pytest.mark.parametrize("name", ["small", "full"])
def test_generated_markdown_matches_golden(name: str, request: pytest.FixtureRequest, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    golden = GOLDENS / name
    generated = generate(request.getfixturevalue(name), pdfs=False)
    texts = {path: content for path, content in generated.files.items() if isinstance(content, str)}
    if os.environ.get("UPDATE_GOLDEN"):
        for old in golden.rglob("*"):
            if old.is_file():
                old.unlink()
        for path, content in texts.items():
            target = golden / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode("utf-8"))
    expected = {
        p.relative_to(golden).as_posix(): p.read_bytes().decode("utf-8")  # keep CRLF of .ics
        for p in sorted(golden.rglob("*"))
        if p.is_file()
    }
    assert sorted(texts) == sorted(expected), "set of generated files changed"
    for path, content in texts.items():
        assert content == expected[path], f"{path} differs from tests/golden/{name}/{path}"
