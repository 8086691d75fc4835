"""Load YAML safely, keeping the line and column of every key and value.

PyYAML's safe loader is used for scanning and scalar resolution only; we walk the node tree
ourselves so that duplicate keys are errors, aliases cannot explode memory, nesting depth is
bounded, and every value remembers where it came from (for `file:line:column` messages).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import sourcefiles
from .errors import Problems, shown

MAX_FILE_BYTES = 1_000_000
MAX_TEXT = 4_000_000
MAX_NODES = 100_000
MAX_DEPTH = 40

Path_ = tuple[str | int, ...]

YAML_TAG = "tag:yaml.org,2002:"
PLAIN_TAGS = {YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}
# What a tag asks for, in the words of a message ("maybe is not a valid true or false").
TAG_WORDS = {
    "timestamp": "date", "bool": "true or false value", "int": "whole number", "float": "number", "null": "null",
}
SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Loc:
    """Where a value sits in its file (1-based) and how it was written."""

    line: int
    column: int
    raw: str | None = None  # source text of a plain (unquoted) scalar
    tag: str = ""


@dataclass
class Document:
    """A parsed YAML file: its data plus the location of every key path."""

    file: Path
    data: Any
    locs: dict[Path_, Loc] = field(default_factory=dict)
    key_locs: dict[Path_, Loc] = field(default_factory=dict)

    def key(self, path: Path_) -> str:
        """`path` as a person reads it: list positions counted from 1, each item named by its
        id, title or name where it has one: `sections[2] "Goal 1".fields[4] "goal1_steps".type`."""
        return key_path(path, self.data)

    def loc(self, path: Path_) -> Loc:
        """The location of `path`, or of its nearest ancestor that has one."""
        while path not in self.locs and path:
            path = path[:-1]
        return self.locs.get(path, Loc(1, 1))


def key_path(path: Path_, data: Any = None) -> str:
    """A key path for messages (see `Document.key`); `data` is the document, for item names."""
    shown = ""
    node = data
    for i, part in enumerate(path):
        if isinstance(part, int):
            shown += f"[{part + 1}]"
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            # Named by its id, or its title; not by the very value the message is about.
            about = path[i + 1] if i + 1 < len(path) else None
            name = next((node[k] for k in ("id", "title", "name") if k != about and isinstance(node, dict)
                         and isinstance(node.get(k), str) and node[k].strip()), None)
            if name is not None:
                name = " ".join(name.split())
                shown += f' "{name[:40]}…"' if len(name) > 40 else f' "{name}"'
        else:
            shown += f".{part}" if shown else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return shown


class _TooBig(Exception):
    pass


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def load(file: Path, problems: Problems, *, text: str | None = None) -> Document | None:
    """Parse `file`; on any problem, record it and return None."""
    try:
        if text is None:
            data = sourcefiles.read_bytes(file, limit=MAX_FILE_BYTES + 1)  # a plain file, never a pipe
            if len(data) > MAX_FILE_BYTES:
                problems.add(file, 1, 1, "", f"file is larger than {MAX_FILE_BYTES} bytes")
                return None
            text = sourcefiles.decode(data)
    except UnicodeDecodeError as exc:
        problems.add(file, 1, 1, "", f"is not UTF-8 text ({exc.reason})")
        return None
    except OSError as exc:
        problems.add(file, 1, 1, "", str(exc) if isinstance(exc, sourcefiles.Refused) else
                     f"cannot be read: {exc.strerror}")
        return None
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # a control character, found before parsing starts
        line, column = _line_column(text, exc.position)
        problems.add(file, line, column, "", f"control character U+{exc.character:04X} is not allowed "
                     "in YAML; remove it")
        return None
    try:
        fast = _libyaml_tree(text)
        if fast is not None:
            loader.dispose()
            loader, node = fast
        else:
            _check_depth(text)
            node = loader.get_single_node()
        doc = Document(file, None)
        if node is not None:
            counter = [0, 0]  # values, characters of text (after aliases are expanded)
            doc.data = _convert(loader, node, (), doc, problems, counter, ())
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"YAML syntax error: {exc.problem or exc.context}"
        lines = text.splitlines() or [""]
        if "\t" in lines[min(line - 1, len(lines) - 1)]:
            message += " (tabs are not allowed for indentation in YAML; use spaces)"
        elif "mapping values are not allowed" in message:
            message += " (text with ': ' in it must be in quotes; otherwise check the indentation)"
        elif "expected <block end>" in message:
            closed = ", and that every quote is closed" if "'<scalar>'" in message else ""
            message += f" (check the indentation of this line and the one before{closed})"
        problems.add(file, line, col, "", message)
    except yaml.YAMLError as exc:
        problems.add(file, 1, 1, "", f"YAML error: {exc}")
    except _TooBig as exc:
        line, col = exc.args[1]
        problems.add(file, line, col, "", exc.args[0])
    except _BadEscape as exc:
        line, col = _line_column(text, exc.args[0])
        problems.add(file, line, col, "", f"escape {shown(exc.args[1], quote=False)} is beyond Unicode "
                     "(the largest character is \\U0010FFFF)")
    finally:
        loader.dispose()
    return None


LIBYAML = getattr(yaml, "CSafeLoader", None)  # PyYAML's binding to libyaml, where it was built with it


def _libyaml_tree(text: str) -> tuple[yaml.SafeLoader, yaml.Node | None] | None:
    """(loader, root node) of `text` as libyaml parses it, about twenty times as fast as PyYAML's
    own parser, which read every file twice (once to check the nesting depth); None without
    libyaml, or if the text has a problem of any kind or nesting deeper than MAX_DEPTH. PyYAML's
    own parser then reads it, so that every problem is found and worded as it always was."""
    if LIBYAML is None:
        return None
    try:
        events = LIBYAML(text)
        try:
            depth = 0
            while events.check_event():
                event = events.get_event()
                if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                    depth += 1
                    if depth > MAX_DEPTH:
                        return None
                elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                    depth -= 1
        finally:
            events.dispose()
        loader = LIBYAML(text)
        return loader, loader.get_single_node()
    except Exception:  # any problem: found and worded by PyYAML's parser
        return None


def _line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character offset in `text`."""
    before = text[:index]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


class _BadEscape(Exception):
    """A double-quoted escape such as \\U00110000 that names no character (PyYAML's scanner
    fails with a bare ValueError from chr())."""


def _events(text: str) -> Iterator[yaml.Event]:
    """The parser's events, with an escape beyond Unicode turned into a located error."""
    parser = yaml.SafeLoader(text)
    try:
        while parser.check_event():
            yield parser.get_event()
    except ValueError as exc:
        if "chr()" not in str(exc):
            raise
        index = parser.get_mark().index - 2  # the scanner stops after the backslash and letter
        raise _BadEscape(index, text[index : index + 10]) from None
    finally:
        parser.dispose()


def _check_depth(text: str) -> None:
    """Refuse deep nesting before composing: PyYAML composes recursively and would overflow."""
    depth = 0
    for event in _events(text):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise _TooBig(f"nesting is deeper than {MAX_DEPTH} levels", (mark.line + 1, mark.column + 1))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def _convert(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: Path_,
    doc: Document,
    problems: Problems,
    counter: list[int],
    ancestors: tuple[yaml.Node, ...],
) -> Any:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise _TooBig(f"document has more than {MAX_NODES} values (alias bomb?)", _mark(node))
    line, col = _mark(node)
    if any(node is a for a in ancestors):  # `x: &a [*a]`: an alias inside the value it names
        doc.locs[path] = Loc(line, col)
        problems.add(doc.file, line, col, key_path(path), "an alias refers to the value it is part of; "
                     "a value cannot contain itself")
        return None
    if len(ancestors) > MAX_DEPTH:  # through aliases: each may add the depth of what it names
        # Shown at the top-level value that grew too deep, where the chain of aliases starts.
        raise _TooBig(f"nesting is deeper than {MAX_DEPTH} levels (through aliases)", _mark(ancestors[1]))
    if node.tag not in PLAIN_TAGS:
        tag = node.tag.replace(YAML_TAG, "!!")
        problems.add(doc.file, line, col, key_path(path), f"YAML tag {shown(tag, quote=False)} is not allowed; "
                     "write a plain value")
        doc.locs[path] = Loc(line, col)
        return None
    inside = (*ancestors, node)
    if isinstance(node, yaml.MappingNode):
        doc.locs[path] = Loc(line, col, tag="map")
        result: dict[str, Any] = {}
        loader.flatten_mapping(node)  # resolves `<<` merge keys
        for key_node, value_node in node.value:
            kline, kcol = _mark(key_node)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in PLAIN_TAGS:
                # Refused before it is built: a key is never expanded, so aliases in it cost nothing.
                what = "a list" if isinstance(key_node, yaml.SequenceNode) else (
                    "a mapping" if isinstance(key_node, yaml.MappingNode) else key_node.tag.replace(YAML_TAG, "!!"))
                problems.add(doc.file, kline, kcol, key_path(path),
                             f"a key must be plain text, not {shown(what, quote=False)}")
                continue
            key, error = _scalar(loader, key_node)
            if error:
                problems.add(doc.file, kline, kcol, key_path(path), error)
                continue
            if key is None:
                key = key_node.value
            if not isinstance(key, str):
                key = str(key).lower() if isinstance(key, bool) else str(key)
            if SURROGATE.search(key):
                problems.add(doc.file, kline, kcol, key_path(path), _surrogate_message(key))
                continue
            if key in result:
                first = doc.locs.get((*path, key))
                seen = f" (first defined at line {first.line})" if first else ""
                problems.add(doc.file, kline, kcol, key_path((*path, key)), f"duplicate key{seen}")
                continue
            doc.key_locs[(*path, key)] = Loc(kline, kcol)
            result[key] = _convert(loader, value_node, (*path, key), doc, problems, counter, inside)
            vloc = doc.locs[(*path, key)]
            # A whole mapping, list or empty value is best shown by its key: that is what the
            # user sees (a missing key is reported at its parent's key, for instance).
            if vloc.tag in ("map", "seq") or (
                vloc.tag == "null" and value_node.start_mark.line != key_node.start_mark.line
            ):
                doc.locs[(*path, key)] = Loc(kline, kcol, vloc.raw, vloc.tag)
        return result
    if isinstance(node, yaml.SequenceNode):
        doc.locs[path] = Loc(line, col, tag="seq")
        return [
            _convert(loader, item, (*path, i), doc, problems, counter, inside)
            for i, item in enumerate(node.value)
        ]
    value, error = _scalar(loader, node)
    if error:
        problems.add(doc.file, line, col, key_path(path), error)
        value = node.value
    if isinstance(value, str) and SURROGATE.search(value):
        problems.add(doc.file, line, col, key_path(path), _surrogate_message(value))
        # Reported; what stands in can be written (a later stage checks the rest in the same run).
        value = SURROGATE.sub("\ufffd", value)
    counter[1] += len(node.value) if isinstance(node.value, str) else 0
    if counter[1] > MAX_TEXT:
        raise _TooBig(
            f"document expands to more than {MAX_TEXT} characters of text (aliases repeating text?)", _mark(node)
        )
    # A plain scalar: style None from PyYAML, "" from libyaml.
    raw = node.value if isinstance(node, yaml.ScalarNode) and not node.style else None
    tag = "null" if value is None else ""
    doc.locs[path] = Loc(line, col, raw, tag)
    return value


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> tuple[Any, str]:
    """A scalar's value, or a message when its text is not what its tag asks for.

    PyYAML fails on some explicit tags with bare Python errors (`!!bool maybe` a KeyError,
    `!!timestamp x` an AttributeError, `!!seq` on text a ConstructorError): each is the user's
    value not fitting its tag.
    """
    if not isinstance(node, yaml.ScalarNode):
        return None, "must be a single value"
    try:
        return loader.construct_object(node, deep=True), ""
    except Exception as exc:  # any failure here is the text not fitting its tag
        kind = node.tag.removeprefix(YAML_TAG)
        what = TAG_WORDS.get(kind, f"value for the tag !!{kind}")
        detail = f" ({exc})" if kind == "timestamp" and type(exc) is ValueError else ""
        return None, f"{shown(node.value, quote=False)} is not a valid {what}{detail}"


def _surrogate_message(text: str) -> str:
    half = SURROGATE.search(text)
    assert half is not None
    return (f"\\u{ord(half.group()):04x} is half of a UTF-16 pair (a lone surrogate), not a character; "
            "write the character itself")
