"""Bad input: the exact messages a user sees, exit code 2, nothing changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mentoring_site.cli import main
from tests.conftest import KNOWN_PLACEHOLDERS, tree_digest

GOOD_PROGRAM = """\
program:
  name: "Tiny Test Program"
  organisation: "Test Guild"
  contact:
    name: "Robin Tester"
    email: "robin@example.org"
  start: 2027-03-01
  end: 2027-04-26
  meetings:
    every_weeks: 2
    length_minutes: 45
"""

P = "content/program.yml"

# (what is replaced in GOOD_PROGRAM, with what, the exact lines printed)
CASES = [
    pytest.param('name: "Tiny Test Program"', "name: no",
                 [f'{P}:2:9: program.name: must be text, not false (YAML reads unquoted no as false; write "no" in quotes)'],
                 id="unquoted-no"),
    pytest.param('name: "Tiny Test Program"', "name: on",
                 [f'{P}:2:9: program.name: must be text, not true (YAML reads unquoted on as true; write "on" in quotes)'],
                 id="unquoted-on"),
    pytest.param('name: "Tiny Test Program"', "name: 1.10",
                 [f'{P}:2:9: program.name: must be text, not 1.1 (YAML reads unquoted 1.10 as a number; write "1.10" in quotes)'],
                 id="version-number"),
    pytest.param('organisation: "Test Guild"', 'organisation: "Test Guild"\n  organisation: "Twice"',
                 [f"{P}:4:3: program.organisation: duplicate key (first defined at line 3)"],
                 id="duplicate-key"),
    pytest.param("  contact:", "  contakt:",
                 [f"{P}:4:3: program.contakt: unknown key; did you mean 'contact'? (known keys: name, organisation, contact, start, end, meetings, name_in_text, timeline, description, language, languages)"],
                 id="unknown-key-did-you-mean"),
    pytest.param("end: 2027-04-26", "end: 2027-02-30",
                 [f"{P}:8:8: program.end: 2027-02-30 is not a valid date (day is out of range for month)"],
                 id="impossible-date"),
    pytest.param("end: 2027-04-26", "end: next spring",
                 [f"{P}:8:8: program.end: must be a date written YYYY-MM-DD, not 'next spring'"],
                 id="not-a-date"),
    pytest.param("end: 2027-04-26", "end: 2027-01-01",
                 [f"{P}:8:8: program.end: end (2027-01-01) is before start (2027-03-01)"],
                 id="end-before-start"),
    # Two rules across keys over different keys: both in one run, in file order.
    pytest.param("start: 2027-03-01\n  end: 2027-04-26", "start: 1800-03-01\n  end: 1799-04-26",
                 [f"{P}:7:10: program.start: 1800-03-01 is not between the years 1900 and 2999",
                  f"{P}:8:8: program.end: 1799-04-26 is not between the years 1900 and 2999"],
                 id="start-out-of-range-and-end-before-it"),
    # A start past 2999 is the culprit, not the end before it: an end standing in could not come
    # after that start, and the whole program stood in (its languages too).
    pytest.param("start: 2027-03-01", "start: 3027-03-01",
                 [f"{P}:7:10: program.start: 3027-03-01 is not between the years 1900 and 2999"],
                 id="start-out-of-range-after-end"),
    pytest.param("start: 2027-03-01\n  end: 2027-04-26", "start: 1900-06-01\n  end: 1900-03-01",
                 [f"{P}:8:8: program.end: end (1900-03-01) is before start (1900-06-01)"],
                 id="end-before-start-in-1900"),
    pytest.param("every_weeks: 2", 'every_weeks: "two"',
                 [f"{P}:10:18: program.meetings.every_weeks: must be a whole number, not 'two'"],
                 id="wrong-type"),
    pytest.param("every_weeks: 2", "every_weeks: 0",
                 [f"{P}:10:18: program.meetings.every_weeks: must be between 1 and 12, not 0"],
                 id="out-of-range"),
    pytest.param('email: "robin@example.org"', "email: robin",
                 [f"{P}:6:12: program.contact.email: 'robin' is not an email address"],
                 id="bad-email"),
    pytest.param("  name: \"Tiny Test Program\"", "\tname: x",
                 [f"{P}:2:1: YAML syntax error: found character '\\t' that cannot start any token (tabs are not allowed for indentation in YAML; use spaces)"],
                 id="tab-indent"),
    pytest.param('name: "Tiny Test Program"', 'name: "unclosed',
                 [f"{P}:3:18: YAML syntax error: expected <block end>, but found '<scalar>' "
                  "(check the indentation of this line and the one before, and that every quote is closed)"],
                 id="unclosed-quote"),
    pytest.param('name: "Tiny Test Program"', "name: Our Scheme: Coaching",
                 [f"{P}:2:19: YAML syntax error: mapping values are not allowed here "
                  "(text with ': ' in it must be in quotes; otherwise check the indentation)"],
                 id="unquoted-colon"),
    pytest.param("length_minutes: 45", "length_minutes: 45\nbranding:\n  primary_color: #1a2b3c",
                 [f'{P}:13:17: branding.primary_color: is empty; expected text (a value starting with # is a YAML comment; write "#1a2b3c" in quotes)'],
                 id="unquoted-colour"),
    pytest.param("length_minutes: 45", 'length_minutes: 45\nbranding:\n  accent_color: "red"',
                 [f'{P}:13:17: branding.accent_color: \'red\' must be a colour written "#RRGGBB" (in quotes)'],
                 id="bad-colour"),
    pytest.param("length_minutes: 45", "length_minutes: 45\nworksheets:\n  paper_sizes: [a5]",
                 [f"{P}:13:17: worksheets.paper_sizes[1]: must be one of a4, letter, not 'a5'"],
                 id="bad-paper-size"),
    pytest.param("length_minutes: 45", "length_minutes: 45\nterminology:\n  mentor: {singular: Guide}",
                 [f"{P}:13:3: terminology.mentor: missing required key 'plural'"],
                 id="term-missing-plural"),
    pytest.param("length_minutes: 45", "length_minutes: 45\n    weekday: funday",
                 [f"{P}:12:14: program.meetings.weekday: must be one of monday, tuesday, wednesday, thursday, friday, saturday, sunday, not 'funday'"],
                 id="bad-weekday"),
    pytest.param("length_minutes: 45", "length_minutes: 45\n  language: klingon",
                 [f"{P}:12:13: program.language: 'klingon' is not a language code; write e.g. en, de or en-GB"],
                 id="bad-language"),
    pytest.param("length_minutes: 45", 'length_minutes: 45\nterminology:\n  mentee: "  "',
                 [f"{P}:13:11: terminology.mentee: must not be blank"],
                 id="blank-role-word"),
    pytest.param("length_minutes: 45", "length_minutes: 45\nterminology:\n  mentor: coach\n  mentee: Coach",
                 [f"{P}:14:11: terminology.mentee: is the same word as mentor ('coach'); the two roles need different words"],
                 id="same-role-words"),
    pytest.param("length_minutes: 45", "length_minutes: 45\n    check_in: {every_weeks: 2}",
                 [f"{P}:12:29: program.meetings.check_in.every_weeks: check-ins every 2 weeks would never "
                  "fall between meetings every 2 weeks; make it smaller, or leave out check_in"],
                 id="check-ins-never-fall-between"),
    pytest.param("length_minutes: 45", "length_minutes: 45\n    time: 9:30",
                 [f'{P}:12:11: program.meetings.time: must be text, not 570 (YAML reads unquoted 9:30 as a whole number; write "9:30" in quotes)'],
                 id="unquoted-time"),
    # The meeting calendar: weekday, time zone, skipped days, video link.
    pytest.param("length_minutes: 45", "length_minutes: 45\n    weekday: FUNDAY",
                 [f"{P}:12:14: program.meetings.weekday: must be one of monday, tuesday, wednesday, thursday, friday, saturday, sunday, not 'FUNDAY'"],
                 id="bad-weekday-capitals"),
    pytest.param("length_minutes: 45", 'length_minutes: 45\n    time: "10:00"\n    timezone: Mars/Olympus',
                 [f"{P}:13:15: program.meetings.timezone: 'Mars/Olympus' is not a time zone name; write an IANA name such as Europe/London, America/New_York or UTC"],
                 id="unknown-timezone"),
    pytest.param("length_minutes: 45", 'length_minutes: 45\n    time: "10:00"\n    timezone: CET',
                 [f"{P}:13:15: program.meetings.timezone: 'CET' is not a time zone name; write an IANA name such as Europe/London, America/New_York or UTC"],
                 id="legacy-timezone-abbreviation"),
    pytest.param("length_minutes: 45", "length_minutes: 45\n    timezone: Europe/London",
                 [f'{P}:12:15: program.meetings.timezone: a time zone needs a meeting time; add time: "HH:MM", or leave out timezone'],
                 id="timezone-without-time"),
    pytest.param("length_minutes: 45", "length_minutes: 45\n    skip: [2027-03-15, 2027-05-03]",
                 [f"{P}:12:24: program.meetings.skip[2]: 2027-05-03 is outside the program (2027-03-01 to 2027-04-26)"],
                 id="skip-outside-program"),
    pytest.param("length_minutes: 45", "length_minutes: 45\n    skip:\n      - {start: 2027-03-20, end: 2027-03-10}",
                 [f"{P}:13:34: program.meetings.skip[1].end: end (2027-03-10) is before start (2027-03-20)"],
                 id="skip-range-backwards"),
    pytest.param("length_minutes: 45", "length_minutes: 45\n    skip: [next week]",
                 [f"{P}:12:12: program.meetings.skip[1]: must be a date written YYYY-MM-DD, not 'next week'"],
                 id="skip-not-a-date"),
    pytest.param("length_minutes: 45", "length_minutes: 45\n    video_link: zoom.example/j/1",
                 [f"{P}:12:17: program.meetings.video_link: 'zoom.example/j/1' must be a web address starting with https://"],
                 id="video-link-not-an-address"),
    # The timeline: located at the key to change, in order, inside the program.
    pytest.param("length_minutes: 45", "length_minutes: 45\n  timeline:\n    matching: 2027-03-10",
                 [f"{P}:13:15: program.timeline.matching: 2027-03-10 is after kick_off (2027-03-01, computed; set it "
                  "to change it); the moments go in the order applications_open, applications_close, matching, "
                  "kick_off, first_meetings, mid_point_review, closing_event, feedback_survey"],
                 id="timeline-out-of-order"),
    pytest.param("length_minutes: 45", "length_minutes: 45\n  timeline:\n    kick_off: 2027-03-08\n    first_meetings: 2027-03-08",
                 [f"{P}:14:21: program.timeline.first_meetings: 2027-03-08 is on or before kick_off (2027-03-08); the "
                  "moments go in the order applications_open, applications_close, matching, kick_off, first_meetings, "
                  "mid_point_review, closing_event, feedback_survey"],
                 id="timeline-kick-off-not-before-first-meetings"),
    pytest.param("length_minutes: 45", "length_minutes: 45\n  timeline:\n    closing_event: 2027-05-10",
                 [f"{P}:13:20: program.timeline.closing_event: 2027-05-10 is outside the program (2027-03-01 to 2027-04-26)"],
                 id="timeline-outside-program"),
    pytest.param("length_minutes: 45", "length_minutes: 45\n  timeline:\n    feedback_survey: 2027-09-01",
                 [f"{P}:13:22: program.timeline.feedback_survey: 2027-09-01 is more than 12 weeks after end (2027-04-26)"],
                 id="timeline-survey-too-late"),
    pytest.param("length_minutes: 45", "length_minutes: 45\n  timeline:\n    applications_open: 2025-01-01",
                 [f"{P}:13:24: program.timeline.applications_open: 2025-01-01 is more than a year before start (2027-03-01)"],
                 id="timeline-applications-too-early"),
    pytest.param("length_minutes: 45", "length_minutes: 45\n  timeline:\n    kickoff: 2027-03-01",
                 [f"{P}:13:5: program.timeline.kickoff: unknown key; did you mean 'kick_off'? (known keys: applications_open, "
                  "applications_close, matching, kick_off, first_meetings, mid_point_review, closing_event, "
                  "feedback_survey, leave_out)"],
                 id="timeline-unknown-moment"),
    pytest.param("length_minutes: 45", "length_minutes: 45\n  timeline:\n    leave_out: [kickoff]",
                 [f"{P}:13:17: program.timeline.leave_out[1]: must be one of applications_open, applications_close, "
                  "matching, kick_off, first_meetings, mid_point_review, closing_event, feedback_survey, not 'kickoff'"],
                 id="timeline-leave-out-unknown"),
    pytest.param("end: 2027-04-26", "end: 2027-03-01\n  timeline: {}",
                 [f"{P}:9:3: program.timeline: no meeting day falls between the kick-off and end (2027-03-01); "
                  "move the kick-off earlier, or list kick_off under leave_out"],
                 id="timeline-no-room-for-meetings"),
    # How the program is named and called.
    pytest.param('name: "Tiny Test Program"', 'name: "Tiny Test Program"\n  name_in_text: " "',
                 [f"{P}:3:17: program.name_in_text: must not be blank"],
                 id="blank-name-in-text"),
    pytest.param("length_minutes: 45", 'length_minutes: 45\nterminology:\n  program: ""',
                 [f"{P}:13:12: terminology.program: must not be blank"],
                 id="blank-program-word"),
    pytest.param("length_minutes: 45", "length_minutes: 45\nterminology:\n  mentor: scheme manager\n  program: scheme",
                 [f"{P}:14:12: terminology.program: makes the program manager's word 'scheme manager', the same as a "
                  "role's word; set program_manager to another word"],
                 id="program-word-makes-manager-clash"),
    # What the operations pages are filled with.
    pytest.param("length_minutes: 45", 'length_minutes: 45\napplying:\n  criteria: "same site"',
                 [f"{P}:13:13: applying.criteria: must be a list, not 'same site'"],
                 id="criteria-not-a-list"),
    pytest.param("length_minutes: 45", 'length_minutes: 45\nsupport_services:\n  - {name: "Helpline"}',
                 [f"{P}:13:5: support_services[1] \"Helpline\": missing required key 'about'"],
                 id="support-service-without-about"),
    pytest.param("length_minutes: 45",
                 'length_minutes: 45\nsupport_services:\n  - {name: "Helpline", about: "Talk", url: "help.example"}',
                 [f"{P}:13:44: support_services[1] \"Helpline\".url: 'help.example' must be a web address "
                  "starting with https://"],
                 id="support-service-url"),
    pytest.param("length_minutes: 45", 'length_minutes: 45\nconcerns: {name: "Dana", email: "dana"}',
                 [f"{P}:12:33: concerns.email: 'dana' is not an email address"],
                 id="concerns-email"),
]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(argv)
    return code, capsys.readouterr().err.splitlines()


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_bad_program_yml(small: Path, capsys, old: str, new: str, expected: list[str]) -> None:
    text = GOOD_PROGRAM.replace(old, new, 1)
    assert text != GOOD_PROGRAM
    (small / P).write_text(text, encoding="utf-8")
    code, err = run(["validate", str(small)], capsys)
    assert code == 2
    n = len(expected)
    assert err == [*expected, f"{n} problem{'s' if n != 1 else ''} found; nothing was changed."]


def test_good_program_is_valid(small: Path, capsys) -> None:
    (small / P).write_text(GOOD_PROGRAM, encoding="utf-8")
    assert main(["validate", str(small)]) == 0


def test_all_problems_of_all_files_in_one_run(small: Path, capsys) -> None:
    practices = small / "content/practices/mentors.yml"
    practices.write_text(practices.read_text().replace("title: \"Say hello\"", "titel: \"Say hello\""))
    sheet = small / "worksheets/plan.yml"
    sheet.write_text(sheet.read_text().replace("type: scale", "type: scael").replace("[[mentor]]", "[[mentr]]"))
    code, err = run(["validate", str(small)], capsys)
    assert code == 2
    assert err == [
        'content/practices/mentors.yml:3:5: practices[1] "say-hello".titel: '
        "unknown key; did you mean 'title'? "
        "(known keys: id, title, summary, what, why, how, questions, pitfalls, tip)",
        "worksheets/plan.yml:4:8: intro: unknown placeholder [[mentr]]; did you mean [[mentor]], [[mentors]] or "
        f"[[a_mentor]]? ({KNOWN_PLACEHOLDERS})",
        'worksheets/plan.yml:18:16: sections[2] "Choices".fields[3] "energy".type: '
        "unknown field type 'scael'; did you mean "
        "'scale'? (known types: text, long_text, checkboxes, choice, scale, date, signature, table, note)",
        "3 problems found; nothing was changed.",
    ]


@pytest.mark.parametrize(("written", "meant"), [
    ("textarea", "'long_text'"),  # what HTML forms call it
    ("multiline", "'long_text'"),
    ("Long text", "'long_text'"),
    ("paragraph", "'long_text'"),
    ("txt", "'text'"),  # a close spelling
    ("checkbox", "'checkboxes'"),
    ("radio", "'choice'"),
    ("dropdown", "'choice'"),
    ("rating", "'scale'"),
    ("grid", "'table'"),
])
def test_unknown_field_type_suggests_the_one_meant(small: Path, capsys, written: str, meant: str) -> None:
    sheet = small / "worksheets/plan.yml"
    sheet.write_text(sheet.read_text().replace("{type: long_text, id: hopes", f"{{type: {written}, id: hopes"))
    code, err = run(["validate", str(small)], capsys)
    assert code == 2
    assert err[0] == (
        'worksheets/plan.yml:12:16: sections[1] "About this meeting".fields[3] "hopes".type: '
        f"unknown field type {written!r}; did you mean "
        f"{meant}? (known types: text, long_text, checkboxes, choice, scale, date, signature, table, note)"
    )


def test_unknown_field_type_without_a_likely_meaning_lists_the_types(small: Path, capsys) -> None:
    sheet = small / "worksheets/plan.yml"
    sheet.write_text(sheet.read_text().replace("{type: long_text, id: hopes", "{type: zigzag, id: hopes"))
    code, err = run(["validate", str(small)], capsys)
    assert code == 2
    assert err[0] == (
        'worksheets/plan.yml:12:16: sections[1] "About this meeting".fields[3] "hopes".type: '
        "unknown field type 'zigzag' "
        "(known types: text, long_text, checkboxes, choice, scale, date, signature, table, note)"
    )


def test_a_tables_rules_are_all_reported_in_one_run(small: Path, capsys) -> None:
    sheet = small / "worksheets/plan.yml"
    text = sheet.read_text().replace("rows: 2", "rows: 40")
    sheet.write_text(text.replace('{id: done, label: "Done"', '{id: step, label: "Done"'))  # a second "step"
    code, err = run(["validate", str(small)], capsys)
    assert code == 2
    assert err == [
        'worksheets/plan.yml:24:15: sections[3] "Steps and signatures".fields[1] "steps".rows: '
        "must be between 1 and 30, not 40",
        'worksheets/plan.yml:25:9: sections[3] "Steps and signatures".fields[1] "steps".columns: '
        "two columns have the same id",
        "2 problems found; nothing was changed.",
    ]


def test_role_words_are_judged_beside_a_wrong_activity_word(small: Path, capsys) -> None:
    program = small / "content/program.yml"
    program.write_text(program.read_text().replace("  mentor: Guide", "  mentor: Apprentice\n  mentoring: 5"))
    code, err = run(["validate", str(small)], capsys)
    assert code == 2
    assert err == [
        'content/program.yml:18:14: terminology.mentoring: must be text, not 5 (YAML reads unquoted 5 as a whole '
        'number; write "5" in quotes)',
        "content/program.yml:19:3: terminology.mentee: is the same word as mentor ('apprentice'); the two roles need "
        "different words",
        "2 problems found; nothing was changed.",
    ]


def test_worksheet_must_name_real_practices(small: Path, capsys) -> None:
    sheet = small / "worksheets/plan.yml"
    sheet.write_text(sheet.read_text().replace("mentees/prepare", "mentees/prepair"))
    code, err = run(["validate", str(small)], capsys)
    assert code == 2
    assert err[0] == (
        "worksheets/plan.yml:6:13: practices[1]: no practice 'mentees/prepair' "
        "(write mentors/<id> or mentees/<id>)"
    )


def test_failed_build_leaves_site_untouched(small: Path, capsys) -> None:
    assert main(["build", str(small), "-q"]) == 0
    before = tree_digest(small / "site")
    (small / P).write_text(GOOD_PROGRAM.replace("end: 2027-04-26", "end: 2027-01-01"))
    assert main(["build", str(small), "-q"]) == 2
    assert tree_digest(small / "site") == before
    assert not [p for p in small.iterdir() if p.name.startswith(".site.")]  # no half-built leftovers


@pytest.mark.parametrize(("command", "other"), [
    (["build", "{program}", "--site-dir", "{target}"], "another --site-dir"),
    (["export", "{program}", "{target}"], "another output folder"),  # export has no --site-dir
])
def test_refuses_to_replace_a_folder_it_did_not_make(small: Path, capsys, command: list[str], other: str) -> None:
    target = small / "mine"
    target.mkdir()
    (target / "precious.txt").write_text("keep me")
    code, err = run([arg.format(program=small, target=target) for arg in command], capsys)
    assert code == 2
    assert err == [
        f"error: refusing to replace {target}: it was not made by mentoring-site "
        f"(no .mentoring-site-output file); remove it yourself or choose {other}"
    ]
    assert (target / "precious.txt").read_text() == "keep me"


@pytest.mark.parametrize("where", [".", "content/site", ".."])
def test_refuses_site_dir_over_the_program(small: Path, capsys, where: str) -> None:
    code, err = run(["build", str(small), "--site-dir", str(small / where)], capsys)
    assert code == 2
    assert err[0].startswith("error: refusing to publish into")


def test_cli_shows_no_traceback(small: Path) -> None:
    (small / P).write_text("program: [\n")
    result = subprocess.run(
        [sys.executable, "-m", "mentoring_site", "build", str(small)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("content/program.yml:2:1: YAML syntax error")
    assert not (small / "site").exists()


def test_alias_bomb_is_bounded(small: Path, capsys) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]" for i in range(1, 9)]
    (small / P).write_text("\n".join(lines) + "\n")
    code, err = run(["validate", str(small)], capsys)
    assert code == 2
    assert "more than 100000 values (alias bomb?)" in err[0]


def test_missing_program_folder_is_named(tmp_path: Path, capsys) -> None:
    code, err = run(["build", str(tmp_path / "nowhere")], capsys)
    assert code == 2
    assert err == [f"error: {tmp_path / 'nowhere'} is not a folder; give the folder that holds content/program.yml"]


def test_folder_without_a_program_says_how_to_start(tmp_path: Path, capsys) -> None:
    code, err = run(["validate", str(tmp_path)], capsys)
    assert code == 2
    assert err[0] == (
        f"content/program.yml:1:1: not found in {tmp_path.resolve()}: every program needs "
        "content/program.yml (`mentoring-site new DIR` creates a program to start from)"
    )


def test_broken_links_in_extra_pages_are_located(small: Path, capsys) -> None:
    (small / "content/pages/links.md").write_text(
        "# Links\n\nSee [roles](roles.md) and [home](index.md#top).\n\n"
        "Then [the rules](rules.md) and ![a diagram](img/plan.png \"Plan\").\n",
        encoding="utf-8",
    )
    code, err = run(["validate", str(small)], capsys)
    assert code == 2
    assert err == [
        "content/pages/links.md:5:18: links to 'rules.md', which is no page or file of the site; "
        "did you mean 'roles.md'?",
        "content/pages/links.md:5:45: links to 'img/plan.png', which is no page or file of the site",
        "2 problems found; nothing was changed.",
    ]


def test_links_from_the_sites_root_are_refused_with_the_relative_link_to_write(small: Path, capsys) -> None:
    """`/roles/` works only where the site is at the root of its host, not in a subfolder (GitHub
    or GitLab Pages): the page says which relative link to write instead."""
    (small / "content/pages/guide/first.md").parent.mkdir(parents=True)
    (small / "content/pages/guide/first.md").write_text(
        "# First\n\nSee [roles](/roles/), [home](/) and [gone](/nowhere/).\n\nAnd [a host](//example.org/x).\n",
        encoding="utf-8",
    )
    root = "a link from the site's root, which leads nowhere when the site is published in a subfolder " \
           "(as on GitHub or GitLab Pages)"
    for command in ("validate", "build"):
        code, err = run([command, str(small)], capsys)
        assert code == 2
        assert err == [
            f"content/pages/guide/first.md:3:13: links to '/roles/', {root}; write it relative to this page: "
            "'../roles.md'",
            f"content/pages/guide/first.md:3:30: links to '/', {root}; write it relative to this page: '../index.md'",
            f"content/pages/guide/first.md:3:44: links to '/nowhere/', {root}",
            "3 problems found; nothing was changed.",
        ]


def test_unknown_role_word_in_a_template_names_the_words_there_are(small: Path, capsys) -> None:
    (small / "templates/pages").mkdir(parents=True)
    (small / "templates/pages/roles.md.j2").write_text("# Roles\n\nFor {{ t.Coachees }}\n", encoding="utf-8")
    code, err = run(["validate", str(small)], capsys)
    assert code == 2
    assert err[0] == (
        "templates/pages/roles.md.j2:3:1: template error: there is no word t.Coachees (use the role names: "
        "t.A_mentee, t.A_mentor, t.A_program_manager, t.Mentee, t.Mentees, t.Mentor, t.Mentoring, t.Mentors, "
        "t.Program_manager, t.Program_managers, t.Program_word, t.Program_words, t.a_mentee, t.a_mentor, "
        "t.a_program_manager, t.mentee, t.mentees, t.mentor, t.mentoring, t.mentors, t.program_manager, "
        "t.program_managers, t.program_word, t.program_words)"
    )
