"""One round (issue 15): the mistakes of program.yml, the practices, worksheets, pages, links and
templates (pages, stylesheet, worksheets, printed handbook), in every language, are all reported
by the same run, sorted by file and line, by `validate` and `build` alike, with a did-you-mean
where one is close; nothing on disk changes. A wrong value of program.yml stands in as if its key
were absent while the rest is checked, and what follows only from it is not reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentoring_site.cli import main
from tests.conftest import KNOWN_PLACEHOLDERS, tree_digest

PAGE = "content/pages/faq.md"
SHEET = "worksheets/plan.yml"
MENTORS = "content/practices/mentors.yml"
PROGRAM = "content/program.yml"
DEAD = "which is no page or file of the site"


def written(text: str):
    return lambda _old: text


def replaced(old: str, new: str):
    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)
    return edit


# (files: [(path, edit of its text, "" when new)], the exact lines printed before the summary)
CASES = [
    pytest.param(
        [(PAGE, written("# FAQ\n\nAsk your [[mentr]].\n"
                        "See [the questions](fac.md) and [a practice](mentors/say-hello).\n"))],
        [f"{PAGE}:3:10: unknown placeholder [[mentr]]; did you mean [[mentor]], [[mentors]] or [[a_mentor]]? "
         f"({KNOWN_PLACEHOLDERS})",
         f"{PAGE}:4:21: links to 'fac.md', {DEAD}; did you mean 'faq.md'?",
         f"{PAGE}:4:46: links to 'mentors/say-hello', {DEAD}; did you mean 'mentors/say-hello.md'?"],
        id="placeholder-and-links-in-one-page"),
    pytest.param(
        [(SHEET, replaced("type: scale", "type: scael")),
         # the worksheet's own page and PDF are not reported as dead: the worksheet is what is wrong
         (PAGE, written("# FAQ\n\n[Plan](worksheets/plan.md), [PDF](worksheets/plan-a4.pdf), [x](../rolse.md).\n"))],
        [f"{PAGE}:3:64: links to '../rolse.md', {DEAD}; did you mean 'roles.md'?",
         f'{SHEET}:18:16: sections[2] "Choices".fields[3] "energy".type: unknown field type \'scael\'; did you mean '
         "'scale'? (known types: text, long_text, checkboxes, choice, scale, date, signature, table, note)"],
        id="worksheet-field-and-page-link"),
    pytest.param(
        [("templates/pages/roles.md.j2", written("# {{ program.nmae }}\n")),
         (PAGE, written("# FAQ\n\nSee [roles](roles.md) and [more](nope.md).\n"))],
        [f"{PAGE}:3:34: links to 'nope.md', {DEAD}",
         "templates/pages/roles.md.j2:1:1: template error: 'mentoring_site.model.Program object' has no attribute "
         "'nmae'"],
        id="page-template-and-page-link"),
    pytest.param(
        [("templates/worksheets/worksheet.html.j2", written("{{ sheet.titel }}\n")),
         (MENTORS, replaced('what: "A friendly', 'what: "A [friendly](../fac.md)')),
         (PAGE, written("# FAQ\n"))],
        [f'{MENTORS}:5:11: practices[1] "say-hello".what: links to \'../fac.md\', {DEAD} (on the page '
         "mentors/say-hello.md); did you mean '../faq.md'?",
         "templates/worksheets/worksheet.html.j2:1:1: template error: 'mentoring_site.program.Worksheet object' "
         "has no attribute 'titel'"],
        id="worksheet-template-and-text-link"),
    pytest.param(
        [(MENTORS, replaced('title: "Say hello"', 'titel: "Say hello"')),
         (SHEET, replaced("[[mentor]]", "[[Mentr]]")),
         ("templates/site/mentoring.css.j2", written("{{ branding.colour }}\n")),
         # a link to a practice of the broken file is not judged; the other one is
         (PAGE, written("# FAQ\n\n[Hello](mentors/say-hello.md) or [[contact_nme]] [here](mentees/prepar.md).\n"))],
        [f"{PAGE}:3:34: unknown placeholder [[contact_nme]]; did you mean [[contact_name]] or [[contact_email]]? "
         f"({KNOWN_PLACEHOLDERS})",
         f"{PAGE}:3:57: links to 'mentees/prepar.md', {DEAD}; did you mean 'mentees/prepare.md'?",
         f'{MENTORS}:3:5: practices[1] "say-hello".titel: unknown key; did you mean \'title\'? (known keys: id, title, '
         "summary, what, why, how, questions, pitfalls, tip)",
         "templates/site/mentoring.css.j2:1:1: template error: 'mentoring_site.model.Branding object' has no "
         "attribute 'colour'",
         f"{SHEET}:4:8: intro: unknown placeholder [[Mentr]]; did you mean [[Mentor]], [[Mentors]] or [[mentor]]? "
         f"({KNOWN_PLACEHOLDERS})"],
        id="practice-key-sheet-placeholder-stylesheet-and-page"),
    pytest.param(
        [(PROGRAM, replaced('  name: "Tiny', '  nmae: "Tiny')),  # unknown key: `name` stands in
         (PROGRAM, replaced("start: 2027-03-01", "start: next spring")),  # not a date: the timeline waits
         (PROGRAM, replaced("booklet: {enabled: false}", 'branding: {primary_color: "#1f4e7"}')),
         (SHEET, replaced("type: scale", "type: scael")),
         ("templates/pages/roles.md.j2", written("# {{ program.nmae }}\n")),
         # [[start]] and [[program]] exist though their values are wrong: not reported
         (PAGE, written("# FAQ\n\nFrom [[start]] in [[program]]: [[mentr]] and [x](nope.md).\n"))],
        [f"{PAGE}:3:32: unknown placeholder [[mentr]]; did you mean [[mentor]], [[mentors]] or [[a_mentor]]? "
         f"({KNOWN_PLACEHOLDERS})",
         f"{PAGE}:3:50: links to 'nope.md', {DEAD}",
         f"{PROGRAM}:2:3: program.nmae: unknown key; did you mean 'name'? (known keys: name, organisation, contact, "
         "start, end, meetings, name_in_text, timeline, description, language, languages)",
         f"{PROGRAM}:8:10: program.start: must be a date written YYYY-MM-DD, not 'next spring'",
         f"{PROGRAM}:22:27: branding.primary_color: '#1f4e7' must be a colour written \"#RRGGBB\" (in quotes)",
         "templates/pages/roles.md.j2:1:1: template error: 'mentoring_site.model.Program object' has no attribute "
         "'nmae'",
         f'{SHEET}:18:16: sections[2] "Choices".fields[3] "energy".type: unknown field type \'scael\'; did you mean '
         "'scale'? (known types: text, long_text, checkboxes, choice, scale, date, signature, table, note)"],
        id="program-yml-with-page-worksheet-and-template"),
    pytest.param(
        # the printed handbook's template is rendered in the same round; its PDFs are published,
        # so a link to one is no dead link
        [(PROGRAM, replaced("booklet: {enabled: false}", "booklet: {enabled: true, worksheet: false}")),
         (PROGRAM, replaced('email: "robin@example.org"', 'email: "robin at example.org"')),
         ("templates/booklet/booklet.html.j2", written("{{ program.nmae }}\n")),
         (MENTORS, replaced('what: "A friendly', 'what: "A [friendly](../fac.md)')),
         (PAGE, written("# FAQ\n\nWrite to [[contact_email]]; [print](handbook-a4.pdf), [plan](worksheets/plan.md).\n"))],
        [f'{MENTORS}:5:11: practices[1] "say-hello".what: links to \'../fac.md\', {DEAD} (on the page '
         "mentors/say-hello.md); did you mean '../faq.md'?",
         f"{PROGRAM}:7:12: program.contact.email: 'robin at example.org' is not an email address",
         f"{PROGRAM}:22:26: booklet.worksheet: unknown key; did you mean 'worksheets'? (known keys: enabled, "
         "worksheets)",
         "templates/booklet/booklet.html.j2:1:1: template error: 'mentoring_site.model.Program object' has no "
         "attribute 'nmae'"],
        id="booklet-template-with-program-yml-and-a-text-link"),
    pytest.param(
        # a program in two languages: the Spanish run's mistakes come with the default language's
        [(PROGRAM, replaced('  organisation: "Test Guild"\n', '  organisation: "Test Guild"\n  languages: [en, es]\n')),
         (PROGRAM, replaced("every_weeks: 2", "every_weeks: 20")),
         ("content/practices/mentors.es.yml", written("practices:\n  - id: say-helo\n    title: Saluda\n")),
         (PAGE, written("# FAQ\n\nEvery [[meeting_interval]]: [x](nope.md).\n"))],
        [f"{PAGE}:3:33: links to 'nope.md', {DEAD}",
         "content/practices/mentors.es.yml:2:9: practices[1] \"Saluda\".id: no practice 'say-helo' in "
         f"{MENTORS}; did you mean 'say-hello'?",
         f"{PROGRAM}:12:18: program.meetings.every_weeks: must be between 1 and 12, not 20"],
        id="two-languages-program-yml-and-a-translation"),
]


@pytest.mark.parametrize(("files", "expected"), CASES)
@pytest.mark.parametrize("command", ["validate", "build"])
def test_every_mistake_shows_in_one_run(small: Path, capsys, command: str, files, expected: list[str]) -> None:
    for rel, edit in files:
        path = small / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(edit(path.read_text(encoding="utf-8") if path.exists() else ""), encoding="utf-8")
    before = tree_digest(small)
    code = main([command, str(small)])
    err = capsys.readouterr().err.splitlines()
    assert (code, err) == (2, [*expected, f"{len(expected)} problems found; nothing was changed."])
    assert tree_digest(small) == before  # no site/, no .mentoring-site/, nothing rewritten


def test_strict_reports_stand_ins_with_the_other_mistakes(small: Path, capsys) -> None:
    program = small / "content/program.yml"
    program.write_text(program.read_text(encoding="utf-8").replace('"Test Guild"', '"Your Organisation"'),
                       encoding="utf-8")
    (small / PAGE).write_text("# FAQ\n\n[x](nope.md)\n", encoding="utf-8")
    assert main(["build", str(small), "--strict", "-q"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{PAGE}:3:5: links to 'nope.md', {DEAD}",
        "content/program.yml:3:17: program.organisation: still the stand-in 'Your Organisation' from "
        "`mentoring-site new`; write the real details, or remove the key if it is optional",
        "2 problems found; nothing was changed.",
    ]
    assert not (small / "site").exists()


SPANISH = ("content/practices/mentors.es.yml", "practices:\n  - id: say-hello\n    title: Saluda\n")
ORGANISATION = '  organisation: "Test Guild"\n'

# (edits of program.yml, a file to add, the exact problems): each mistake is reported, and
# nothing that follows only from what stands in for it
STAND_INS = [
    pytest.param([(ORGANISATION, ORGANISATION + "  languages: [en, es, es, spanish]\n"),
                  ('name: "Tiny Test Program"', "name: {en: Tiny, es: Diminuto}")], SPANISH,
                 [f"{PROGRAM}:4:23: program.languages[3]: lists es twice",
                  f"{PROGRAM}:4:27: program.languages[4]: 'spanish' is not a language code; did you mean es?"],
                 id="languages-keep-the-right-codes"),
    pytest.param([(ORGANISATION, ORGANISATION + "  languages: english, spanish\n"),
                  ('name: "Tiny Test Program"', "name: {en: Tiny, es: Diminuto}")], SPANISH,
                 [f"{PROGRAM}:4:14: program.languages: must be a list, not 'english, spanish'"],
                 id="languages-wrong-codes-not-judged"),
    pytest.param([(ORGANISATION, ORGANISATION + "  languages: [english, es]\n"),
                  ('name: "Tiny Test Program"', "name: {en: Tiny, es: Diminuto}")], SPANISH,
                 [f"{PROGRAM}:4:15: program.languages[1]: 'english' is not a language code; did you mean en?"],
                 id="a-wrong-default-language-no-text-judged"),
    # English stands in as the default: Spanish words' placeholders are not judged by English's
    pytest.param([(ORGANISATION, ORGANISATION + "  languages: [spanish, en]\n")], (PAGE, "# FAQ\n\n[[el_mentor]]\n"),
                 [f"{PROGRAM}:4:15: program.languages[1]: 'spanish' is not a language code; did you mean es?"],
                 id="a-wrong-default-language-no-placeholder-judged"),
    pytest.param([("start: 2027-03-01", "start: 2027-03-01\n  timeline: {kick_off: 2027-03-02}"),
                  ("end: 2027-04-26", "end: 2027-02-26"),
                  ("      length_minutes: 10", "      length_minutes: 10\n    skip: [2027-04-05]")], None,
                 [f"{PROGRAM}:10:8: program.end: end (2027-02-26) is before start (2027-03-01)"],
                 id="rule-culprit-stands-in"),
    pytest.param([("start: 2027-03-01", "start: next spring\n  timeline: {matching: 2027-02-15}")], None,
                 [f"{PROGRAM}:8:10: program.start: must be a date written YYYY-MM-DD, not 'next spring'"],
                 id="the-timeline-waits-for-a-right-start"),
    # a list with a wrong item stands in whole (both sizes): the letter PDF the item meant is there
    pytest.param([("worksheets: {paper_sizes: [a4]}", "worksheets: {paper_sizes: [a4, leter]}"),
                  ("      every_weeks: 1\n", "      every_weeks: 3\n")],
                 (PAGE, "# FAQ\n\n[Print](worksheets/plan-letter.pdf)\n"),
                 [f"{PROGRAM}:14:20: program.meetings.check_in.every_weeks: check-ins every 3 weeks would never "
                  "fall between meetings every 2 weeks; make it smaller, or leave out check_in",
                  f"{PROGRAM}:21:32: worksheets.paper_sizes[2]: must be one of a4, letter, not 'leter'"],
                 id="a-list-with-a-wrong-item-stands-in-whole"),
    pytest.param([("    length_minutes: 45\n", '    length_minutes: 45\n    time: "25:00"\n    timezone: Europe/London\n')],
                 None,
                 [f'{PROGRAM}:13:11: program.meetings.time: \'25:00\' must be a 24-hour time written "HH:MM" (in quotes)'],
                 id="a-rule-that-reads-a-stand-in-waits"),
    pytest.param([("  end: 2027-04-26\n", "")], None,
                 [f"{PROGRAM}:1:1: program: missing required key 'end'"], id="missing-required-key"),
    # the role words' forms follow the language: [[el_mentor]] may be right in the one meant
    pytest.param([("program:\n", "program:\n  language: klingon\n")], (PAGE, "# FAQ\n\n[[el_mentor]]\n"),
                 [f"{PROGRAM}:2:13: program.language: 'klingon' is not a language code; write e.g. en, de or en-GB"],
                 id="language"),
]


@pytest.mark.parametrize(("edits", "added", "expected"), STAND_INS)
def test_what_follows_from_a_stand_in_is_not_reported(small: Path, capsys, edits, added, expected: list[str]) -> None:
    program = small / PROGRAM
    text = program.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    program.write_text(text, encoding="utf-8")
    if added:
        (small / added[0]).write_text(added[1], encoding="utf-8")
    assert main(["validate", str(small)]) == 2
    summary = f"{len(expected)} problem{'s' if len(expected) > 1 else ''} found; nothing was changed."
    assert capsys.readouterr().err.splitlines() == [*expected, summary]


def test_program_yml_that_does_not_parse_is_reported_alone(small: Path, capsys) -> None:
    """YAML that does not parse cannot be read at all: nothing stands in for it."""
    (small / PROGRAM).write_text("program:\n  name: [Tiny\n", encoding="utf-8")
    (small / PAGE).write_text("# FAQ\n\n[x](nope.md) [[nope]]\n", encoding="utf-8")
    assert main(["validate", str(small)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[0].startswith(f"{PROGRAM}:"), err
