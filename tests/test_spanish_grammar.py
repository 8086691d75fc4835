"""Spanish role words with their articles: the forms by gender, the Spanish handbook read with
feminine words, and a guard against hand-written articles before a role word coming back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mentoring_site.model import Term, Terminology
from mentoring_site.pages import render_pages
from mentoring_site.program import load_program, unknown_placeholder
from mentoring_site.terms import Terms, substitute

REPO = Path(__file__).resolve().parent.parent

BUILT_IN = Terminology(mentor=Term("mentor", "mentores"), mentee=Term("mentorado", "mentorados"),
                       program_manager=Term("responsable del programa", "responsables del programa"),
                       program=Term("programa", "programas"))
FEMININE = Terminology(mentor=Term("persona mentora", "personas mentoras", "feminine"),
                       mentee=Term("persona mentorada", "personas mentoradas", "feminine"),
                       program_manager=Term("persona responsable", "personas responsables", "feminine"),
                       program=Term("iniciativa", "iniciativas", "feminine"))
MIXED = Terminology(mentor=Term("guía", "guías", "feminine"), mentee=Term("aprendiz", "aprendices", "masculine"),
                    program_manager="responsable", program=Term("iniciativa", "iniciativas", "feminine"))

PHRASES = [
    "[[El_mentor]] habla con [[el_mentee]].",
    "[[Los_mentors]] y [[los_mentees]] firman.",
    "Escribe [[al_program_manager]] y [[a_los_mentees]].",
    "La opinión [[del_mentee]] y [[de_los_mentors]].",
    "[[Un_mentor]] o [[un_mentee]]; [[a_mentee]].",
    "Al final [[del_program_word]], [[el_program_word]] y [[los_program_words]]; [[un_program_word]].",
    "[[Del_program_manager]] [[De_los_program_managers]] [[Al_mentor]] [[A_los_mentors]] [[El_program_word]]",
]


@pytest.mark.parametrize(("words", "expected"), [
    (BUILT_IN, [
        "El mentor habla con el mentorado.",
        "Los mentores y los mentorados firman.",
        "Escribe al responsable del programa y a los mentorados.",
        "La opinión del mentorado y de los mentores.",
        "Un mentor o un mentorado; un mentorado.",
        "Al final del programa, el programa y los programas; un programa.",
        "Del responsable del programa De los responsables del programa Al mentor A los mentores El programa",
    ]),
    (FEMININE, [
        "La persona mentora habla con la persona mentorada.",
        "Las personas mentoras y las personas mentoradas firman.",
        "Escribe a la persona responsable y a las personas mentoradas.",
        "La opinión de la persona mentorada y de las personas mentoras.",
        "Una persona mentora o una persona mentorada; una persona mentorada.",
        "Al final de la iniciativa, la iniciativa y las iniciativas; una iniciativa.",
        "De la persona responsable De las personas responsables A la persona mentora A las personas mentoras "
        "La iniciativa",
    ]),
    (MIXED, [  # each word its own gender; a word given without one (responsable) is masculine
        "La guía habla con el aprendiz.",
        "Las guías y los aprendices firman.",
        "Escribe al responsable y a los aprendices.",
        "La opinión del aprendiz y de las guías.",
        "Una guía o un aprendiz; un aprendiz.",
        "Al final de la iniciativa, la iniciativa y las iniciativas; una iniciativa.",
        "Del responsable De los responsables A la guía A las guías La iniciativa",
    ]),
], ids=["built-in words", "feminine words", "mixed"])
def test_spanish_articles_follow_each_words_gender(words: Terminology, expected: list[str]) -> None:
    forms = Terms(words, "es", default="en").forms
    assert [substitute(phrase, forms) for phrase in PHRASES] == [(line, []) for line in expected]


def test_article_forms_are_spanish_only_and_come_with_a_spanish_default() -> None:
    english = Terms(BUILT_IN, "en").forms
    assert "el_mentor" not in english and "del_program_word" not in english
    # A program whose first language is Spanish: its Spanish pages fall back into the English
    # build, with the English build's words.
    fallback = Terms(Terminology(), "en", default="es").forms
    assert (fallback["el_mentee"], fallback["De_los_mentors"]) == ("el mentee", "De los mentors")


@pytest.mark.parametrize(("name", "hint"), [
    ("la_mentee", '; write [[el_mentee]], whose article follows the word\'s gender (here "la persona mentorada")'),
    ("De_las_mentors", "; write [[De_los_mentors]], whose article follows the word's gender "
                       '(here "De las personas mentoras")'),
    ("una_program_word", "; write [[un_program_word]], whose article follows the word's gender "
                         '(here "una iniciativa")'),
    ("el_mentorado", "; did you mean [[el_mentor]], [[del_mentor]] or [[Del_mentor]]?"),  # no article to mend
])
def test_a_feminine_article_in_a_placeholder_points_to_the_one_to_write(name: str, hint: str) -> None:
    forms = Terms(FEMININE, "es", default="en").forms
    message = unknown_placeholder(name, forms)
    assert message.startswith(f"unknown placeholder [[{name}]]{hint} (known: a_los_mentees*, ")


# What a translator must not write by hand before a role word: an article, a contraction or a
# word that agrees with the noun after it (its gender is the program's choice).
AGREEING = ("el la lo los las del al un una unos unas este esta estos estas ese esa esos esas aquel aquella "
            "otro otra otros otras nuevo nueva nuevos nuevas propio propia buen buena todo toda todos todas "
            "mucho mucha muchos muchas algún alguna ningún ninguna primer primera próximo próxima mismo misma")
ROLE = r"[A-Za-z_]*(?:mentor|mentee|program_manager|program_word)s?"
HAND_WRITTEN = re.compile(  # ("sobre todo" is "mostly": no agreement there)
    rf"(?<![\w])(?<!sobre )(?P<word>{'|'.join(AGREEING.split())})\s+"
    rf"(?:\[\[\s*{ROLE}\s*\]\]|\{{\{{-?\s*t\.{ROLE}\b|\"\s*~\s*t\.{ROLE}\b|%\((?:{ROLE}|role|program)\)s)",
    re.IGNORECASE)
SPANISH_FILES = sorted([*REPO.glob("content/practices/*.es.yml"), *REPO.glob("worksheets/*.es.yml"),
                        *REPO.glob("content/pages/*.es.md"), *REPO.glob("templates/pages/*.es.md.j2"),
                        REPO / "templates/messages/es.po"])


def _hand_written(text: str) -> list[str]:
    """Each hand-written article before a role word in `text`, as "line: words"."""
    return [f"{text.count(chr(10), 0, m.start()) + 1}: {' '.join(m.group(0).split())}"
            for m in HAND_WRITTEN.finditer(text)]


@pytest.mark.parametrize(("text", "found"), [
    ("con el [[mentee]] y", ["1: el [[mentee]]"]),
    ("Sí.\nDel\n  {{ t.mentor }}", ["2: Del {{ t.mentor"]),
    ('"Cada pareja y el " ~ t.program_manager', ['1: el " ~ t.program_manager']),
    ("durante todo [[el_program_word]]", ["1: todo [[el_program_word]]"]),
    ('msgstr "Medir los resultados del %(program)s"', ["1: del %(program)s"]),
    ("depende sobre todo [[del_mentee]]", []),  # "sobre todo": mostly
    ("con [[el_mentee]], tu [[mentor]], cada {{ t.mentee }}, de {{ t.un_mentee }}, el [[end]]", []),
])
def test_the_scan_finds_hand_written_articles(text: str, found: list[str]) -> None:
    assert _hand_written(text) == found


def test_spanish_files_write_no_article_before_a_role_word() -> None:
    assert len(SPANISH_FILES) > 25
    found = [f"{f.relative_to(REPO)}:{hit}" for f in SPANISH_FILES
             for hit in _hand_written(f.read_text(encoding="utf-8").replace("msgid", "#"))]
    assert found == []


def _spanish_terminology(root: Path, block: str) -> None:
    program = root / "content/program.yml"
    text = program.read_text(encoding="utf-8")
    start = text.index("  es:\n    mentor:")
    end = text.index("\n\n", start)
    program.write_text(text[:start] + block + text[end:], encoding="utf-8")


FEMININE_YAML = """  es:
    mentor: {singular: persona mentora, plural: personas mentoras, gender: feminine}
    mentee: {singular: persona mentorada, plural: personas mentoradas, gender: feminine}
    program_manager: {singular: persona responsable, plural: personas responsables, gender: feminine}
    mentoring: mentoría
    program: {singular: iniciativa, plural: iniciativas, gender: feminine}"""

# A word that agrees with the noun after it, then a feminine role word: wrong wherever it is.
MISMATCH = re.compile(r"\b(el|del|al|un|los|de los|este|estos|nuevo|otro|todo|todos|propio|buen)\s+"
                      r"(personas?|iniciativas?)\b", re.IGNORECASE)


def test_the_spanish_handbook_reads_right_with_feminine_words(default_program: Path) -> None:
    _spanish_terminology(default_program, FEMININE_YAML)
    program = load_program(default_program, language="es")
    files = {path: text for path, text in render_pages(program).files.items() if isinstance(text, str)}
    wrong = [f"{path}: {m.group(0)}" for path, text in files.items() for m in MISMATCH.finditer(text)]
    assert wrong == []
    assert len(files) > 40
    # A few sentences in full, from a practice, a worksheet, a page template, the FAQ and the timeline.
    assert ("Cuando tus objetivos cambien, dilo. La persona responsable ve los cambios en el balance\n"
            "intermedio y, si ayuda, puede emparejarte con una persona mentora cuya experiencia se ajuste\n"
            "al nuevo objetivo. Es una parte normal de la iniciativa, no un fracaso de la pareja.") in " ".join(
                p.why for p in program.practices["mentees"])
    assert "Lleven una sola copia mientras dure la iniciativa; la persona mentorada la mantiene al día" in \
        next(w for w in program.worksheets if w.id == "meeting-log").intro
    assert "## ¿Debe la persona mentora ayudar con las candidaturas a un empleo?" in files["faq.md"]
    assert "| La persona responsable, que se lo comunica a cada pareja |" in files["timeline.md"]
    assert "# Medir los resultados de la iniciativa" in files["measuring.md"]
