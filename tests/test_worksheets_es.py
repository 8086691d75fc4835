"""The built-in Spanish worksheets (worksheets/<id>.es.yml) and FAQ (content/pages/faq.es.md) stay
a complete translation of the English ones: a Spanish reader gets every section, label, option,
scale end and column of every worksheet, and every question of the FAQ, with the role words and
dates still coming from the program."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from mentoring_site.program import load_program
from tests.conftest import FIXTURES, REPO

WORKSHEETS = REPO / "worksheets"
IDS = sorted(p.stem for p in WORKSHEETS.glob("*.yml") if "." not in p.stem)
PLACEHOLDER = re.compile(r"\[\[\s*([A-Za-z_]+)\s*\]\]")
FIELD_TEXT = ("label", "help", "default", "text", "options", "low", "high", "columns")


def read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def strings(value: Any) -> list[str]:
    """Every string in a value, however nested."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def texts(worksheet: dict[str, Any]) -> list[str]:
    """The texts a reader sees in a worksheet file (not its ids, types or sizes)."""
    found = strings([worksheet.get(k) for k in ("title", "purpose", "intro")])
    for section in worksheet["sections"]:
        found += strings([section.get("title"), section.get("intro")])
        for f in section["fields"]:
            found += strings([f.get(k) for k in FIELD_TEXT if k != "columns"])
            found += [c["label"] for c in f.get("columns", [])]
    return found


def only_placeholders(text: str) -> bool:
    """'[[Mentor]]' reads the same in every language; anything with words in it does not."""
    return not PLACEHOLDER.sub("", text).strip()


def test_every_worksheet_has_a_spanish_file() -> None:
    assert len(IDS) == 11
    assert sorted(p.name for p in WORKSHEETS.glob("*.es.yml")) == [f"{i}.es.yml" for i in IDS]


@pytest.mark.parametrize("sheet", IDS)
def test_every_text_translated_and_nothing_structural(sheet: str) -> None:
    english, spanish = read(WORKSHEETS / f"{sheet}.yml"), read(WORKSHEETS / f"{sheet}.es.yml")
    assert sorted(spanish) == sorted(k for k in ("title", "purpose", "intro", "sections") if k in english)
    assert len(spanish["sections"]) == len(english["sections"])
    for number, (en_section, es_section) in enumerate(zip(english["sections"], spanish["sections"], strict=True), 1):
        where = f"{sheet} section {number}"
        assert sorted(es_section) == sorted(k for k in ("title", "intro", "fields") if k in en_section), where
        by_id = {f["id"]: f for f in en_section["fields"]}  # every field has an id, notes too
        assert len(by_id) == len(en_section["fields"]), where
        assert [f["id"] for f in es_section["fields"]] == list(by_id), where
        for es_field in es_section["fields"]:
            en_field = by_id[es_field["id"]]
            assert sorted(es_field) == sorted(["id", *(k for k in FIELD_TEXT if k in en_field)]), es_field["id"]
            if "options" in en_field:
                assert len(es_field["options"]) == len(en_field["options"]), es_field["id"]
            if "columns" in en_field:
                assert [sorted(c) for c in es_field["columns"]] == [["id", "label"]] * len(en_field["columns"])
                assert [c["id"] for c in es_field["columns"]] == [c["id"] for c in en_field["columns"]]
    left = [s for s in texts(spanish) if s in texts(english) and not only_placeholders(s)]
    assert left == [], f"{sheet}: English text left"


@pytest.fixture(scope="module")
def known() -> set[str]:
    """The placeholder names a program fills in (the full fixture has every timeline moment), and
    those Spanish adds: the role words with their articles ([[el_mentee]])."""
    from mentoring_site.model import Terminology
    from mentoring_site.terms import Terms

    return set(load_program(FIXTURES / "full").facts) | set(Terms(Terminology(), "es").forms)


def spanish_files() -> list[Path]:
    return [WORKSHEETS / f"{i}.es.yml" for i in IDS] + [REPO / "content/pages/faq.es.md"]


@pytest.mark.parametrize("path", spanish_files(), ids=lambda p: p.name)
def test_placeholders_are_known_and_without_english_articles(path: Path, known: set[str]) -> None:
    names = set(PLACEHOLDER.findall(path.read_text(encoding="utf-8")))
    assert names - known == set()
    # Spanish says [[un_mentee]], the name a Spanish translator reads, not the English [[a_mentee]].
    assert {n for n in names if n.lower() in ("a_mentor", "a_mentee", "a_program_manager")} == set()


def test_faq_asks_every_question_of_the_english_one() -> None:
    english = (REPO / "content/pages/faq.md").read_text(encoding="utf-8")
    spanish = (REPO / "content/pages/faq.es.md").read_text(encoding="utf-8")
    headings = [line.split(" ", 1)[0] for line in english.splitlines() if line.startswith("#")]
    assert [line.split(" ", 1)[0] for line in spanish.splitlines() if line.startswith("#")] == headings
    assert spanish.splitlines()[0] == "# Preguntas frecuentes"
    assert set(re.findall(r"\]\(([^)\s]+)\)", spanish)) == set(re.findall(r"\]\(([^)\s]+)\)", english))
