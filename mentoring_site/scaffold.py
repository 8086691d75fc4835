"""`mentoring-site new DIR`: a ready-to-edit program copied from the built-in default."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from . import assets
from .build import Report
from .program import load_program
from .publish import UsageError
from .yamlsource import SURROGATE

COPIED = ("content", "worksheets", "mkdocs.yml")

# The default program's own details are replaced by plain stand-ins that say what to write, so a
# new program never publishes Northwind's names or addresses by accident.
STAND_INS = {
    '  organisation: "Northwind Society"': '  organisation: "Your Organisation"',
    '    name: "Sam Okafor"': '    name: "Your Name"',
    '    email: "mentoring@example.org"': '    email: "you@example.org"',
    '  footer: "Northwind Society · Mentoring Program"': '  footer: ""',
    '    name: "People Development Team"': '    name: "Your Support Team"',
    '    email: "mentoring-help@northwind.example"': '    email: "help@example.org"',
    '    place: "Northwind House, meeting rooms on the second floor"': '    place: ""',
    '  name: "Priya Nair, Head of People"': '  name: "Your Concerns Contact"',
    '  email: "people@example.org"': '  email: "concerns@example.org"',
}
# Multi-line parts of the default program replaced whole: (pattern, stand-in).
STAND_IN_BLOCKS = [
    (r"(?m)^(  description: >-\n)(    .*\n)+",
     r"\1    One or two sentences on what the program is for and who it is for.\n"),
    (r"(?m)^(  mentors: >-\n)(    .*\n)+", r"\1    Who can apply as a mentor: role, experience, time they can give.\n"),
    (r"(?m)^(  mentees: >-\n)(    .*\n)+", r"\1    Who can apply as a mentee: who the program is for.\n"),
    (r"(?m)^(support_services:\n)((  |    ).*\n)+",
     r'\1  - name: "Your Support Service"\n    about: "What it helps with, and when to turn to it."\n'
     r'    contact: "Phone number, email or opening hours"\n'),
]
DEFAULT_NAME = "Our Mentoring Program"

TEMPLATES_README = """\
# Your template overrides

Put a file here with the same relative name as a built-in template to replace just that one,
for example `pages/index.md.j2` for the home page or `worksheets/worksheet.css.j2` for the
worksheet styles. Everything you do not override keeps using the built-in version.
`mentoring-site new` copies nothing here on purpose, so upgrades reach you.
"""


def new_program(target: Path, *, name: str | None, report: Report) -> None:
    if name is not None and not name.strip():
        raise UsageError("--name must not be blank")
    if name is not None and SURROGATE.search(name):
        # Python hands over bytes that are not UTF-8 as lone surrogates (surrogateescape).
        half = SURROGATE.search(name)
        assert half is not None
        what = f"the byte 0x{ord(half.group()) - 0xDC00:02X}" if ord(half.group()) >= 0xDC80 else "a lone surrogate"
        raise UsageError(f"--name is not UTF-8 text (it holds {what}); use a UTF-8 terminal "
                         "(e.g. LANG=C.UTF-8) or write the name in content/program.yml afterwards")
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} already exists and is not empty; choose a new folder")
    source = assets.builtin_root()
    target.mkdir(parents=True, exist_ok=True)
    for item in COPIED:
        src = source / item
        if src.is_dir():
            shutil.copytree(src, target / item, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, target / item)
    (target / "templates").mkdir(exist_ok=True)
    (target / "templates" / "README.md").write_text(TEMPLATES_README, encoding="utf-8")
    # The roster holds names and email addresses: never committed by accident.
    (target / ".gitignore").write_text("/site/\n/.mentoring-site/\n/packs/\n/content/roster.csv\n", encoding="utf-8")
    program_yml = target / "content" / "program.yml"
    text = program_yml.read_text(encoding="utf-8")
    for sample, stand_in in STAND_INS.items():
        text = text.replace(sample, stand_in)
    for pattern, stand_in in STAND_IN_BLOCKS:
        text = re.sub(pattern, stand_in, text, count=1)
    text = re.sub(r"(?m)^(  name: ).*$", lambda m: m.group(1) + json.dumps(name or DEFAULT_NAME), text, count=1)
    # Without name_in_text the name itself is used in sentences, so a new name reaches them too;
    # guessing an article ("the The Riverside Circle") would be wrong as often as right.
    text = re.sub(r"(?m)^  (name_in_text: ).*$",
                  lambda m: '  # ' + m.group(1) + '"the ..."  (how the name reads in a sentence, if it needs "the")',
                  text, count=1)
    text = text.replace("Northwind", "Your organisation's")  # anything left: visibly not theirs yet
    program_yml.write_text(text, encoding="utf-8")
    load_program(target)  # the new program must be valid as created
    report(f"Created {target}. Next: edit {target / 'content' / 'program.yml'}, then run")
    report(f"  mentoring-site build {target}")
