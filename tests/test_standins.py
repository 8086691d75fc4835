"""Stand-ins left by `mentoring-site new` are warned about at their line, and `--strict` refuses them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mentoring_site.cli import main
from mentoring_site.scaffold import new_program

P = "content/program.yml"
HOW = "from `mentoring-site new`; write the real details, or remove the key if it is optional"


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    new_program(tmp_path / "ours", name="Our Scheme", report=lambda _: None)
    return tmp_path / "ours"


def test_validate_lists_every_stand_in_at_its_line(fresh: Path, capsys) -> None:
    assert main(["validate", str(fresh)]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"{P}:13:17: warning: program.organisation: still the stand-in 'Your Organisation' {HOW}",
        f"{P}:15:16: warning: program.description: still the stand-in 'One or two sentences on what the program is "
        f"for and who it is for.' {HOW}",
        f"{P}:20:11: warning: program.contact.name: still the stand-in 'Your Name' {HOW}",
        f"{P}:22:12: warning: program.contact.email: still the stand-in 'you@example.org' {HOW}",
        f"{P}:110:11: warning: branding.support.name: still the stand-in 'Your Support Team' {HOW}",
        f"{P}:111:12: warning: branding.support.email: still the stand-in 'help@example.org' {HOW}",
        f"{P}:129:12: warning: applying.mentors: still the stand-in 'Who can apply as a mentor: role, experience, time "
        f"they can give.' {HOW}",
        f"{P}:131:12: warning: applying.mentees: still the stand-in 'Who can apply as a mentee: who the program is "
        f"for.' {HOW}",
        f"{P}:150:11: warning: support_services[1].name: still the stand-in 'Your Support Service' "
        f"{HOW}",
        f'{P}:151:12: warning: support_services[1] "Your Support Service".about: still the stand-in '
        f"'What it helps with, and when to turn to it.' {HOW}",
        f'{P}:152:14: warning: support_services[1] "Your Support Service".contact: still the stand-in '
        f"'Phone number, email or opening hours' {HOW}",
        f"{P}:156:9: warning: concerns.name: still the stand-in 'Your Concerns Contact' {HOW}",
        f"{P}:157:10: warning: concerns.email: still the stand-in 'concerns@example.org' {HOW}",
    ]
    assert captured.out.endswith("(45 pages, 11 worksheets; 13 stand-ins to replace)\n")


def test_packs_warn_of_the_stand_ins_they_print(fresh: Path, capsys) -> None:
    """A certificate signed "Your Name, program manager" is a stand-in a pair would see."""
    (fresh / "content" / "roster.csv").write_text(
        "pair_id,mentor_name,mentor_email,mentee_name,mentee_email\n"
        "p1,Ana Silva,ana@example.org,Bo Chen,bo@example.org\n", encoding="utf-8")
    assert main(["packs", str(fresh), "-q"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 13
    assert err[2] == f"{P}:20:11: warning: program.contact.name: still the stand-in 'Your Name' {HOW}"
    assert (fresh / "packs" / "p1").is_dir()


def test_strict_build_refuses_stand_ins_and_publishes_nothing(fresh: Path, capsys) -> None:
    assert main(["build", str(fresh), "--strict", "-q"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{P}:13:17: program.organisation: still the stand-in 'Your Organisation' {HOW}"
    assert err[-1] == "13 problems found; nothing was changed."
    assert not (fresh / "site").exists()


def test_no_warning_once_the_details_are_real(fresh: Path, capsys) -> None:
    yml = fresh / P
    text = yml.read_text(encoding="utf-8")
    for stand_in, real in [
        ("Your Organisation", "Kestrel Works"), ("Your Name", "Ada Byron"), ("you@example.org", "ada@kestrel.example"),
        ("Your Support Team", "Kestrel Help Desk"), ("help@example.org", "desk@kestrel.example"),
        ("Your Concerns Contact", "Lee Chan"), ("concerns@example.org", "lee@kestrel.example"),
        ("One or two sentences on what the program is for and who it is for.", "Pairs for new engineers."),
        ("Who can apply as a mentor: role, experience, time they can give.", "Senior engineers."),
        ("Who can apply as a mentee: who the program is for.", "Engineers in their first year."),
        ("Your Support Service", "Kestrel Care"), ("What it helps with, and when to turn to it.", "Counselling."),
        ("Phone number, email or opening hours", "0800 111 111"),
    ]:
        text = text.replace(stand_in, real)
    yml.write_text(text, encoding="utf-8")
    assert main(["validate", str(fresh)]) == 0
    assert capsys.readouterr().err == ""


def test_a_new_program_uses_its_own_name_in_sentences_and_keeps_its_roster_out_of_git(fresh: Path) -> None:
    """`new` writes no name_in_text of its own: renaming the program later reaches every sentence
    (a copy of the first name there would go on saying it), and a roster is never committed."""
    text = (fresh / P).read_text(encoding="utf-8")
    assert '\n  # name_in_text: "the ..."' in text
    (fresh / P).write_text(text.replace('name: "Our Scheme"', 'name: "Riverside Coaching Circle"'), encoding="utf-8")
    assert main(["build", str(fresh), "-q", "--no-booklet"]) == 0
    home = (fresh / "site/index.html").read_text(encoding="utf-8")
    assert "handbook of Riverside Coaching Circle" in home
    assert "Our Scheme" not in home
    ignored = (fresh / ".gitignore").read_text(encoding="utf-8").split()
    assert {"/content/roster.csv", "/packs/", "/site/"} <= set(ignored)


def test_a_new_program_is_in_the_first_language_only(fresh: Path) -> None:
    """The built-in program is bilingual; `new` writes one language, each per-language text as
    the English alone (so every stand-in above replaces it), without the Spanish files."""
    text = (fresh / P).read_text(encoding="utf-8")
    assert "\n  language: en\n" in text and "\n  languages:" not in text
    assert "  # the first language. To add a language, write `languages: [en, fr]` in place of this line.\n" \
           "  language: en\n" in text  # the comment above it says how, not that it could be written
    assert "\n  es:" not in text and "    en:" not in text
    assert '\n  footer: ""\n' in text and '\n    place: ""\n' in text
    assert '\n  questions:\n    - "What you would like to work on, in two or three sentences."\n' in text
    values = repr(yaml.safe_load(text))
    assert "Programa" not in values and "mentorado" not in values and "'es'" not in values
    assert sorted(str(p.relative_to(fresh)) for p in fresh.rglob("*.es.*")) == []
    assert (fresh / "content/pages/faq.md").is_file() and (fresh / "worksheets/goals.yml").is_file()
