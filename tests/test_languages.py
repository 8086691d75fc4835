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


def test_a_text_in_a_language_a_one_language_program_lacks_says_how_to_add_it(small: Path) -> None:
    """`language: en` (what `new` writes) and a French name: the message says what to write."""
    _set(small, '  name: "Tiny Test Program"\n', '  name:\n    en: "Tiny Test Program"\n    fr: "Petit programme"\n')
    assert _problems(small) == [f"{P}:4:5: program.name.fr: fr is not a language of this program, which is in en "
                                "only (to add fr: languages: [en, fr])"]
    _set(small, '    fr: "Petit programme"\n', "")
    (small / "worksheets/plan.fr.yml").write_text("title: Plan\n", encoding="utf-8")
    assert _problems(small) == ["worksheets/plan.fr.yml:1:1: fr is not a language of this program, which is in en "
                                "only (to add fr: languages: [en, fr]); or remove this translation"]


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


# ---------------------------------------------------------------------------------------------
# A program in three languages (tests/fixtures/multi): English, Spanish (partly translated by
# overlays) and French (only its description in program.yml).

MULTI = Path(__file__).resolve().parent / "fixtures" / "multi"


@pytest.fixture
def multi(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "multi"
    shutil.copytree(MULTI, target)
    return target


def test_a_start_out_of_range_keeps_the_languages(multi: Path, capsys) -> None:
    # The start past 2999 stands in, not the whole program: its translations are not reported
    # as being in languages it does not have.
    from mentoring_site.cli import main

    program = multi / "content/program.yml"
    program.write_text(program.read_text().replace("start: 2027-03-01", "start: 3027-03-01"), encoding="utf-8")
    assert main(["validate", str(multi)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "content/program.yml:14:10: program.start: 3027-03-01 is not between the years 1900 and 2999",
        "1 problem found; nothing was changed.",
    ]


def _write(root: Path, rel: str, text: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")


M = "content/practices/mentors.es.yml"
W = "worksheets/plan.es.yml"
# (file written, its text, the language loaded, the exact problems)
OVERLAY_MISTAKES = [
    pytest.param(M, "practices:\n  - id: say-helo\n    title: Hola\n", "es",
                 [f"{M}:2:9: practices[1] \"Hola\".id: no practice 'say-helo' in content/practices/mentors.yml; "
                  "did you mean 'say-hello'?"], id="practice-unknown-id"),
    pytest.param(M, "practices:\n  - id: saludar\n    title: Hola\n", "es",
                 [f"{M}:2:9: practices[1] \"Hola\".id: no practice 'saludar' in content/practices/mentors.yml "
                  "(its practices: say-hello, set-rhythm)"], id="practice-translated-id"),
    pytest.param(M, "practices:\n  - id: say-hello\n    titel: Hola\n", "es",
                 [f"{M}:3:5: practices[1] \"say-hello\".titel: unknown key; did you mean 'title'? (known keys: id, "
                  "title, summary, what, why, how, questions, pitfalls, tip)"], id="practice-unknown-key"),
    pytest.param(M, "practices:\n  - id: say-hello\n    how: Saluda\n", "es",
                 [f"{M}:3:10: practices[1] \"say-hello\".how: must be a list, not 'Saluda'"], id="practice-wrong-type"),
    pytest.param(M, "practices:\n  - id: say-hello\n  - id: say-hello\n", "es",
                 [f"{M}:3:9: practices[2].id: practice 'say-hello' is translated twice (also practices[1])"],
                 id="practice-twice"),
    pytest.param(M, "practices:\n  - title: Hola\n", "es",
                 [f"{M}:2:5: practices[1] \"Hola\": must be a mapping with the id of the practice it translates "
                  "(an id in content/practices/mentors.yml)"], id="practice-without-id"),
    pytest.param(M, "practise:\n  - id: say-hello\n", "es",
                 [f"{M}:1:1: practices: must be a list of the translated practices, each with its id",
                  f"{M}:1:1: practise: unknown key; did you mean 'practices'? (known keys: practices)"],
                 id="practice-top-key"),
    pytest.param(W, "title: Plan\nfilled_by: mentor\n", "es",
                 [f"{W}:2:1: filled_by: structure is defined in worksheets/plan.yml; a translation gives text only"],
                 id="worksheet-structure-key"),
    pytest.param(W, "sections:\n  - fields:\n      - {id: topic, type: long_text}\n", "es",
                 [f"{W}:3:21: sections[1].fields[1] \"topic\".type: structure is defined in worksheets/plan.yml; "
                  "a translation gives text only"], id="field-structure-key"),
    pytest.param(W, "sections:\n  - title: A\n  - title: B\n  - title: C\n  - title: D\n", "es",
                 [f"{W}:5:5: sections[4] \"D\": worksheets/plan.yml has 3 sections; a translation gives them in the "
                  "same order, no more"], id="more-sections"),
    pytest.param(W, "sections:\n  - fields:\n      - {id: topik, label: Tema}\n", "es",
                 [f"{W}:3:14: sections[1].fields[1].id: no field 'topik' in section 1 of "
                  "worksheets/plan.yml; did you mean 'topic'?"], id="field-unknown-id"),
    pytest.param(W, "sections:\n  - fields:\n      - {id: tema, label: Tema}\n", "es",
                 [f"{W}:3:14: sections[1].fields[1].id: no field 'tema' in section 1 of "
                  "worksheets/plan.yml (its fields: topic, when, hopes)"], id="field-translated-id"),
    pytest.param(W, "sections:\n  - fields:\n      - {id: areas, label: Áreas}\n", "es",
                 [f"{W}:3:14: sections[1].fields[1].id: no field 'areas' in section 1 of "
                  "worksheets/plan.yml; it is in section 2 (sections are matched by their order)"],
                 id="field-in-another-section"),
    pytest.param(W, "sections:\n  - {}\n  - fields:\n      - {id: areas, options: [Habilidades]}\n", "es",
                 [f"{W}:4:21: sections[2].fields[1] \"areas\".options: gives 1 options; worksheets/plan.yml has 2 "
                  "(options are replaced whole, in the same number and order)"], id="options-count"),
    pytest.param(W, "sections:\n  - fields:\n      - {id: topic, options: [A, B]}\n", "es",
                 [f"{W}:3:21: sections[1].fields[1] \"topic\".options: structure is defined in worksheets/plan.yml; "
                  "a translation gives text only"], id="text-key-the-type-lacks"),
    pytest.param(W, "sections:\n  - {}\n  - {}\n  - fields:\n      - id: steps\n        columns:\n"
                    "          - {id: stepp, label: Paso}\n", "es",
                 [f"{W}:7:18: sections[3].fields[1] \"steps\".columns[1].id: no column 'stepp' in this "
                  "table of worksheets/plan.yml; did you mean 'step'?"], id="column-unknown-id"),
    pytest.param(W, "sections:\n  - {}\n  - {}\n  - fields:\n      - id: steps\n        columns:\n"
                    "          - {id: paso, label: Paso}\n", "es",
                 [f"{W}:7:18: sections[3].fields[1] \"steps\".columns[1].id: no column 'paso' in this "
                  "table of worksheets/plan.yml (its columns: step, done)"], id="column-translated-id"),
    pytest.param(W, "title: \"[[mentorr]]\"\n", "es",
                 [f"{W}:1:8: title: unknown placeholder [[mentorr]]; did you mean [[mentor]], [[mentors]] or "
                  "[[a_mentor]]?"], id="placeholder"),
    pytest.param("worksheets/gone.es.yml", "title: Nada\n", "en",
                 ["worksheets/gone.es.yml:1:1: translates worksheets/gone.yml, which does not exist; a translation "
                  "sits beside its original, named like it with the language before the extension"],
                 id="worksheet-without-original"),
    pytest.param("content/pages/gone.es.md", "# Nada\n", "en",
                 ["content/pages/gone.es.md:1:1: translates content/pages/gone.md, which does not exist; a "
                  "translation sits beside its original, named like it with the language before the extension"],
                 id="page-without-original"),
    pytest.param("content/practices/mentor.es.yml", "practices: []\n", "en",
                 ["content/practices/mentor.es.yml:1:1: translates content/practices/mentor.yml, which does not "
                  "exist; a translation sits beside its original, named like it with the language before the "
                  "extension; did you mean mentors.es.yml or mentees.es.yml?"], id="practices-misspelt-original"),
    pytest.param("worksheets/plans.es.yml", "title: Plan\n", "en",
                 ["worksheets/plans.es.yml:1:1: translates worksheets/plans.yml, which does not exist; a "
                  "translation sits beside its original, named like it with the language before the extension; "
                  "did you mean plan.es.yml?"], id="worksheet-misspelt-original"),
    pytest.param("content/pages/extras.es.md", "# Nada\n", "en",
                 ["content/pages/extras.es.md:1:1: translates content/pages/extras.md, which does not exist; a "
                  "translation sits beside its original, named like it with the language before the extension; "
                  "did you mean extra.es.md?"], id="page-misspelt-original"),
    pytest.param("content/practices/mentors.de.yml", "practices: []\n", "en",
                 ["content/practices/mentors.de.yml:1:1: de is not in program.languages [en, es, fr]; add it "
                  "there, or remove this translation"], id="language-not-listed"),
]


@pytest.mark.parametrize(("rel", "text", "language", "expected"), OVERLAY_MISTAKES)
def test_overlay_mistakes_are_shown_at_their_line(multi: Path, rel: str, text: str, language: str,
                                                   expected: list[str]) -> None:
    _write(multi, rel, text)
    # (an unknown placeholder's message goes on to list the known ones: tested in test_bad_input)
    assert [p.split(" (known:")[0] for p in _problems(multi, language=language)] == expected


# (the line added under program:, the exact problems)
VALUE_MISTAKES = [
    pytest.param("  organisation: {en: Guild, es-MX: Gremio}",
                 [f"{P}:6:29: program.organisation.es-MX: es-MX is not in program.languages [en, es, fr]"],
                 id="code-not-listed"),
    pytest.param("  organisation: {en: Guild, ES: Gremio}",
                 [f"{P}:6:29: program.organisation.ES: ES is not in program.languages [en, es, fr]; did you mean es?"],
                 id="code-did-you-mean"),
    pytest.param("  organisation: {es: Gremio}",
                 [f"{P}:6:3: program.organisation: gives no text for en, the default language, which the others "
                  "fall back to"], id="no-default-text"),
    pytest.param("  organisation: {en: Guild, es: 3}",
                 [f"{P}:6:33: program.organisation.es: must be text, not 3 (YAML reads unquoted 3 as a whole number; "
                  "write \"3\" in quotes)"], id="wrong-type-in-a-language"),
    pytest.param("  organisation: {en: Guild, es: \"  \"}",
                 [f"{P}:6:33: program.organisation.es: must not be blank"], id="blank-in-a-language"),
    pytest.param("  organisation: Guild\n  start: {en: 2027-03-01, es: 2027-03-02}",
                 [f"{P}:7:3: program.start: is the same in every language; write one value, not one per language"],
                 id="not-a-text"),
]


@pytest.mark.parametrize(("line", "expected"), VALUE_MISTAKES)
def test_per_language_value_mistakes(multi: Path, line: str, expected: list[str]) -> None:
    text = (multi / P).read_text().replace('  organisation: "Test Guild"\n', line.replace("\\n", "\n") + "\n")
    if "start:" in line:
        text = text.replace("  start: 2027-03-01\n", "", 1)
    (multi / P).write_text(text)
    assert _problems(multi) == expected


@pytest.mark.parametrize(("words", "expected"), [
    ("  fr: {mentee: {singular: mentoré, plural: mentorés}}", []),
    ("  fr: {mentee: mentoré}", [f"{P}:34:16: terminology.fr.mentee: give {{singular: ..., plural: ...}}: there is "
                                 "no French plural rule here to make the plural of 'mentoré'"]),
    ("  de: {mentee: Mentee}", [f"{P}:34:3: terminology.de: de is not in program.languages [en, es, fr]"]),
    ("  fr: mentoré", [f"{P}:34:7: terminology.fr: must be a mapping of the French words (mentee, mentor, mentoring, "
                      "program, program_manager)"]),
    ("  fr: {mentee: {singular: Guide, plural: Guides}}", [
        f"{P}:34:8: terminology.fr.mentee: is the same word as mentor ('guide'); the two roles need different words"]),
    ("  es: {mentee: {singular: a}}", [f"{P}:34:3: terminology.es: duplicate key (first defined at line 29)"]),
])
def test_terminology_per_language_mistakes(multi: Path, words: str, expected: list[str]) -> None:
    sheets = "worksheets: {paper_sizes: [a4]}"
    text = (multi / P).read_text().replace(sheets, words + "\n" + sheets)
    (multi / P).write_text(text)
    if expected:
        assert _problems(multi) == expected
    else:
        fr = load_program(multi, language="fr")
        # No French grammar here: English's, so that the built-in (English) pages still render
        assert (fr.terms.mentee, fr.terms.mentees, fr.terms.a_mentee) == ("mentoré", "mentorés", "a mentoré")


def test_each_language_gets_its_own_values_words_and_dates(multi: Path) -> None:
    en, es, fr = (load_program(multi, language=code) for code in ("en", "es", "fr"))
    assert [p.config.program.name for p in (en, es, fr)] == ["Tiny Test Program", "Programa de Prueba",
                                                             "Tiny Test Program"]
    assert [p.config.program.description for p in (en, es, fr)] == [
        "A two-month program used by the test suite.", "Un programa de dos meses para las pruebas.",
        "Un programme de deux mois pour les tests."]
    assert [p.config.branding.footer for p in (en, es, fr)] == ["Test Guild", "Gremio de Pruebas", "Test Guild"]
    words = ("mentor", "mentors", "a_mentor", "mentee", "mentees", "A_mentee", "program_manager", "program_managers",
             "program_word", "Mentoring")
    assert [es.facts[w] for w in words] == ["guía", "guías", "un guía", "aprendiz", "aprendices", "Una aprendiz",
                                            "responsable de programa", "responsables de programa", "programa",
                                            "Mentoría"]
    assert [en.facts[w] for w in words] == ["guide", "guides", "a guide", "apprentice", "apprentices", "An apprentice",
                                            "program manager", "program managers", "program", "Mentoring"]
    assert [fr.facts[w] for w in words] == [en.facts[w] for w in words]  # no French words: the English ones
    assert [p.facts["start"] for p in (en, es, fr)] == ["1 March 2027", "1 de marzo de 2027", "1 mars 2027"]
    assert es.long_date(es.config.program.end) == "26 de abril de 2027"
    assert [m.label for m in es.moments][:3] == ["Se abren las solicitudes", "Se cierran las solicitudes",
                                                 "Se forman las parejas"]
    assert [m.label for m in en.moments][:3] == ["Applications open", "Applications close", "Pairs are matched"]


def test_translations_replace_texts_and_the_rest_falls_back(multi: Path) -> None:
    es = load_program(multi, language="es")
    hello, rhythm = es.practices["mentors"]
    assert (hello.title, hello.summary, hello.how[1]) == ("Saluda", "Empieza con calidez para que una aprendiz se "
                                                          "sienta a gusto.", "Pregunta qué espera tu aprendiz.")
    # The rest of a practice is the original, filled with the default language's words.
    assert (rhythm.title, rhythm.summary) == ("Fija un ritmo", "Agree when and how you meet.")
    assert rhythm.how == ["Agree on a 45-minute meeting every 2 weeks on Tuesdays at 17:30, with a 10-minute "
                          "check-in every week in between."]
    sheet = es.worksheets[0]
    assert sheet.intro == ("Complétalo antes de ver a tu guía (una reunión de 45 minutos cada 2 semanas los martes a "
                           "las 17:30, con un breve seguimiento de 10 minutos cada semana entre una y otra).")
    assert [s.title for s in sheet.sections] == ["Sobre esta reunión", "Opciones", "Steps and signatures"]
    fields = {f.id: f for f in sheet.all_fields}
    assert (fields["areas"].options, fields["mode"].options) == (["Habilidades", "Contactos"], ["In person", "Online"])
    assert (fields["energy"].label, fields["energy"].low, fields["sign"].label) == (
        "Cuán preparada me siento", "Not ready", "Firmas")  # the signature's default heading, in Spanish
    assert [(p.path, p.title) for p in es.pages] == [("extra.md", "Página extra")]
    assert "Pregunta a Robin Tester (robin@example.org) por Programa de Prueba, que empieza el 1 de marzo de 2027." \
        in es.pages[0].markdown
    assert es.template("pages/about.md.j2") == "pages/about.es.md.j2"
    assert es.template("pages/conduct.md.j2") == "pages/conduct.md.j2"


# (kind, key, its language in es, in fr)
LANG_OF = [
    ("practice", "mentors/say-hello", "es", "en"),
    ("practice", "mentees/lead", "en", "en"),
    ("page", "mentors/say-hello.md", "es", "en"),
    ("page", "extra.md", "es", "en"),
    ("page", "about.md", "es", "en"),
    ("page", "conduct.md", "en", "en"),
    ("page", "mentors/index.md", "es", "fr"),  # its words are the message catalog's
    ("worksheet", "plan", "es", "en"),
    ("page", "worksheets/plan.md", "es", "en"),
    ("section", "plan/1", "es", "en"),
    ("section", "plan/3", "en", "en"),
    ("field", "plan/topic", "es", "en"),
    ("field", "plan/mode", "en", "en"),
    ("field", "plan/sign", "es", "fr"),  # its heading is the catalog's "Signatures"
]


def test_lang_of_says_which_texts_fell_back(multi: Path) -> None:
    en, es, fr = (load_program(multi, language=code) for code in ("en", "es", "fr"))
    assert [(k, key, es.lang_of(k, key), fr.lang_of(k, key)) for k, key, _, _ in LANG_OF] == LANG_OF
    assert {en.lang_of(k, key) for k, key, _, _ in LANG_OF} == {"en"}
    with pytest.raises(ValueError, match="unknown kind 'pages'"):
        es.lang_of("pages", "extra.md")


def test_what_a_language_lacks_is_listed_at_the_original(multi: Path) -> None:
    es = load_program(multi, language="es")
    missing = [str(m) for m in es.missing]
    assert missing[:4] == [
        'content/practices/mentors.yml:17:14: practices[2] "set-rhythm".summary: no Spanish (es) text',
        'content/practices/mentors.yml:18:11: practices[2] "set-rhythm".what: no Spanish (es) text',
        'content/practices/mentors.yml:19:10: practices[2] "set-rhythm".why: no Spanish (es) text',
        'content/practices/mentors.yml:20:5: practices[2] "set-rhythm".how: no Spanish (es) text',
    ]
    assert 'worksheets/plan.yml:17:58: sections[2] "Choices".fields[2] "mode".options: no Spanish (es) text' in missing
    assert 'worksheets/plan.yml:27:31: sections[3] "Steps and signatures".fields[1] "steps".columns[2] "done".label: ' \
           "no Spanish (es) text" in missing
    assert "templates/pages/conduct.md.j2:1:1: no Spanish (es) text" in missing
    assert not [m for m in missing if "program.yml" in m or "extra.md" in m or "about.md" in m]
    fr = [str(m) for m in load_program(multi, language="fr").missing]
    assert fr[:3] == ["content/program.yml:2:3: program.name: no French (fr) text",
                      "content/program.yml:24:1: terminology: no French (fr) words; the English ones are used (give "
                      "terminology.fr)",
                      "content/program.yml:36:3: branding.footer: no French (fr) text"]
    assert "content/pages/extra.md:1:1: no French (fr) text" in fr
    assert (len(missing), len(fr)) == (26, 63)
    assert load_program(multi).missing == []


def test_a_program_page_template_wins_over_our_translation(multi: Path, tmp_path: Path) -> None:
    from mentoring_site.languages import page_template

    _write(multi, "templates/pages/conduct.md.j2", "# Our own conduct page\n")
    assert page_template(multi, "pages/conduct.md.j2", "es") == ("pages/conduct.md.j2", False)
    _write(multi, "templates/pages/conduct.es.md.j2", "# Nuestra página\n")
    assert page_template(multi, "pages/conduct.md.j2", "es") == ("pages/conduct.es.md.j2", True)
    assert page_template(multi, "pages/about.md.j2", "fr") == ("pages/about.md.j2", False)
    assert page_template(multi, "pages/roles.md.j2", "en-GB") == ("pages/roles.md.j2", True)  # ours: English
    assert page_template(multi, "pages/conduct.md.j2", "en") == ("pages/conduct.md.j2", False)  # the program's own


# (the meetings as written, the rhythm in English, in Spanish)
RHYTHMS = [
    ("every_weeks: 1\n    length_minutes: 60", "a 60-minute meeting every week",
     "una reunión de 60 minutos cada semana"),
    ("every_weeks: 3\n    length_minutes: 80\n    weekday: friday", "an 80-minute meeting every 3 weeks on Fridays",
     "una reunión de 80 minutos cada 3 semanas los viernes"),
    ("every_weeks: 2\n    length_minutes: 1\n    time: \"09:00\"", "a 1-minute meeting every 2 weeks at 09:00",
     "una reunión de 1 minuto cada 2 semanas a las 09:00"),
    ("every_weeks: 4\n    length_minutes: 45\n    weekday: sunday\n    check_in: {every_weeks: 2, length_minutes: 11}",
     "a 45-minute meeting every 4 weeks on Sundays, with an 11-minute check-in every 2 weeks in between",
     "una reunión de 45 minutos cada 4 semanas los domingos, con un breve seguimiento de 11 minutos cada 2 semanas "
     "entre una y otra"),
]


@pytest.mark.parametrize(("meetings", "english", "spanish"), RHYTHMS)
def test_the_meeting_rhythm_in_each_language(multi: Path, meetings: str, english: str, spanish: str) -> None:
    text = (multi / P).read_text()
    start, end = text.index("    every_weeks: 2\n"), text.index("terminology:")
    (multi / P).write_text(text[:start] + "    " + meetings + "\n" + text[end:])
    en, es = load_program(multi), load_program(multi, language="es")
    assert (en.facts["meeting_rhythm"], es.facts["meeting_rhythm"]) == (english, spanish)
    assert es.facts["meeting_length"] == es.facts["meeting_rhythm"].split(" de ", 1)[1].split(" cada")[0]


@pytest.mark.parametrize(("word", "plural"), [
    ("mentor", "mentores"), ("mentorado", "mentorados"), ("guía", "guías"), ("aprendiz", "aprendices"),
    ("responsable del programa", "responsables del programa"), ("organización", "organizaciones"),
    ("inglés", "ingleses"), ("mes", "meses"), ("crisis", "crisis"), ("rey", "reyes"), ("sofá", "sofás"),
])
def test_spanish_plurals(word: str, plural: str) -> None:
    from mentoring_site.terms import spanish_plural

    assert spanish_plural(word) == plural


@pytest.mark.parametrize(("value", "forms"), [
    ("mentora", {"mentees": "mentoras", "a_mentee": "un mentora"}),  # a word alone: masculine article
    ("{singular: mentora, plural: mentoras, gender: feminine}", {"mentees": "mentoras", "a_mentee": "una mentora",
                                                                 "A_mentee": "Una mentora"}),
    ("{singular: Aprendiz, plural: Aprendices, gender: masculine}",
     {"Mentees": "Aprendices", "a_mentee": "un aprendiz"}),
])
def test_spanish_role_words(multi: Path, value: str, forms: dict[str, str]) -> None:
    text = (multi / P).read_text().replace("    mentee: {singular: aprendiz, plural: aprendices, gender: feminine}",
                                           f"    mentee: {value}")
    (multi / P).write_text(text)
    facts = load_program(multi, language="es").facts
    assert {k: facts[k] for k in forms} == forms


def _validate(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], list[str]]:
    from mentoring_site.cli import main

    code = main(["validate", str(root), *args])
    out, err = capsys.readouterr()
    return code, [ln for ln in out.splitlines() if not ln.startswith("Loaded")], err.splitlines()


def test_validate_counts_what_each_language_lacks(multi: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mentoring_site.messages import untranslated

    messages = len(untranslated(multi, "fr"))  # there is no fr.po: every message of our templates
    assert messages > 100 and untranslated(multi, "es") == []
    code, out, err = _validate(multi, capsys)
    assert (code, out, err) == (0, [
        f"OK: {multi} is valid (23 pages, 1 worksheets)",
        "es: 26 texts without a translation; run validate -v to list them",
        f"fr: {63 + messages} texts without a translation; run validate -v to list them",
    ], [])
    code, out, err = _validate(multi, capsys, "-v")
    assert code == 0 and len(out) == 3 + 26 + 63 + messages
    assert "  templates/messages/fr.po:1:1: msgid 'What it is': no French (fr) text (used at " \
           "templates/pages/practice.md.j2:" in "\n".join(out)
    assert out[2:4] == [
        '  content/practices/mentors.yml:17:14: practices[2] "set-rhythm".summary: no Spanish (es) text',
        '  content/practices/mentors.yml:18:11: practices[2] "set-rhythm".what: no Spanish (es) text']
    assert "  templates/pages/about.md.j2:1:1: no French (fr) text" in out


def test_a_lacking_message_is_shown_at_its_line_of_the_program_po(multi: Path) -> None:
    """A fr.po started from messages.pot (as the README says): each message it still lacks is
    shown at its msgid's line there, not at line 1."""
    from mentoring_site.assets import builtin_root
    from mentoring_site.languages import untranslated_messages

    pot = (builtin_root() / "templates/messages/messages.pot").read_text(encoding="utf-8")
    _write(multi, "templates/messages/fr.po", pot.replace('msgid "Tip"\nmsgstr ""', 'msgid "Tip"\nmsgstr "Astuce"'))
    line = pot.splitlines().index('msgid "What it is"') + 1
    out = [str(m) for m in untranslated_messages(multi, "fr")]  # what validate -v lists
    assert next(m for m in out if "'What it is'" in m).startswith(
        f"templates/messages/fr.po:{line}:1: msgid 'What it is': no French (fr) text (used at "
        "templates/pages/practice.md.j2:")
    assert not any("msgid 'Tip'" in m for m in out)


def test_strict_fails_on_what_a_language_lacks(multi: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _validate(multi, capsys, "--strict")
    assert (code, out) == (2, [])
    assert err[0] == "content/pages/extra.md:1:1: no French (fr) text"
    assert 'content/practices/mentees.yml:3:12: practices[1] "lead".title: no Spanish (es) or French (fr) text' in err
    from mentoring_site.messages import untranslated

    # one a place: 26 of es, 63 of fr (26 of them where es lacks one too), fr's messages (one a msgid)
    assert err[-1] == f"{63 + len({m for m, _ in untranslated(multi, 'fr')})} problems found; nothing was changed."


def test_build_strict_fails_on_what_a_language_lacks(multi: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from mentoring_site.cli import main

    assert main(["build", str(multi), "--strict", "--site-dir", str(tmp_path / "site")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert 'content/practices/mentees.yml:3:12: practices[1] "lead".title: no Spanish (es) or French (fr) text' in err
    assert err[-1].endswith("problems found; nothing was changed.") and not (tmp_path / "site").exists()


def test_validate_reports_every_language_s_mistakes_in_one_round(multi: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    _write(multi, "content/pages/extra.md", "# Extra page\n\n[gone](nowhere.md)\n")
    _write(multi, W, "title: Plan\nfilled_by: mentor\n")
    code, out, err = _validate(multi, capsys)
    assert (code, out) == (2, [])
    assert err == [
        "content/pages/extra.md:3:8: links to 'nowhere.md', which is no page or file of the site",
        f"{W}:2:1: filled_by: structure is defined in worksheets/plan.yml; a translation gives text only",
        "2 problems found; nothing was changed.",
    ]


# ---------------------------------------------------------------------------------------------
# A page that falls back is written wholly in the default language: its role words, facts,
# dates and template strings too (not the language's words inside the default language's text).


@pytest.fixture(scope="module")
def fallen_back() -> dict[str, dict[str, str | bytes]]:
    from mentoring_site.pages import render_pages

    return {code: render_pages(load_program(MULTI, language=code)).files for code in ("es", "fr")}


LEAD_IN_ENGLISH = """<div lang="en" markdown>

# Lead the pairing

*Practice 1 of 2 for apprentices*

You set up the meetings, not your Guide.

## What it is

Taking the initiative.

## Why it matters

Your guide gives time freely.

## How to do it

1. Send the invitation.

## Worksheets for this practice

No worksheet is tied to this practice; the [worksheets page](../worksheets/index.md) lists them all.


</div>
"""


@pytest.mark.parametrize(("code", "page", "line"), [
    # a practice with no Spanish text: headings, role words and counts in English (not "Qué es")
    ("es", "mentees/lead.md", LEAD_IN_ENGLISH),
    # the fixture's own conduct page has no Spanish twin: the English program name and role words
    # (not "Programa de Prueba", "guía", "aprendiz")
    ("es", "conduct.md", "Everyone in Tiny Test Program agrees to these points by taking part. They protect both"),
    ("es", "conduct.md", "- **Work.** The guide does not do the apprentice's work, and neither asks the other"),
    # French has no page templates: its timeline is the English one, with English dates (not "1 mars 2027")
    ("fr", "timeline.md", "Tiny Test Program runs from **1 March 2027** to **26 April 2027**. These are the moments"),
    ("fr", "timeline.md",
     "| 4 January 2027 | Applications open | Anyone who wants to join as a guide or an apprentice |"),
    ("fr", "mentors/say-hello.md", "*Practice 1 of 2 for guides*"),
])
def test_a_page_that_falls_back_is_wholly_in_the_default_language(
    fallen_back: dict[str, dict[str, str | bytes]], code: str, page: str, line: str
) -> None:
    text = fallen_back[code][page]
    assert isinstance(text, str) and text.startswith('<div lang="en" markdown>\n')
    if line.startswith("<div"):
        assert text == line
    else:
        assert line in text.splitlines()


def test_a_translated_page_keeps_the_language_s_own_words(fallen_back: dict[str, dict[str, str | bytes]]) -> None:
    text = fallen_back["es"]["mentors/say-hello.md"]
    assert isinstance(text, str) and not text.startswith("<div lang")
    assert text.splitlines()[:3] == ["# Saluda", "", "*Práctica 1 de 2 para guías*"]


# ---------------------------------------------------------------------------------------------
# A practice or worksheet translated in part: each text its translation leaves out is marked
# with the default language where it shows, on a page that is otherwise in the language.


@pytest.fixture(scope="module")
def in_part(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    root = Path(shutil.copytree(MULTI, tmp_path_factory.mktemp("in-part") / "multi"))
    _write(root, M, 'practices:\n  - id: say-hello\n    title: "Saluda"\n'
                    '    what: "Una primera conversación amable."\n')
    plan = root / W
    plan.write_text("".join(line for line in plan.read_text(encoding="utf-8").splitlines(True)
                            if not line.startswith("intro:")), encoding="utf-8")
    return root


SAY_HELLO_IN_PART = """# Saluda

*Práctica 1 de 2 para guías*

<div lang="en" markdown>

Open warmly so the apprentice feels at ease.

</div>

## En qué consiste

Una primera conversación amable.

## Por qué importa

<div lang="en" markdown>

Trust grows from small moments.

</div>

## Cómo hacerlo

<div lang="en" markdown>

1. Share something about your own start.
2. Ask what the apprentice hopes for.

</div>

## Preguntas que puedes hacer

<div lang="en" markdown>

- What brought you to Tiny Test Program?

</div>

## Errores que conviene evitar

<div lang="en" markdown>

- Talking only about yourself: ask, then listen.

</div>

!!! tip "Consejo"
    <div lang="en" markdown>

    Keep the first meeting light.

    </div>

## Hojas de trabajo para esta práctica

""" + ("Esta práctica no tiene una hoja de trabajo propia; en la [página de hojas de trabajo](../worksheets/index.md) "
       "están todas.\n")


def test_the_texts_a_practice_s_translation_leaves_out_are_marked(in_part: Path) -> None:
    import markdown

    from mentoring_site.htmlsafety import sanitise
    from mentoring_site.pages import render_pages
    from mentoring_site.siteconfig import MARKDOWN_EXTENSIONS

    text = render_pages(load_program(in_part, language="es")).files["mentors/say-hello.md"]
    assert text == SAY_HELLO_IN_PART
    # the tip's text, inside the admonition, is marked too, and the page as published keeps each mark
    html = sanitise(markdown.markdown(str(text), extensions=[e for e in MARKDOWN_EXTENSIONS if isinstance(e, str)]))
    assert html.count('<div lang="en">') == 6
    assert ('<p class="admonition-title">Consejo</p>\n<div lang="en">\n<p>Keep the first meeting light.</p>\n'
            '</div>') in html


def test_the_texts_a_worksheet_s_translation_leaves_out_are_marked(in_part: Path) -> None:
    from mentoring_site.pages import render_pages

    text = str(render_pages(load_program(in_part, language="es")).files["worksheets/plan.md"])
    assert text.splitlines()[:16] == [
        "# Plan de la reunión", "", "Planifica una reunión.", "",
        "**Quién la completa:** Aprendiz  ", "**Descarga:** [PDF A4](plan-a4.pdf)", "",
        # the practices with no Spanish text have their English titles, marked
        '**Prácticas relacionadas:** [Come prepared](../mentees/prepare.md){ lang="en" }, '
        '[Set a rhythm](../mentors/set-rhythm.md){ lang="en" }', "",
        '<div lang="en" markdown>', "", "Fill this in before you meet your guide.", "", "</div>", "",
        "## Vista previa {: #preview }",
    ]
    # the preview (and the PDF, from the same template) marks the intro too
    assert '<div class="ws-intro" lang="en"><p>Fill this in before you meet your guide.</p></div>' in text


@pytest.mark.parametrize(("kind", "key", "text", "language"), [
    ("practice", "mentors/say-hello", "title", "es"),
    ("practice", "mentors/say-hello", "what", "es"),
    ("practice", "mentors/say-hello", "why", "en"),
    ("practice", "mentors/say-hello", "tip", "en"),
    ("practice", "mentees/lead", "title", "en"),
    ("worksheet", "plan", "purpose", "es"),
    ("worksheet", "plan", "intro", "en"),
])
def test_lang_of_answers_for_each_text(in_part: Path, kind: str, key: str, text: str, language: str) -> None:
    assert load_program(in_part, language="es").lang_of(kind, key, text=text) == language
    assert load_program(in_part).lang_of(kind, key, text=text) == "en"


@pytest.mark.parametrize(("kind", "text", "message"), [
    ("section", "title", "lang_of: section has no texts of its own; text= is for practice, worksheet"),
    ("practice", "label", "lang_of: a practice has no text 'label'; one of title, summary, what, why, how, "
                          "questions, pitfalls, tip"),
])
def test_lang_of_refuses_a_text_it_does_not_know(kind: str, text: str, message: str) -> None:
    with pytest.raises(ValueError) as exc:
        load_program(MULTI, language="es").lang_of(kind, "plan/1", text=text)
    assert str(exc.value) == message


ROW_END = ('| Aprendiz | [<span class="ms-visually-hidden">{title}, </span>A4'
           '<span class="ms-visually-hidden"> PDF</span>](plan-a4.pdf) |')


@pytest.mark.parametrize(("left_out", "line", "row"), [
    ({"title"}, '- [Meeting plan](../worksheets/plan.md){ lang="en" }: Planifica una reunión.',
     '| [Meeting plan](plan.md){ lang="en" } | Planifica una reunión. ' + ROW_END.format(title="Meeting plan")),
    ({"title", "purpose"},
     '- [Meeting plan](../worksheets/plan.md){ lang="en" }: <span lang="en">Plan one meeting.</span>',
     '| [Meeting plan](plan.md){ lang="en" } | <span lang="en">Plan one meeting.</span> '
     + ROW_END.format(title="Meeting plan")),
    ({"intro"}, "- [Plan de la reunión](../worksheets/plan.md): Planifica una reunión.",
     "| [Plan de la reunión](plan.md) | Planifica una reunión. " + ROW_END.format(title="Plan de la reunión")),
])
def test_a_worksheet_listed_on_another_page_is_marked_where_it_falls_back(
    tmp_path: Path, left_out: set[str], line: str, row: str
) -> None:
    """On the practice pages that link it, and in the table of all worksheets."""
    import shutil

    from mentoring_site.pages import render_pages

    root = Path(shutil.copytree(MULTI, tmp_path / "multi"))
    plan = root / W
    plan.write_text("".join(kept for kept in plan.read_text(encoding="utf-8").splitlines(True)
                            if kept.split(":")[0] not in left_out), encoding="utf-8")
    files = render_pages(load_program(root, language="es")).files
    assert line in str(files["mentors/set-rhythm.md"]).splitlines()
    assert row in str(files["worksheets/index.md"]).splitlines()


def test_the_practices_page_marks_the_titles_and_summaries_that_fall_back(in_part: Path) -> None:
    from mentoring_site.pages import render_pages

    text = str(render_pages(load_program(in_part, language="es")).files["mentors/index.md"])
    assert text.split("\n\n", 2)[2].split("!!! note")[0] == (
        "## 1. [Saluda](say-hello.md)\n\n"  # translated, but not its summary
        '<div lang="en" markdown>\n\nOpen warmly so the apprentice feels at ease.\n\n</div>\n\n'
        '## 2. [Set a rhythm](set-rhythm.md) {: lang="en" }\n\n'  # no Spanish text at all
        '<div lang="en" markdown>\n\nAgree when and how you meet.\n\n</div>\n\n'
    )
