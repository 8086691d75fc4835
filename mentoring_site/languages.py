"""The languages layer: one program in several languages, loaded one language at a time.

`program.languages: [en, es]` lists them, the default first. A text of program.yml may be a
mapping from language codes; practices, worksheets and extra pages are translated by overlay
files beside the originals (`mentors.es.yml`, `goals.es.yml`, `faq.es.md`) that give only text,
matched by id, so that structure is defined once. What a language lacks is taken from the
default language and recorded as `Missing`, for `validate` to count and `lang_of` to mark.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Missing:
    """A text a language has no translation of: shown in the default language instead."""

    file: str  # relative to the program: where the original text is written
    line: int
    column: int
    key: str  # the key path of the original text, e.g. `practices[2] "Listen".title`
    what: str  # for `validate -v`, e.g. "no Spanish (es) text"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.key}: {self.what}"


# The kinds `LoadedProgram.lang_of` answers for, and how their keys are written.
KINDS = {
    "page": "the page's path, e.g. conduct.md, faq.md, mentors/break-the-ice.md, worksheets/goals.md",
    "practice": "role/id, e.g. mentors/break-the-ice",
    "worksheet": "the worksheet's id, e.g. goals",
    "section": "worksheet id/section number from 1, e.g. goals/2",
    "field": "worksheet id/field id, e.g. goals/goal1_steps",
}
