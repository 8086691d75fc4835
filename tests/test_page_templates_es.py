"""The built-in Spanish page templates (templates/pages/<name>.es.md.j2) stay a faithful
translation of the English ones: the Spanish handbook has the same links (so every link and
anchor works unchanged), the templates ask the pipeline for nothing the English ones do not,
no English is left in their prose, and the grammar they build by hand (the Spanish for a/an)
follows the program's own words.

The pages are rendered through the real page stage, each Spanish template put in place of its
original the way a project overrides a template, so a dead link fails the render."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import jinja2
import jinja2.meta
import pytest
from markdown.extensions.toc import slugify

from mentoring_site import pages
from mentoring_site.program import load_program
from mentoring_site.templating import environment, render
from tests.conftest import FIXTURES, REPO

TEMPLATES = REPO / "templates" / "pages"
SPANISH = sorted(TEMPLATES.glob("*.es.md.j2"))
NAMES = [p.name.removesuffix(".es.md.j2") for p in SPANISH]
# Markdown links and autolinks, in the order they appear.
LINK = re.compile(r"\]\(([^)\s]+)\)|<((?:https?://|mailto:)[^>\s]+|[^>\s@]+@[^>\s]+)>")


def spanish_copy(source: Path, target: Path) -> Path:
    """The program at `source` with every Spanish page template as its own override of the original
    (a one-language fixture made Spanish: the templates write the Spanish articles, t.el_mentee)."""
    shutil.copytree(source, target)
    spanish(target)
    folder = target / "templates" / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    for path in SPANISH:
        shutil.copy2(path, folder / path.name.replace(".es.md.j2", ".md.j2"))
    return target


def spanish(root: Path) -> None:
    """Make a one-language program Spanish (`program.language: es`)."""
    config = root / "content" / "program.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("program:\n", "program:\n  language: es\n", 1),
                      encoding="utf-8")


PROGRAMS = {"default": REPO, "full": FIXTURES / "full", "small": FIXTURES / "small"}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict, dict]]:
    """Per program: (English pages, pages with the Spanish templates), path -> Markdown."""
    out = {}
    for key, source in PROGRAMS.items():
        english = pages.render_pages(load_program(source)).files
        if source == REPO:  # bilingual: its Spanish build takes the Spanish templates as they are
            out[key] = (english, pages.render_pages(load_program(REPO, language="es")).files)
            continue
        root = spanish_copy(source, tmp_path_factory.mktemp(key) / "program")
        out[key] = (english, pages.render_pages(load_program(root)).files)
    return out


def test_there_is_a_spanish_template_for_each_page_of_this_set() -> None:
    assert {"meetings", "messages", "orientation", "program-managers", "roles", "timeline",
            "when-things-go-wrong"} <= set(NAMES)


@pytest.mark.parametrize("program", list(PROGRAMS))
@pytest.mark.parametrize("name", NAMES)
def test_links_are_those_of_the_english_page(sites: dict, program: str, name: str) -> None:
    english, spanish = sites[program]
    path = f"{name}.md"
    assert LINK.findall(spanish[path]) == LINK.findall(english[path])


def anchors(markdown: str) -> set[str]:
    """The ids the headings of a page get: an explicit { #id }, else the heading's slug."""
    found = set()
    for line in markdown.splitlines():
        heading = re.match(r"#{1,6} (.*?)(?:\s*\{\s*#([\w-]+)\s*\})?\s*$", line)
        if heading:
            found.add(heading.group(2) or slugify(heading.group(1), "-"))
    return found


def test_every_anchor_linked_to_is_a_heading_of_the_spanish_page(sites: dict) -> None:
    _english, spanish = sites["default"]
    links = [(path, target) for path, text in spanish.items() if path.endswith(".md")
             for target, _ in LINK.findall(text) if "#" in target and not target.startswith("#")]
    assert ("when-things-go-wrong.md", "messages.md#no-fault-closing-note") in links
    for path, target in links:
        page, anchor = target.split("#", 1)
        assert anchor in anchors(spanish[page]), f"{path} links to {target}"


def variables(path: Path) -> set[str]:
    env = environment(REPO)
    return jinja2.meta.find_undeclared_variables(env.parse(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", NAMES)
def test_uses_only_variables_the_english_page_uses(name: str) -> None:
    spanish, english = variables(TEMPLATES / f"{name}.es.md.j2"), variables(TEMPLATES / f"{name}.md.j2")
    assert spanish <= english, sorted(spanish - english)


# Words of English prose that Spanish never uses.
ENGLISH = re.compile(r"\b(the|and|you|your|with|what|for|this|that|is|are|will|meeting|every)\b", re.I)


def prose(source: str) -> str:
    """The template's own text: outside Jinja, without link targets, attribute lists and what is
    in italics or quotes on one line (titles of works cited in English); inside Jinja, the quoted
    texts with a space in them (ids and keys such as "meeting-log" have none)."""
    tags = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
    quoted = [text for tag in tags.findall(source) if not tag.startswith("{#")
              for text in re.findall(r'"([^"]*)"', tag) if " " in text]
    outside = re.sub(r"\]\([^)]*\)|\{ [^}]*\}", " ", tags.sub(" ", source))
    # A work cited by its English title is written in italics or in quotes on one line.
    outside = re.sub(r'(?<!\*)\*[^*\n]+\*(?!\*)|"[^"\n]*"', " ", outside)
    return "\n".join([outside, *quoted])


@pytest.mark.parametrize("name", NAMES)
def test_no_english_left_in_the_prose(name: str) -> None:
    text = prose((TEMPLATES / f"{name}.es.md.j2").read_text(encoding="utf-8"))
    assert ENGLISH.findall(text) == []


def render_one(root: Path, name: str) -> str:
    spanish(root)
    program = load_program(root)
    env = environment(root)
    ctx = {**pages.base_context(program), "link": lambda text, target: f"[{text}]({target})",
           "page_path": f"{name}.md", "booklet_sizes": []}
    return render(env, f"pages/{name}.es.md.j2", ctx, root)


@pytest.mark.parametrize(("plural", "joined"), [
    ("Aprendices", "y aprendices"),
    ("Iniciados", "e iniciados"),  # "y" is said "e" before the sound i ...
    ("Hijos", "e hijos"),
    ("Hielos", "y hielos"),  # ... but not before "hie", which starts with the sound y
])
def test_and_before_the_mentees_word(small: Path, plural: str, joined: str) -> None:
    config = small / "content" / "program.yml"
    text = config.read_text(encoding="utf-8").replace("plural: Apprentices", f"plural: {plural}")
    config.write_text(text, encoding="utf-8")
    assert f"con dos o tres guides {joined}\n" in render_one(small, "orientation")


@pytest.mark.parametrize(("name_in_text", "written"), [
    ("el Programa Tiny", "con los datos del Programa Tiny ya puestos"),
    ("Tiny", "con los datos de Tiny ya puestos"),
])
def test_de_before_the_program_name(small: Path, name_in_text: str, written: str) -> None:
    config = small / "content" / "program.yml"
    text = config.read_text(encoding="utf-8").replace(
        '  organisation:', f'  name_in_text: "{name_in_text}"\n  organisation:')
    config.write_text(text, encoding="utf-8")
    assert written in render_one(small, "messages").replace("\n", " ")


def test_days_without_meetings_in_a_spanish_list(sites: dict) -> None:
    program = load_program(REPO, language="es")
    long_date = pages.base_context(program)["long_date"]
    first, single = program.config.program.meetings.skip
    expected = (f"No hay reuniones del {long_date(first.start)} al {long_date(first.end)} "
                f"y el {long_date(single)}.")
    assert expected in sites["default"][1]["meetings.md"]


# The pages as a Spanish build makes them: program.languages [en, es, fr], Spanish role words
# (guía, aprendiz), dates and meeting rhythm from the languages layer.
MULTI = FIXTURES / "multi"


@pytest.fixture(scope="module")
def multi() -> tuple[dict, dict, object]:
    spanish = load_program(MULTI, language="es")
    return pages.render_pages(load_program(MULTI)).files, pages.render_pages(spanish).files, spanish


# Pages the fixture writes itself (its own about.es.md.j2, its own English-only conduct.md.j2)
# are not ours to check here.
OURS_IN_MULTI = [n for n in NAMES if not any((MULTI / "templates/pages" / f"{n}{suffix}").exists()
                                             for suffix in (".md.j2", ".es.md.j2"))]


@pytest.mark.parametrize("name", OURS_IN_MULTI)
def test_a_spanish_build_uses_the_spanish_template_with_the_english_links(multi: tuple, name: str) -> None:
    english, spanish, program = multi
    assert program.lang_of("page", f"{name}.md") == "es"
    assert spanish[f"{name}.md"] != english[f"{name}.md"]
    assert LINK.findall(spanish[f"{name}.md"]) == LINK.findall(english[f"{name}.md"])


@pytest.mark.parametrize(("page", "line"), [
    ("meetings.md", "Las parejas se reúnen cada 2 semanas, los martes a las 17:30, durante 45 minutos, y entre "
                    "una reunión y otra hacen un seguimiento breve de 10 minutos cada semana."),
    ("meetings.md", "| 1 | 2 de marzo de 2027 | Martes | Reunión 1 | 45 minutos |"),
    ("timeline.md", "Desde el **4 de enero de 2027**, guías y aprendices pueden presentar su solicitud"),
    ("timeline.md", "| Quien quiera participar como guía o como aprendiz |"),
    ("when-things-go-wrong.md", "aunque sea menos de lo que propone el programa (45 minutos cada 2 semanas)."),
    ("messages.md", "con una reunión de 45 minutos cada 2 semanas."),
])
def test_spanish_sentences_built_from_the_program(multi: tuple, page: str, line: str) -> None:
    assert line in " ".join(multi[1][page].split())  # lines of a paragraph joined
