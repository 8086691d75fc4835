"""Translated page templates (templates/pages/<name>.<code>.md.j2) against their originals: every
condition and loop of the original kept, in order (a language may add its own for its grammar), the
same link targets, and they render through the page stage under StrictUndefined."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from mentoring_site import pages
from mentoring_site.model import Term, Terminology
from mentoring_site.program import load_program
from mentoring_site.templating import environment
from mentoring_site.terms import Terms
from tests.conftest import FIXTURES, REPO

PAGES = REPO / "templates" / "pages"
TRANSLATED = sorted(p for p in PAGES.glob("*.*.md.j2") if re.fullmatch(r"[^.]+\.[A-Za-z-]+\.md\.j2", p.name))

COMMENT = re.compile(r"\{#.*?#\}", re.S)
MACRO = re.compile(r"\{%-?\s*macro\b.*?\{%-?\s*endmacro\s*-?%\}", re.S)  # grammar helpers of a language
TAG = re.compile(r"\{%[-+]?\s*(\w+)(.*?)[-+]?%\}", re.S)
TARGETS = (
    re.compile(r"\]\(([^)\s]+)\)"),  # [text](target)
    re.compile(r"<(\{\{.*?\}\}|https?://[^>\s]+)>"),  # <address>
    re.compile(r",\s*\"([^\"]+\.(?:md|pdf|ics)(?:#[^\"]*)?)\"\s*\)"),  # link(text, "target")
)


def original_of(translated: Path) -> Path:
    name, _code, *_ = translated.name.split(".")
    return translated.with_name(f"{name}.md.j2")


def logic(source: str) -> list[tuple[str, ...]]:
    """The template's control flow, in order: each tag with what decides it (an if's condition,
    a for's and a set's names), not the prose a language writes inside it."""
    source = MACRO.sub("", COMMENT.sub("", source))
    flow: list[tuple[str, ...]] = []
    for keyword, rest in TAG.findall(source):
        rest = " ".join(rest.split())
        if keyword in ("if", "elif"):
            flow.append((keyword, rest))
        elif keyword in ("for", "set"):
            flow.append((keyword, re.split(r"\s+in\s+|\s*=", rest, maxsplit=1)[0]))
        else:
            flow.append((keyword,))
    return flow


def targets(source: str) -> list[str]:
    source = COMMENT.sub("", source)
    return sorted(t for pattern in TARGETS for t in pattern.findall(source))


def test_there_are_translated_pages() -> None:
    assert {p.name for p in TRANSLATED} >= {"index.es.md.j2", "conduct.es.md.j2"}


def missing_from(translated: list[tuple[str, ...]], original: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The original's tags that the translation does not have in the same order; its own extra
    tags (a "set" or an "if" for its grammar) are allowed."""
    missing, start = [], 0
    for tag in original:
        if tag in translated[start:]:
            start = translated.index(tag, start) + 1
        else:
            missing.append(tag)
    return missing


@pytest.mark.parametrize(("translated", "original", "missing"), [
    ([("if", "a"), ("endif",)], [("if", "a"), ("endif",)], []),
    ([("set", "y"), ("if", "a"), ("if", "n == 1"), ("else",), ("endif",), ("endif",)], [("if", "a"), ("endif",)], []),
    ([("if", "b"), ("endif",)], [("if", "a"), ("endif",)], [("if", "a")]),
    ([("for", "p"), ("endfor",), ("if", "a"), ("endif",)], [("if", "a"), ("endif",), ("for", "p"), ("endfor",)],
     [("for", "p"), ("endfor",)]),
])
def test_missing_from(translated: list, original: list, missing: list) -> None:
    assert missing_from(translated, original) == missing


@pytest.mark.parametrize("translated", TRANSLATED, ids=lambda p: p.name)
def test_same_logic_and_links_as_the_original(translated: Path) -> None:
    original = original_of(translated)
    assert original.exists(), f"{translated.name} translates no page ({original.name} does not exist)"
    assert missing_from(logic(translated.read_text("utf-8")), logic(original.read_text("utf-8"))) == []
    assert targets(translated.read_text("utf-8")) == targets(original.read_text("utf-8"))


def context(root: Path) -> dict[str, Any]:
    """What pages.render gives a page template, for the program in `root`."""
    program = load_program(root)
    known = pages.planned_pages(program)
    ctx = {**pages.base_context(program), "booklet_sizes": ["a4", "letter"]}
    ctx["link"] = lambda text, target: f"[{text}]({target})" if target.split("#")[0] in known else text
    return ctx


def in_language(root: Path, code: str) -> Path:
    """Make the one-language program in `root` one of language `code`: a page template of a
    language is rendered with that language's words (the Spanish ones write t.el_mentee)."""
    config = root / "content" / "program.yml"
    config.write_text(config.read_text("utf-8").replace("program:\n", f"program:\n  language: {code}\n", 1), "utf-8")
    return root


@pytest.fixture(scope="module")
def contexts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    # small leaves every optional key out, full sets them all: both sides of every {% if %}.
    # The programs in Spanish, as the templates these contexts render are.
    folder = tmp_path_factory.mktemp("contexts")
    return {name: context(in_language(Path(shutil.copytree(FIXTURES / name, folder / name)), "es"))
            for name in ("small", "full")}


@pytest.mark.parametrize("program", ["small", "full"])
@pytest.mark.parametrize("code", sorted({p.name.split(".")[1] for p in TRANSLATED}))
def test_renders_through_the_page_stage(code: str, program: str, tmp_path: Path) -> None:
    """Each translated template put in place of its original, as a project overrides one: the page
    stage renders them all (a template error or a dead link raises)."""
    root = tmp_path / program
    in_language(Path(shutil.copytree(FIXTURES / program, root)), code)
    (root / "templates" / "pages").mkdir(parents=True)
    ours = [p for p in TRANSLATED if p.name.split(".")[1] == code]
    for path in ours:
        shutil.copy2(path, root / "templates" / "pages" / original_of(path).name)
    files = pages.render_pages(load_program(root), booklet_sizes=["a4", "letter"]).files
    for path in ours:
        text = files[original_of(path).name.removesuffix(".j2")]
        assert text.startswith("# "), path.name
        assert "{{" not in text and "{%" not in text, path.name


@pytest.mark.parametrize(("in_text", "welcome"), [
    ("el Programa de Mentoría de Northwind", "Te damos la bienvenida al manual del Programa de Mentoría de Northwind,"),
    ("Mentoría Norte", "Te damos la bienvenida al manual de Mentoría Norte,"),
    ("la Red de Mentoría", "Te damos la bienvenida al manual de la Red de Mentoría,"),
    ("elevar", "Te damos la bienvenida al manual de elevar,"),
])
def test_spanish_home_page_contracts_de_el(in_text: str, welcome: str, contexts: dict[str, dict[str, Any]]) -> None:
    ctx = {**contexts["small"], "program_in_text": in_text}
    text = environment(REPO).get_template("pages/index.es.md.j2").render(ctx)
    assert welcome in text


@pytest.mark.parametrize(("mentees", "written"), [
    ("mentorados", "para mentores y mentorados."),
    ("iniciados", "para mentores e iniciados."),  # "y" is said "e" before the sound i ...
    ("Hijos", "para mentores e hijos."),
    ("hielos", "para mentores y hielos."),  # ... but not before "hie", which starts with the sound y
])
def test_spanish_and_before_the_mentees_word(mentees: str, written: str, contexts: dict[str, dict[str, Any]]) -> None:
    words = Terminology(mentor=Term("mentor", "mentores"), mentee=Term("mentee", mentees))
    ctx = {**contexts["full"], "t": Terms(words, "es")}
    text = environment(REPO).get_template("pages/measuring.es.md.j2").render(ctx)
    assert written in " ".join(text.split())
