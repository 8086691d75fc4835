"""Languages (issue 13): codes, per-language values, overlays, fallback, validate's counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentoring_site.errors import ProgramError
from mentoring_site.program import load_program

P = "content/program.yml"


def _problems(root: Path, **kwargs: object) -> list[str]:
    with pytest.raises(ProgramError) as exc:
        load_program(root, **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in exc.value.problems]


def _set(root: Path, old: str, new: str) -> None:
    file = root / P
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1))


# (the program's language line, the exact problems)
CODES = [
    pytest.param("  language: klingon", [f"{P}:16:13: program.language: 'klingon' is not a language code; "
                                         "write e.g. en, de or en-GB"], id="unknown"),
    pytest.param("  language: spanish", [f"{P}:16:13: program.language: 'spanish' is not a language code; "
                                         "did you mean es?"], id="english-name"),
    pytest.param("  language: en_GB", [f"{P}:16:13: program.language: 'en_GB' is not a language code; "
                                       "did you mean en-GB?"], id="underscore"),
    pytest.param("  language: es-mx", [f"{P}:16:13: program.language: 'es-mx' is written es-MX in BCP 47; "
                                       "write es-MX"], id="case"),
    pytest.param("  language: en-UK", [f"{P}:16:13: program.language: 'en-UK' is written en-GB in BCP 47; "
                                       "write en-GB"], id="alias"),
    pytest.param("  language: eng", [f"{P}:16:13: program.language: 'eng' is written en in BCP 47; write en"],
                 id="three-letters"),
    pytest.param("  language: esp", [f"{P}:16:13: program.language: 'esp' is not a language code; did you mean es?"],
                 id="close"),
    pytest.param("  languages: [en, es, en]", [f"{P}:16:23: program.languages[3]: lists en twice"], id="twice"),
    pytest.param("  languages: [en, sp]", [f"{P}:16:19: program.languages[2]: 'sp' is not a language code; "
                                           "write e.g. en, de or en-GB"], id="unknown-in-list"),
    pytest.param("  languages: []", [f"{P}:16:3: program.languages: must name at least one language; "
                                     "the first is the default"], id="empty"),
    pytest.param("  languages: [en, es]\n  language: en",
                 [f"{P}:17:3: program.language: give languages or language, not both "
                  "(the first of languages is the default)"], id="both"),
]


@pytest.mark.parametrize(("line", "expected"), CODES)
def test_language_codes_are_checked_at_their_line(small: Path, line: str, expected: list[str]) -> None:
    _set(small, "      length_minutes: 10\n", f"      length_minutes: 10\n{line}\n")
    assert _problems(small) == expected


@pytest.mark.parametrize(("line", "languages", "language"), [
    ("", ["en"], "en"),
    ("  language: de", ["de"], "de"),
    ("  languages: [pt-BR, en]", ["pt-BR", "en"], "pt-BR"),
])
def test_the_first_language_is_the_default(small: Path, line: str, languages: list[str], language: str) -> None:
    _set(small, "      length_minutes: 10\n", f"      length_minutes: 10\n{line}\n")
    program = load_program(small)
    assert (program.languages, program.default_language, program.language) == (languages, language, language)
    assert program.config.program.languages == languages and program.config.program.language == language


def test_a_program_loads_in_each_of_its_languages(small: Path) -> None:
    _set(small, "      length_minutes: 10\n", "      length_minutes: 10\n  languages: [en, es]\n")
    es = load_program(small, language="es")
    assert (es.language, es.default_language, es.config.program.language) == ("es", "en", "es")
    with pytest.raises(ValueError, match=r"'fr' is not in program.languages \[en, es\]"):
        load_program(small, language="fr")
