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
# The built-in program is bilingual; a new one starts in its first language only (the stand-ins
# and the Northwind details above are written once), without the other languages' files.
OTHER_LANGUAGES = ("es",)
LANGUAGES_LINE = re.compile(r"(?m)^  languages: \[.*\]$")
# The comment above that line, as it reads once the line says `language:` (a program manager
# reads it there when adding a language).
ONE_LANGUAGE_NOTE = "A one-language program may write `language: en` instead."

TEMPLATES_README = """\
# Your template overrides

Put a file here with the same relative name as a built-in template to replace just that one,
for example `pages/index.md.j2` for the home page or `worksheets/worksheet.css.j2` for the
worksheet styles. Everything you do not override keeps using the built-in version.
`mentoring-site new` copies nothing here on purpose, so upgrades reach you.
"""


def one_language(text: str, code: str) -> str:
    """program.yml in one language, comments kept: each text given per language (a key whose
    value is a mapping from codes, one per line below it) becomes that language's text, written
    as a one-language program writes it; `terminology.<other>` goes, with the comment line above it."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        key = re.match(r"^( *(?:- )?)(\w+):\n$", line)
        if key and i + 1 < len(lines):
            width = len(key.group(1)) + 2  # the codes sit one step deeper than the key's name
            inner = re.compile(rf"^ {{{width}}}([A-Za-z]{{2,3}}(?:-[A-Za-z0-9]+)*):( .*)?\n$")
            block = [line]
            while i + len(block) < len(lines) and _deeper(lines[i + len(block)], width - 1):
                block.append(lines[i + len(block)])
            if key.group(2) in OTHER_LANGUAGES:  # terminology.es: the words of a language left out
                if out and out[-1].strip().startswith("#"):
                    out.pop()
                i += len(block)
                continue
            heads = {j: m for j, b in enumerate(block) if (m := inner.match(b))}
            if 1 in heads and all(_deeper(b, width) or j in heads for j, b in enumerate(block[1:], 1)):
                chosen = next((j for j, m in heads.items() if m.group(1) == code), None)
                if chosen is not None:
                    end = next((j for j in heads if j > chosen), len(block))
                    out.append(f"{line[:-2]}:{heads[chosen].group(2) or ''}\n")
                    out.extend(b[2:] for b in block[chosen + 1:end])
                    i += len(block)
                    continue
        out.append(line)
        i += 1
    other = "fr" if code != "fr" else "en"
    text = "".join(out).replace(
        ONE_LANGUAGE_NOTE, f"To add a language, write `languages: [{code}, {other}]` in place of this line.")
    return LANGUAGES_LINE.sub(f"  language: {code}", text)


def _deeper(line: str, width: int) -> bool:
    """Whether a line belongs inside a key written at `width` spaces (blank lines do not)."""
    return line.strip() != "" and len(line) - len(line.lstrip(" ")) > width


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
            others = [f"*.{code}.*" for code in OTHER_LANGUAGES]
            shutil.copytree(src, target / item, ignore=shutil.ignore_patterns("__pycache__", *others))
        else:
            shutil.copy2(src, target / item)
    (target / "templates").mkdir(exist_ok=True)
    (target / "templates" / "README.md").write_text(TEMPLATES_README, encoding="utf-8")
    # The roster holds names and email addresses: never committed by accident.
    (target / ".gitignore").write_text("/site/\n/.mentoring-site/\n/packs/\n/content/roster.csv\n", encoding="utf-8")
    program_yml = target / "content" / "program.yml"
    text = one_language(program_yml.read_text(encoding="utf-8"), "en")
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
