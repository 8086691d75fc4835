"""Message catalogs: the words of our own templates and navigation, per language.

The structural templates (a practice's page, the worksheets, the booklet, the certificate, the
404 page) are not copied per language: they say `{{ _("What it is") }}` and
`{{ ngettext("%(num)d practice", "%(num)d practices", n) }}` (`jinja2.ext.i18n`, "newstyle"
gettext), and Python says `catalog(root, code).gettext("Home")`. English is the source language:
the text in the templates is the English text, and needs no catalog.

Translations are gettext `.po` files, read as they are with Babel (nobody compiles them):

- `templates/messages/<code>.po` of the package (e.g. `es.po`), with the program's own file of
  the same name merged over it message by message (a project rewords a few messages, or adds
  a language, without copying the rest);
- a regional code falls back to its language, then to the source text: for `pt-BR`, the
  program's `pt-BR.po`, ours, the program's `pt.po`, ours, then English;
- `templates/messages/messages.pot` lists every message of the package's templates and Python,
  where it is used; a translator copies it to `<code>.po` to start a language. It is made by
  `python -m mentoring_site.messages` (see `extract`), and a test keeps it complete.

Every message is a format string, in templates (Jinja's newstyle gettext) and in Python alike:
`%(name)s` takes a value, and `%%` writes a percent sign. A `.po` file is checked when it is
read: a mistake (a broken line, a `%(name)s` the original does not have, a missing plural form)
is a ProgramError at its file and line, together with every other mistake in the file.

Catalogs are kept per (program, language) for the life of the process and checked against
their files' size and modification time, so a rebuild (`serve`) reads a `.po` file again only
when it changed.
"""

from __future__ import annotations

import gettext as gettext_lib
import io
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import assets, sourcefiles
from .errors import Problem, ProgramError, shown

SOURCE_LANGUAGE = "en"
CODE = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")  # BCP 47's shape
FOLDER = "templates/messages"
TEMPLATE = "messages.pot"

# The callables templates and Python mark messages with, for extraction (Babel's keyword specs).
KEYWORDS: dict[str, Any] = {
    "_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3), "N_": None, "css_message": None,
}


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined (a table of titles) and returns it
    untranslated; it is translated where it is used, with `gettext`."""
    return message


Key = tuple[str | None, str]  # (context, msgid)


@dataclass(frozen=True)
class Plural:
    """A translation with plural forms, and the rule of the file it came from that picks one."""

    forms: tuple[str, ...]
    rule: Callable[[int], int]


@dataclass
class Catalog:
    """The messages of one language, merged from its files; looks up and formats them.

    `code` is the language asked for; `files` the .po files read, least specific first.
    A message with no translation is the source (English) text.
    """

    code: str
    messages: dict[Key, str | Plural] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    # Lookups without formatting: Jinja's newstyle gettext formats the result itself.
    def lookup(self, message: str, context: str | None = None) -> str:
        found = self.messages.get((context, message))
        if isinstance(found, Plural):
            return found.forms[0]
        return found if found else message

    def lookup_plural(self, singular: str, plural: str, n: int, context: str | None = None) -> str:
        found = self.messages.get((context, singular))
        if isinstance(found, Plural):
            index = found.rule(n)
            if 0 <= index < len(found.forms) and found.forms[index]:
                return found.forms[index]
        elif found and n == 1:
            return found
        return singular if n == 1 else plural

    def has(self, message: str, context: str | None = None) -> bool:
        """Whether this language translates `message` (its own file or one it falls back to)."""
        return (context, message) in self.messages

    # The Python side: the same lookups, formatted like the templates' (`%(name)s`, `%%`).
    def gettext(self, message: str, **variables: Any) -> str:
        return self.lookup(message) % variables

    def ngettext(self, singular: str, plural: str, n: int, **variables: Any) -> str:
        variables.setdefault("num", n)
        return self.lookup_plural(singular, plural, n) % variables

    def pgettext(self, context: str, message: str, **variables: Any) -> str:
        return self.lookup(message, context) % variables

    def npgettext(self, context: str, singular: str, plural: str, n: int, **variables: Any) -> str:
        variables.setdefault("num", n)
        return self.lookup_plural(singular, plural, n, context) % variables


SOURCE = Catalog(SOURCE_LANGUAGE)  # no translations: every message as written


def chain(code: str) -> list[str]:
    """The codes whose files make `code`'s catalog, least specific first: zh-Hant-TW -> zh,
    zh-Hant, zh-Hant-TW."""
    parts = code.split("-")
    return ["-".join(parts[: i + 1]) for i in range(len(parts))]


def _folders(root: Path) -> list[tuple[Path, Path]]:
    """(messages folder, the root its files are shown relative to): ours, then the program's."""
    builtin = assets.builtin_root()
    folders = [(builtin / FOLDER, builtin)]
    if root.resolve() != builtin.resolve():
        folders.append((root / FOLDER, root))
    return folders


def _files(root: Path, code: str) -> list[tuple[Path, Path]]:
    """Every .po file that may make `code`'s catalog, in merging order (later wins)."""
    return [(folder / f"{c}.po", base) for c in chain(code) for folder, base in _folders(root)]


def _stamp(paths: Iterable[Path]) -> tuple[tuple[int, int] | None, ...]:
    out: list[tuple[int, int] | None] = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            out.append(None)
        else:
            out.append((st.st_mtime_ns, st.st_size))
    return tuple(out)


_CACHE: dict[tuple[str, str], tuple[tuple[Any, ...], Catalog]] = {}


def catalog(root: Path, code: str) -> Catalog:
    """The catalog of language `code` for the program at `root` (see the module's docstring).

    Raises ProgramError listing every mistake in the files read.
    """
    if not CODE.fullmatch(code):  # checked where it is written; this names a file
        raise ValueError(f"not a language code: {code!r}")
    files = _files(root, code)
    key = (str(root.resolve()), code)
    stamp = _stamp(path for path, _ in files)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    result = Catalog(code)
    problems: list[Problem] = []
    for (path, base), seen in zip(files, stamp, strict=True):
        if seen is None and not path.is_symlink():
            continue  # no such file (a dangling link is reported: it cannot be read)
        name = path.relative_to(base).as_posix()
        if not path.resolve().is_relative_to(base.resolve()):  # loading refuses it too, first
            problems.append(Problem(name, 1, 1, "", "is a link to something outside the program; copy it in instead"))
            continue
        try:
            data = sourcefiles.read_bytes(path)
        except sourcefiles.Refused as exc:
            problems.append(Problem(name, 1, 1, "", str(exc)))
            continue
        messages, found = read(data, name, path.stem)
        problems += found
        result.messages.update(messages)
        result.files.append(name)
    if problems:
        raise ProgramError(problems)
    if len(_CACHE) > 200:  # catalogs of many temporary programs (tests, serve): start afresh
        _CACHE.clear()
    _CACHE[key] = (stamp, result)
    return result


def of(program: Any, problems: list[Problem] | None = None) -> Catalog:
    """The catalog of the language a loaded program (`program.LoadedProgram`) is in.

    With `problems`, the mistakes of a broken catalog are added there and the source text
    (English) stands in, so that a stage can go on and find its other problems in the same run."""
    try:
        return catalog(program.root, program.language)
    except ProgramError as exc:
        if problems is None:
            raise
        problems += exc.problems
        return SOURCE


# ---------------------------------------------------------------------------------------------
# Reading a .po file

KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)(?=[\s\"])\s*")
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"\s*$')
ESCAPE = re.compile(r"\\(.)")
ESCAPES = set('\\"ntr')
# A conversion of Python's %-formatting, as much of it as a message may use.
CONVERSION = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?P<type>.?)")


def _syntax(text: str, file: str) -> tuple[list[Problem], dict[int, tuple[int, int]]]:
    """The lines of a .po file that are not gettext's syntax (Babel skips or mends them), and
    where each message's translation starts: {line of its msgid: (line, column) of its msgstr}."""
    problems: list[Problem] = []
    translations: dict[int, tuple[int, int]] = {}
    state = "start"  # start, msgctxt, msgid, msgid_plural, msgstr
    entry_line = msgid_line = 0
    plural = False
    key: dict[str, str] = {}  # the message's msgctxt and msgid as written (and "ok" while they read
    # well), to find a message given twice
    seen: dict[tuple[str | None, str], int] = {}  # (msgctxt, msgid) -> the line of its msgid

    def add(line: int, column: int, message: str) -> None:
        problems.append(Problem(file, line, column, "", message))

    def unfinished() -> None:
        if state in ("msgctxt", "msgid", "msgid_plural"):
            add(entry_line, 1, "this message has no msgstr (write msgstr \"\" to leave it untranslated)")

    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip())
        keyword = KEYWORD.match(line)
        rest = line[keyword.end():] if keyword else line
        column = indent + (keyword.end() if keyword else 0) + 1
        if keyword:
            word = keyword.group(1)
            if word in ("msgctxt", "msgid"):
                if not (word == "msgid" and state == "msgctxt"):  # a new message begins
                    unfinished()
                    entry_line, plural, key = number, False, {"ok": "yes"}
                if word == "msgid":
                    msgid_line = number
                state = word
            elif word == "msgid_plural":
                if state != "msgid":
                    add(number, indent + 1, "msgid_plural must follow a msgid")
                state, plural = word, True
            else:  # msgstr, msgstr[n]
                if state in ("msgid", "msgid_plural") and key.get("ok"):  # the message is complete
                    message = (key.get("msgctxt"), key.get("msgid", ""))
                    if message in seen:
                        add(msgid_line, 1, f"this message is given twice: first at line {seen[message]}; keep one")
                    seen.setdefault(message, msgid_line)
                if word == "msgstr" and state != "msgid":
                    add(number, indent + 1, "msgstr must follow its msgid" if state != "msgid_plural"
                        else "a message with msgid_plural takes msgstr[0], msgstr[1], ...")
                elif word != "msgstr" and not plural:
                    add(number, indent + 1, f"{word} belongs to a message with a msgid_plural; write msgstr")
                state = "msgstr"
        elif not line.startswith('"'):
            add(number, indent + 1, "expected msgid, msgstr, a \"quoted\" line or a # comment here")
            continue
        elif state == "start":
            add(number, indent + 1, "a quoted line must continue a msgid or msgstr")
            continue
        if keyword and keyword.group(1).startswith("msgstr"):
            translations.setdefault(msgid_line, (number, column))
        quoted = QUOTED.fullmatch(rest)
        if not quoted:
            key.pop("ok", None)  # no telling which message this is
            what = "a \"quoted\" text" if not rest.startswith('"') else "the closing \" of this text"
            add(number, column, f"expected {what}")
            continue
        if state in ("msgctxt", "msgid"):
            key[state] = key.get(state, "") + quoted.group(1)
        for escape in ESCAPE.finditer(quoted.group(1)):
            if escape.group(1) not in ESCAPES:
                add(number, column + 1 + escape.start(),
                    f"unknown escape \\{escape.group(1)} (use \\n, \\t, \\\" or \\\\)")
    unfinished()
    return problems, translations


def _names(text: str) -> set[str]:
    return {m.group("name") for m in CONVERSION.finditer(text) if m.group("name") is not None}


class _Values(dict):  # type: ignore[type-arg]
    """Any name formats (as 0), so that a format string's own mistakes can be found."""

    def __missing__(self, key: str) -> int:
        return 0


def _format_problem(original: str | tuple[str, ...], translated: str) -> str:
    """What is wrong with a translation as a format string, or ''."""
    originals = (original,) if isinstance(original, str) else original
    allowed = set().union(*(_names(o) for o in originals)) | ({"num"} if len(originals) > 1 else set())
    unknown = sorted(_names(translated) - allowed)
    if unknown:
        have = ", ".join(f"%({n})s" for n in sorted(allowed)) or "none"
        return f"uses %({unknown[0]})s, which the original does not give (it has: {have})"
    try:
        translated % _Values()
    except (ValueError, TypeError) as exc:
        return f"is not a valid format string ({exc}); write %% for a percent sign"
    return ""


def read(data: bytes, file: str, code: str) -> tuple[dict[Key, str | Plural], list[Problem]]:
    """The translated messages of a .po file (untranslated and fuzzy ones left out), and the
    mistakes in it, at their lines. `file` is the name messages show; `code` its language."""
    from babel import Locale, UnknownLocaleError
    from babel.messages.pofile import PoFileError, read_po

    try:
        text = sourcefiles.decode(data)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return {}, [Problem(file, line, 1, "", "is not UTF-8 text; save it as UTF-8")]
    problems, translations = _syntax(text, file)
    if problems:
        return {}, problems
    try:
        locale: Locale | None = Locale.parse(code, sep="-")
    except (ValueError, UnknownLocaleError):
        locale = None
    language = f"{locale.get_display_name('en')} ({code})" if locale else code
    try:
        po = read_po(io.StringIO(text), locale=locale, abort_invalid=True)
    except PoFileError as exc:
        return {}, [Problem(file, exc.lineno or 1, 1, "", str(exc))]
    except ValueError as exc:  # e.g. a Plural-Forms header Babel cannot read
        return {}, [Problem(file, 1, 1, "", f"cannot be read: {exc}")]
    rule = gettext_lib.c2py(po.plural_expr)
    messages: dict[Key, str | Plural] = {}
    for message in po:
        if not message.id or message.fuzzy:
            continue
        line, column = translations.get(message.lineno or 0, (message.lineno or 1, 1))
        if isinstance(message.id, tuple):
            forms = tuple(message.string) if isinstance(message.string, (tuple, list)) else (message.string,)
            if not any(forms):
                continue
            if len(forms) < po.num_plurals or not all(forms):
                problems.append(Problem(file, line, column, "", (
                    f"{language} has {po.num_plurals} plural forms: give msgstr[0] to msgstr[{po.num_plurals - 1}]"
                )))
                continue
            wrong = next(filter(None, (_format_problem(message.id, f) for f in forms)), "")
            if wrong:
                problems.append(Problem(file, line, column, "", f"the translation of {shown(message.id[0])} {wrong}"))
                continue
            messages[message.context, message.id[0]] = Plural(forms, rule)
        elif message.string:
            wrong = _format_problem(message.id, message.string)
            if wrong:
                problems.append(Problem(file, line, column, "", f"the translation of {shown(message.id)} {wrong}"))
                continue
            messages[message.context, message.id] = message.string
    return messages, problems


# ---------------------------------------------------------------------------------------------
# Templates

def css_string(text: str) -> str:
    """Text as a CSS string, quoted."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def install(env: jinja2.Environment, catalog: Catalog) -> jinja2.Environment:
    """Give a Jinja environment `_`, `gettext`, `ngettext`, `pgettext`, `npgettext` (newstyle:
    they format their `%(name)s` themselves, escaping the values in HTML) and `css_message`,
    all in `catalog`'s language; `language` is its code. Returns the environment."""
    if "jinja2.ext.InternationalizationExtension" not in env.extensions:
        env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        catalog.lookup, catalog.lookup_plural, newstyle=True,
        pgettext=lambda context, message: catalog.lookup(message, context),
        npgettext=lambda context, s, p, n: catalog.lookup_plural(s, p, n, context),
    )

    def css_message(message: str, **counters: str) -> Markup:
        """A message as the value of CSS `content`: its text in strings, each `%(name)s` the
        CSS given for it, e.g. css_message("Page %(page)s of %(pages)s", page="counter(page)").
        Markup, like a translation in an HTML template: a <style> element prints it as it is."""
        text = catalog.lookup(message)
        out, last = [], 0
        for match in CONVERSION.finditer(text):
            if match.group(0) == "%%":
                continue
            out.append((text[last:match.start()].replace("%%", "%"), False))
            out.append((counters[match.group("name")], True))
            last = match.end()
        out.append((text[last:].replace("%%", "%"), False))
        return Markup(" ".join(value if raw else css_string(value) for value, raw in out if raw or value))

    env.globals["css_message"] = css_message
    env.globals["language"] = catalog.code
    return env


# ---------------------------------------------------------------------------------------------
# What a language lacks, and the template a translator starts from

def template_catalog() -> Any:
    """Babel's catalog of our `messages.pot`."""
    from babel.messages.pofile import read_po

    return read_po(io.StringIO(sourcefiles.read_text(assets.builtin_root() / FOLDER / TEMPLATE)))


def untranslated(root: Path, code: str) -> list[tuple[str, str]]:
    """The messages that language `code` lacks (their text falls back to English), as (msgid,
    where it is used: "templates/pages/practice.md.j2:7"): those of our `messages.pot`, then
    those the program's own templates add. The source language lacks nothing."""
    if chain(code)[0] == SOURCE_LANGUAGE:
        return []
    translations = catalog(root, code)
    known: set[Key] = set()
    lacking = []
    for message in template_catalog():
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        if msgid:
            known.add((message.context, msgid))
            if not translations.has(msgid, message.context):
                lacking.append((message.context, msgid, message.locations[0][0] if message.locations else ""))
    # messages.pot names files, not lines (lines move with every edit): find each in its file.
    lines: dict[str, dict[Key, int]] = {}
    out: list[tuple[str, str]] = []
    for context, msgid, file in lacking:
        if file and file not in lines:
            lines[file] = _first_lines(file)
        line = lines.get(file, {}).get((context, msgid))
        out.append((msgid, f"{file}:{line}" if file and line else file or FOLDER))
    for context, msgid, where in _program_messages(root):
        if (context, msgid) not in known and not translations.has(msgid, context):
            known.add((context, msgid))
            out.append((msgid, where))
    return out


def msgid_lines(root: Path, code: str) -> dict[str, int]:
    """{msgid: its line} in the program's own `templates/messages/<code>.po`, so that what a
    language lacks is shown where its translation goes; empty without one (or one `catalog`
    refuses: it reports that itself)."""
    from babel.messages.pofile import read_po

    path = root / FOLDER / f"{code}.po"
    if not path.is_file() or not path.resolve().is_relative_to(root.resolve()):
        return {}
    try:
        po = read_po(io.StringIO(sourcefiles.decode(sourcefiles.read_bytes(path))))
    except (OSError, ValueError):  # a broken file is catalog()'s to report, at its line
        return {}
    out: dict[str, int] = {}
    for message in po:
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        if msgid and message.lineno:
            out.setdefault(msgid, message.lineno)
    return out


JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}


def _first_lines(file: str) -> dict[Key, int]:
    """{(context, msgid): the line it is first used on} of one of our files named in messages.pot."""
    from babel.messages.extract import extract_from_file

    path = assets.PACKAGE.parent / file if file.startswith("mentoring_site/") else assets.builtin_root() / file
    if not path.is_file():
        return {}
    method = "python" if path.suffix == ".py" else "jinja2"
    found: dict[tuple[str | None, str], int] = {}
    for lineno, message, _comments, context in extract_from_file(
        method, str(path), keywords=KEYWORDS, options=JINJA_OPTIONS if method == "jinja2" else None,
    ):
        msgid = message[0] if isinstance(message, (tuple, list)) else message
        found.setdefault((context, msgid), lineno)
    return found


def not_found(root: Path, languages: list[str]) -> list[dict[str, str]]:
    """What the one 404 page of the site says, in each of `languages` (the default first):
    its `lang`, `title`, `text`, the text of the link home, and `home`, the home page's
    folder relative to the site's root ("" for the default language, "es/" for the others)."""
    out = []
    for number, code in enumerate(languages):
        try:
            cat = catalog(root, code)
        except ProgramError:  # reported by that language's own run, with its other problems
            cat = SOURCE
        out.append({
            "lang": code,
            "title": cat.gettext("404 - Not found"),
            "text": cat.gettext("There is no page at this address. It may have moved, or the link "
                                "that led here may be mistyped."),
            "home_text": cat.gettext("Go to the home page"),
            "home": "" if number == 0 else f"{code}/",
        })
    return out


TEMPLATE_METHODS = [("messages/**", "ignore"), ("**.j2", "jinja2"), ("theme/**.html", "jinja2")]
TEMPLATE_OPTIONS = {"**.j2": JINJA_OPTIONS, "theme/**.html": JINJA_OPTIONS}


def _program_messages(root: Path) -> list[tuple[str | None, str, str]]:
    """(context, msgid, "templates/...:line") of every message the program's own templates
    mark (its overrides may add some of their own)."""
    from babel.messages.extract import extract_from_dir

    own = root / "templates"
    if root.resolve() == assets.builtin_root().resolve() or not own.is_dir() or own.is_symlink():
        return []
    return [
        (context, message[0] if isinstance(message, (tuple, list)) else message, f"templates/{filename}:{lineno}")
        for filename, lineno, message, _comments, context in extract_from_dir(
            str(own), method_map=TEMPLATE_METHODS, options_map=TEMPLATE_OPTIONS, keywords=KEYWORDS,
        )
    ]


def extract(base: Path | None = None) -> Any:
    """Babel's catalog of every message marked in the package's templates and Python modules,
    with where each is used (what `messages.pot` holds)."""
    from babel.messages.catalog import Catalog as BabelCatalog
    from babel.messages.extract import extract_from_dir

    base = base or assets.builtin_root()
    pot = BabelCatalog(project="mentoring-site", fuzzy=False, header_comment=(
        "# Messages of mentoring-site's own templates and navigation.\n"
        "# Copy this file to templates/messages/<code>.po (e.g. pt-BR.po) and translate each msgstr.\n"
        "# Made by `python -m mentoring_site.messages`; do not edit it by hand."
    ))
    sources = (
        ("templates", base / "templates", TEMPLATE_METHODS),
        ("mentoring_site", Path(__file__).resolve().parent, [("**.py", "python")]),
    )
    for where, folder, method_map in sources:
        for filename, lineno, message, comments, context in extract_from_dir(
            str(folder), method_map=method_map, options_map=TEMPLATE_OPTIONS,
            keywords=KEYWORDS, comment_tags=("Translators:",),
        ):
            pot.add(message, None, [(f"{where}/{filename}", lineno)], auto_comments=comments, context=context)
    return pot


def write_template(target: Path | None = None) -> Path:
    """Write `messages.pot` from `extract()` (stable: no dates, sorted by first use)."""
    from babel.messages.pofile import write_po

    target = target or assets.builtin_root() / FOLDER / TEMPLATE
    buffer = io.BytesIO()
    # Files without lines: a line number would change with every edit of a template, and
    # `untranslated` finds the line when it names one.
    write_po(buffer, extract(), omit_header=False, width=100, sort_output=False, include_lineno=False)
    text = buffer.getvalue().decode("utf-8")
    # No dates or versions: the file changes only when the messages do.
    text = re.sub(r'"(POT-Creation-Date|Generated-By): [^"]*\\n"\n', "", text)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


if __name__ == "__main__":  # python -m mentoring_site.messages: rewrite messages.pot
    print(write_template(), file=sys.stderr)
