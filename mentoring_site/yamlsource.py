"""Load YAML safely, keeping the line and column of every key and value.

PyYAML's safe loader is used for scanning and scalar resolution only; we walk the node tree
ourselves so that duplicate keys are errors, aliases cannot explode memory, nesting depth is
bounded, and every value remembers where it came from (for `file:line:column` messages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import sourcefiles
from .errors import Problems

MAX_FILE_BYTES = 1_000_000
MAX_TEXT = 4_000_000
MAX_NODES = 100_000
MAX_DEPTH = 40

Path_ = tuple[str | int, ...]

YAML_TAG = "tag:yaml.org,2002:"
PLAIN_TAGS = {YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}


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

    def loc(self, path: Path_) -> Loc:
        """The location of `path`, or of its nearest ancestor that has one."""
        while path not in self.locs and path:
            path = path[:-1]
        return self.locs.get(path, Loc(1, 1))


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
        before = text[: exc.position]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        problems.add(file, line, column, "", f"control character U+{exc.character:04X} is not allowed "
                     "in YAML; remove it")
        return None
    try:
        _check_depth(text)
        node = loader.get_single_node()
        doc = Document(file, None)
        if node is not None:
            counter = [0, 0]  # values, characters of text (after aliases are expanded)
            doc.data = _convert(loader, node, (), doc, problems, counter, 0)
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
    finally:
        loader.dispose()
    return None


def _check_depth(text: str) -> None:
    """Refuse deep nesting before composing: PyYAML composes recursively and would overflow."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
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
    depth: int,
) -> Any:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise _TooBig(f"document has more than {MAX_NODES} values (alias bomb?)", _mark(node))
    line, col = _mark(node)
    if node.tag not in PLAIN_TAGS:
        dotted = ".".join(str(p) for p in path)
        shown = node.tag.replace(YAML_TAG, "!!")
        problems.add(doc.file, line, col, dotted, f"YAML tag {shown} is not allowed; write a plain value")
        doc.locs[path] = Loc(line, col)
        return None
    if isinstance(node, yaml.MappingNode):
        doc.locs[path] = Loc(line, col, tag="map")
        result: dict[str, Any] = {}
        loader.flatten_mapping(node)  # resolves `<<` merge keys
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            kline, kcol = _mark(key_node)
            if not isinstance(key, str):
                key = str(key).lower() if isinstance(key, bool) else str(key)
            dotted = ".".join(str(p) for p in (*path, key))
            if key in result:
                first = doc.locs.get((*path, key))
                seen = f" (first defined at line {first.line})" if first else ""
                problems.add(doc.file, kline, kcol, dotted, f"duplicate key{seen}")
                continue
            doc.key_locs[(*path, key)] = Loc(kline, kcol)
            result[key] = _convert(
                loader, value_node, (*path, key), doc, problems, counter, depth + 1
            )
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
            _convert(loader, item, (*path, i), doc, problems, counter, depth + 1)
            for i, item in enumerate(node.value)
        ]
    try:
        value = loader.construct_object(node, deep=True)
    except ValueError as exc:  # e.g. 2027-02-30 matches the date pattern but is no date
        dotted = ".".join(str(p) for p in path)
        what = "date" if node.tag.endswith(":timestamp") else "value"
        problems.add(doc.file, line, col, dotted, f"{node.value} is not a valid {what} ({exc})")
        value = node.value
    counter[1] += len(node.value) if isinstance(node.value, str) else 0
    if counter[1] > MAX_TEXT:
        raise _TooBig(
            f"document expands to more than {MAX_TEXT} characters of text (aliases repeating text?)", _mark(node)
        )
    raw = node.value if isinstance(node, yaml.ScalarNode) and node.style is None else None
    tag = "null" if value is None else ""
    doc.locs[path] = Loc(line, col, raw, tag)
    return value
