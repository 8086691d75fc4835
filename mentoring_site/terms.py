"""Role words and `[[placeholders]]` in content.

Content files are never run through Jinja (text that looks like template syntax must show as
written). Instead a fixed set of `[[name]]` placeholders is replaced by plain substitution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Term, Terminology

PLACEHOLDER = re.compile(r"\[\[\s*([A-Za-z_]+)\s*\]\]")


def plural(word: str) -> str:
    """English plural of the last word: 'program manager' -> 'program managers'."""
    lower = word.lower()
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if lower.endswith("y") and lower[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ies"
    return word + "s"


def lower_words(text: str) -> str:
    """Mid-sentence form: lowercase capitalised words, keep acronyms ('IT Buddy' -> 'IT buddy')."""
    return " ".join(w.lower() if w[:1].isupper() and w[1:].islower() else w for w in text.split(" "))


def article(word: str) -> str:
    """'a' or 'an' by the first letter: good for role words (an apprentice, a guide)."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Words:
    """The four forms of a role word used in text."""

    singular: str
    plural: str

    @classmethod
    def from_config(cls, value: str | Term) -> Words:
        if isinstance(value, Term):
            return cls(lower_words(value.singular.strip()), lower_words(value.plural.strip()))
        word = lower_words(value.strip())
        return cls(word, plural(word))


class Terms:
    """Role words for templates: t.mentor, t.Mentor, t.mentors, t.Mentors, and so on; the
    word for the activity: t.mentoring, t.Mentoring; and the word for the program itself:
    t.program_word, t.Program_word, t.program_words, t.Program_words ("programme", "scheme")."""

    ROLES = ("mentor", "mentee", "program_manager")

    def __init__(self, terminology: Terminology) -> None:
        chosen = {"mentor": terminology.mentor, "mentee": terminology.mentee,
                  "program_manager": terminology.manager, "program_word": terminology.program}
        self.words = {role: Words.from_config(word) for role, word in chosen.items()}
        self.forms: dict[str, str] = {}
        for role, words in self.words.items():
            self.forms[role] = words.singular
            self.forms[capitalise(role)] = capitalise(words.singular)
            self.forms[role + "s"] = words.plural
            self.forms[capitalise(role) + "s"] = capitalise(words.plural)
        for role in self.ROLES:  # "a guide", "an apprentice": t.a_mentor, [[a_mentee]]
            words = self.words[role]
            self.forms["a_" + role] = f"{article(words.singular)} {words.singular}"
            self.forms["A_" + role] = capitalise(self.forms["a_" + role])
        activity = lower_words(terminology.mentoring.strip())
        self.forms["mentoring"], self.forms["Mentoring"] = activity, capitalise(activity)

    def __getattr__(self, name: str) -> str:
        try:
            return self.__dict__["forms"][name]
        except KeyError:
            raise AttributeError(name) from None


def substitute(text: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """Replace `[[name]]` placeholders; return the text and the unknown names met."""
    unknown: list[str] = []

    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        unknown.append(name)
        return match.group(0)

    return PLACEHOLDER.sub(repl, text), unknown
