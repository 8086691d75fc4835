"""Role words and `[[placeholders]]` in content.

Content files are never run through Jinja (text that looks like template syntax must show as
written). Instead a fixed set of `[[name]]` placeholders is replaced by plain substitution.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
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


def _unaccented(text: str) -> str:
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"))


def spanish_plural(phrase: str) -> str:
    """Spanish plural of the first word, which heads a Spanish noun phrase: 'mentor' ->
    'mentores', 'responsable del programa' -> 'responsables del programa', 'organización' ->
    'organizaciones'. Words the rule gets wrong (joven, lunes) are given as {singular, plural}."""
    word, _, rest = phrase.partition(" ")
    lower = word.lower()
    last = lower[-1:]
    if last in "aeiouáéó":
        word += "s"
    elif last == "z":
        word = word[:-1] + ("C" if word[-1].isupper() else "c") + "es"
    elif last in "sx" and not any(v in lower[-3:] for v in "áéíóú") and sum(c in "aeiou" for c in lower) > 1:
        pass  # an unstressed last syllable: la crisis, las crisis
    else:  # a consonant, or í and ú: the stress mark of a last syllable goes (canción, canciones)
        word = (word[:-2] + _unaccented(word[-2:]) if lower[-2:-1] in "áéíóú" else word) + "es"
    return f"{word} {rest}" if rest else word


# Spanish articles and the contractions of "de" and "a" with them, by gender: a role word with
# what comes before it, e.g. [[del_mentee]] "del mentorado", "de la persona mentorada".
# (name prefix, masculine, feminine); the singular word follows the first three groups, the
# plural the rest. The names are what a Spanish translator writes where the article would be.
SPANISH_SINGULAR = (("el_", "el", "la"), ("del_", "del", "de la"), ("al_", "al", "a la"), ("un_", "un", "una"))
SPANISH_PLURAL = (("los_", "los", "las"), ("de_los_", "de los", "de las"), ("a_los_", "a los", "a las"))


def spanish_articles(role: str, singular: str, plural: str, gender: str | None) -> dict[str, str]:
    """[[el_mentee]], [[los_mentees]], [[del_mentee]], [[de_los_mentees]], [[al_mentee]],
    [[a_los_mentees]], [[un_mentee]] and their capitals ([[El_mentee]]) for one role word;
    masculine unless `gender` is "feminine"."""
    feminine = gender == "feminine"
    forms = {}
    for groups, key, word in ((SPANISH_SINGULAR, role, singular), (SPANISH_PLURAL, role + "s", plural)):
        for prefix, masculine, feminine_form in groups:
            forms[prefix + key] = f"{feminine_form if feminine else masculine} {word}"
            forms[capitalise(prefix) + key] = capitalise(forms[prefix + key])
    return forms


# A translator thinking of a feminine word may write the feminine article in the name: the
# name it means ([[la_mentee]] -> [[el_mentee]]), for the unknown placeholder's message.
FEMININE_NAMES = sorted(((feminine.replace(" ", "_") + "_", prefix) for prefix, _, feminine in
                         (*SPANISH_SINGULAR, *SPANISH_PLURAL)), key=lambda pair: -len(pair[0]))


def article_name(name: str) -> str | None:
    """The article form a name with a feminine article means: "De_la_mentee" -> "Del_mentee"."""
    for feminine, prefix in FEMININE_NAMES:
        if name.startswith(feminine):
            return prefix + name[len(feminine):]
        if name.startswith(capitalise(feminine)):
            return capitalise(prefix) + name[len(feminine):]
    return None


def no_articles(role: str, singular: str, plural: str, gender: str | None) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class Grammar:
    """What a language's placeholders need: a plural, a noun with its indefinite article, and
    the forms a language's texts need before a role word (its articles), if any."""

    plural: Callable[[str], str]
    indefinite: Callable[[str, str | None], str]  # (word, gender) -> "a guide", "una mentora"
    # (role, singular, plural, gender) -> {"el_mentee": "la persona mentorada", ...}
    articles: Callable[[str, str, str, str | None], dict[str, str]] = no_articles


GRAMMARS = {
    "en": Grammar(plural, lambda word, gender: f"{article(word)} {word}"),
    "es": Grammar(spanish_plural, lambda word, gender: f"{'una' if gender == 'feminine' else 'un'} {word}",
                  spanish_articles),
}


def grammar(language: str) -> Grammar | None:
    """The grammar of a BCP 47 code by its language (es-MX: es), if we have one."""
    return GRAMMARS.get(language.split("-")[0])


@dataclass(frozen=True)
class Words:
    """The forms of a role word used in text."""

    singular: str
    plural: str
    gender: str | None = None

    @classmethod
    def from_config(cls, value: str | Term, rules: Grammar = GRAMMARS["en"]) -> Words:
        if isinstance(value, Term):
            return cls(lower_words(value.singular.strip()), lower_words(value.plural.strip()), value.gender)
        word = lower_words(value.strip())
        return cls(word, rules.plural(word))


class Terms:
    """Role words for templates: t.mentor, t.Mentor, t.mentors, t.Mentors, and so on; the
    word for the activity: t.mentoring, t.Mentoring; and the word for the program itself:
    t.program_word, t.Program_word, t.program_words, t.Program_words ("programme", "scheme").

    In Spanish (the language's or the default language's grammar), each role word and the program
    word also come with their articles by the word's gender: t.el_mentee, t.los_mentees,
    t.del_mentee, t.de_los_mentees, t.al_mentee, t.a_los_mentees, t.un_mentee and their capitals
    (t.El_mentee), see `spanish_articles`.

    `language`: whose grammar makes plurals and the `a_` forms (English when not given); words
    not in `own` were written for the `default` language and take its plural rule. A language
    we have no grammar for takes English's. `manager`: the program manager's word when the
    program sets none (made from the program word, in the language's own words)."""

    ROLES = ("mentor", "mentee", "program_manager")

    def __init__(self, terminology: Terminology, language: str = "en", *, own: set[str] | None = None,
                 default: str = "en", manager: str | None = None) -> None:
        rules = grammar(language)
        made = terminology.program_manager is None  # "program manager", from the program word
        chosen = {"mentor": terminology.mentor, "mentee": terminology.mentee,
                  "program_manager": (manager or terminology.manager) if made else terminology.manager,
                  "program_word": terminology.program}
        origin = {"program_word": "program", "program_manager": "program" if made and not manager else
                  "program_manager"}

        def rules_of(role: str) -> Grammar:
            # A language we have no grammar for takes English's, as every program did before there
            # were languages: the built-in templates (English, also where a page falls back) use
            # t.a_mentor. A translator writes the article in the text instead (see the README).
            mine = own is None or origin.get(role, role) in own or (role == "program_manager" and made and manager)
            return (rules if mine else grammar(default)) or GRAMMARS["en"]

        self.words = {role: Words.from_config(word, rules_of(role)) for role, word in chosen.items()}
        self.forms: dict[str, str] = {}
        for role, words in self.words.items():
            self.forms[role] = words.singular
            self.forms[capitalise(role)] = capitalise(words.singular)
            self.forms[role + "s"] = words.plural
            self.forms[capitalise(role) + "s"] = capitalise(words.plural)
        for role in self.ROLES:  # "a guide", "an apprentice", "un mentor": t.a_mentor, [[a_mentee]]
            words = self.words[role]
            self.forms["a_" + role] = rules_of(role).indefinite(words.singular, words.gender)
            self.forms["A_" + role] = capitalise(self.forms["a_" + role])
        # The articles of the language, and of the default language when its text falls back
        # here (its pages are filled with these words too): "[[el_mentee]]" in a Spanish page.
        for code in dict.fromkeys((language, default)):
            article_rules = grammar(code)
            for role, words in self.words.items() if article_rules else ():
                for name, form in article_rules.articles(role, words.singular, words.plural, words.gender).items():
                    self.forms.setdefault(name, form)
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
