"""Stand-ins left in place: the placeholder details `mentoring-site new` writes into a program.

A program made with `new` and only partly edited would otherwise publish "Your Support Team"
or "help@example.org" without a word. `validate` and `build` list each one still in place as a
warning at its line; `build --strict` refuses to publish them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import yamlsource
from .errors import Problem, Problems
from .yamlsource import Path_

# Every value `mentoring-site new` writes as a stand-in (see scaffold.STAND_INS). Matched as the
# whole value, so a real name that merely contains one of these words is never flagged.
STAND_IN_VALUES = {
    "Your Organisation",
    "Your Name",
    "you@example.org",
    "Your Support Team",
    "help@example.org",
    "One or two sentences on what the program is for and who it is for.",
    "Your Support Service",
    "What it helps with, and when to turn to it.",
    "Phone number, email or opening hours",
    "Your Concerns Contact",
    "concerns@example.org",
    "Who can apply as a mentor: role, experience, time they can give.",
    "Who can apply as a mentee: who the program is for.",
}


def _walk(data: Any, path: Path_) -> list[tuple[Path_, str]]:
    if isinstance(data, str):
        return [(path, data)] if data.strip() in STAND_IN_VALUES else []
    if isinstance(data, dict):
        return [hit for key, value in data.items() for hit in _walk(value, (*path, key))]
    if isinstance(data, list):
        return [hit for i, value in enumerate(data) for hit in _walk(value, (*path, i))]
    return []


def stand_ins(root: Path) -> list[Problem]:
    """Each stand-in still in `content/program.yml`, at its line and column, in file order."""
    file = root / "content" / "program.yml"
    problems = Problems(root)
    doc = yamlsource.load(file, problems)
    if doc is None:  # unreadable files are reported by validation, not here
        return []
    found = []
    for path, value in _walk(doc.data, ()):
        loc = doc.loc(path)
        found.append(Problem(
            problems.rel(file), loc.line, loc.column, ".".join(map(str, path)),
            f"still the stand-in {value.strip()!r} from `mentoring-site new`; write the real details, "
            "or remove the key if it is optional",
        ))
    return sorted(found)
