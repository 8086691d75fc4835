"""One round (issue 15): once program.yml is valid, the mistakes of the practices, worksheets,
pages, links and templates are all reported by the same run, sorted by file and line, by
`validate` and `build` alike, with a did-you-mean where one is close."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentoring_site.cli import main
from tests.conftest import KNOWN_PLACEHOLDERS

PAGE = "content/pages/faq.md"
SHEET = "worksheets/plan.yml"
MENTORS = "content/practices/mentors.yml"
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
]


@pytest.mark.parametrize(("files", "expected"), CASES)
@pytest.mark.parametrize("command", ["validate", "build"])
def test_every_mistake_shows_in_one_run(small: Path, capsys, command: str, files, expected: list[str]) -> None:
    for rel, edit in files:
        path = small / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(edit(path.read_text(encoding="utf-8") if path.exists() else ""), encoding="utf-8")
    code = main([command, str(small)])
    err = capsys.readouterr().err.splitlines()
    assert (code, err) == (2, [*expected, f"{len(expected)} problems found; nothing was changed."])
    assert not (small / "site").exists()


def test_a_mistake_in_program_yml_stops_the_run_first(small: Path, capsys) -> None:
    """Everything depends on program.yml: its mistakes are reported alone (as the README says)."""
    program = small / "content/program.yml"
    program.write_text(program.read_text(encoding="utf-8").replace("name:", "nmae:", 1), encoding="utf-8")
    (small / PAGE).write_text("# FAQ\n\n[x](nope.md) [[nope]]\n", encoding="utf-8")
    assert main(["validate", str(small)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert all(line.startswith("content/program.yml:") for line in err[:-1]), err


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
