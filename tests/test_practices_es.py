"""The built-in Spanish practices (content/practices/<role>.es.yml) stay a complete translation of
the English ones: a reader of the Spanish handbook gets every practice, every section and every
bullet, with the same links, and the role words still follow the program's terminology."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from mentoring_site.program import load_program
from tests.conftest import REPO

PRACTICES = REPO / "content" / "practices"
PLACEHOLDER = re.compile(r"\[\[([A-Za-z_]+)\]\]")
LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)")
ROLES = ["mentors", "mentees"]


def practices(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["practices"]


def pairs(role: str) -> list[tuple[dict, dict]]:
    english, spanish = practices(PRACTICES / f"{role}.yml"), practices(PRACTICES / f"{role}.es.yml")
    assert [p["id"] for p in spanish] == [p["id"] for p in english]
    return list(zip(english, spanish, strict=True))


def as_text(value: str | list[str]) -> str:
    return "\n".join(value) if isinstance(value, list) else value


@pytest.mark.parametrize("role", ROLES)
def test_every_text_key_translated_with_the_same_number_of_items(role: str) -> None:
    for english, spanish in pairs(role):
        assert sorted(spanish) == sorted(english), english["id"]
        for key, value in english.items():
            if isinstance(value, list):
                assert len(spanish[key]) == len(value), f"{english['id']}.{key}"
            elif key != "id":
                assert spanish[key] != value, f"{english['id']}.{key} is the English text"


@pytest.mark.parametrize("role", ROLES)
def test_links_point_where_the_english_ones_do(role: str) -> None:
    for english, spanish in pairs(role):
        for key in english:
            found = sorted(LINK_TARGET.findall(as_text(spanish[key])))
            assert found == sorted(LINK_TARGET.findall(as_text(english[key]))), f"{english['id']}.{key}"


@pytest.fixture(scope="module")
def known() -> set[str]:
    """The placeholder names the built-in program fills in Spanish (with the articles: [[el_mentee]])."""
    return set(load_program(REPO, language="es").facts)


@pytest.mark.parametrize("role", ROLES)
def test_placeholders_are_known_and_without_english_articles(role: str, known: set[str]) -> None:
    for _english, spanish in pairs(role):
        for key, value in spanish.items():
            names = set(PLACEHOLDER.findall(as_text(value)))
            assert names <= known, f"{spanish['id']}.{key}: {sorted(names - known)}"
            # Spanish says [[un_mentor]], the name a Spanish translator reads, not the English [[a_mentor]].
            assert not {n for n in names if n.lower() in ("a_mentor", "a_mentee", "a_program_manager")}, \
                f"{spanish['id']}.{key}"
