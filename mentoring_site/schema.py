"""Typed schemas and the validator that turns YAML data into them.

Each schema is a frozen dataclass whose fields carry a docstring (`meta(doc=...)`). `convert`
checks the data against the type hints, collecting every problem with its key path, so that a
user sees all mistakes of a run at once, each at its line.

With `Ctx(repair=True)` a mistake does not fail the whole value: what is wrong is reported, then
replaced by what the schema uses when the key is absent (its default), or, for a required key,
by its neutral stand-in (`meta(neutral=...)`), so that the stages after it still run and report
their own problems in the same run (program.yml, see program.load_program). Nothing is built from
a repaired value: the run fails with every problem found.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import Problems, shown
from .yamlsource import Document, Path_

INVALID: Any = object()  # returned for a value that failed; never reaches a model



class RuleError(ValueError):
    """Raised by a schema's `__post_init__` for a rule across fields; `key` is the culprit, and
    `reads` the keys the rule compares (None: unknown), for `Ctx.repair`: the rule's error is not
    reported while one of them stands in for a mistake."""

    def __init__(self, key: str, message: str, *, reads: tuple[str, ...] | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.reads = reads


Check = Callable[[Any, "Ctx", Path_], Any]
# A required key's neutral stand-in, for `Ctx(repair=True)`: a value, or a function of the valid
# values of the other keys of the same mapping (an end date made from the start).
Neutral = Any


def meta(doc: str, *, check: Check | None = None, example: str | None = None,
         neutral: Neutral = dataclasses.MISSING) -> dict[str, Any]:
    """Field metadata: its documentation, an optional extra check, an example for docs, and for a
    required key the neutral value that stands in for it when it is wrong (see `Ctx.repair`)."""
    return {"doc": doc, "check": check, "example": example, "neutral": neutral}


@dataclass
class Ctx:
    """The document being validated and where its problems go."""

    doc: Document
    problems: Problems
    # Report a wrong value, then stand in for it (its default, or its neutral stand-in) instead of
    # failing the mapping that holds it; the key paths of the values stood in for go to `replaced`.
    repair: bool = False
    replaced: list[Path_] = dataclasses.field(default_factory=list)

    def error(self, path: Path_, message: str) -> Any:
        loc = self.doc.loc(path)
        dotted = self.doc.key(path)
        self.problems.add(self.doc.file, loc.line, loc.column, dotted, message)
        return INVALID

    def error_at_key(self, path: Path_, message: str) -> Any:
        """Report at the key itself (for unknown keys), not at its value."""
        loc = self.doc.key_locs.get(path) or self.doc.loc(path)
        dotted = self.doc.key(path)
        self.problems.add(self.doc.file, loc.line, loc.column, dotted, message)
        return INVALID

    def source_line(self, path: Path_) -> str:
        try:
            lines = self.doc.file.read_text(encoding="utf-8").splitlines()
            return lines[self.doc.loc(path).line - 1]
        except (OSError, IndexError):
            return ""


def _type_name(tp: Any) -> str:
    if tp is str:
        return "text"
    if tp is int:
        return "a whole number"
    if tp is bool:
        return "true or false"
    if tp is dt.date:
        return "a date (YYYY-MM-DD)"
    if dataclasses.is_dataclass(tp):
        return "a mapping"
    origin = typing.get_origin(tp)
    if origin is list:
        return "a list"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(tp))
    return str(tp)


def _quote_hint(value: Any, ctx: Ctx, path: Path_) -> str:
    """Explain YAML 1.1 surprises: the user wrote text, YAML read something else."""
    raw = ctx.doc.loc(path).raw
    if raw is None:
        return ""
    if isinstance(value, bool):
        return f" (YAML reads unquoted {raw} as {str(value).lower()}; write \"{raw}\" in quotes)"
    if isinstance(value, (int, float, dt.date)):
        kind = "a date" if isinstance(value, dt.date) else "a whole number" if isinstance(value, int) else "a number"
        return f" (YAML reads unquoted {raw} as {kind}; write \"{raw}\" in quotes)"
    return ""


def _empty_hint(ctx: Ctx, path: Path_) -> str:
    line = ctx.source_line(path)
    after = line.split(":", 1)[1].strip() if ":" in line else line.strip().lstrip("- ")
    if after.startswith("#"):
        token = after.split()[0]
        return f" (a value starting with # is a YAML comment; write \"{shown(token, quote=False)}\" in quotes)"
    return ""


def convert(tp: Any, value: Any, path: Path_, ctx: Ctx) -> Any:
    """Check `value` against type `tp`; return the typed value or INVALID."""
    if tp is Any:  # validated by the field's own check
        return value
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None and len(options) < len(typing.get_args(tp)):
            return None
        if len(options) == 1:
            return convert(options[0], value, path, ctx)
        # str | Mapping: pick by the shape of the value, so messages stay specific.
        for option in options:
            if isinstance(value, dict) == dataclasses.is_dataclass(option):
                return convert(option, value, path, ctx)
        return ctx.error(path, f"must be {' or '.join(_type_name(o) for o in options)}")
    if value is None:
        return ctx.error(path, f"is empty; expected {_type_name(tp)}{_empty_hint(ctx, path)}")
    if dataclasses.is_dataclass(tp):
        return convert_mapping(tp, value, path, ctx)
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, list):
            return ctx.error(path, f"must be a list, not {_describe(value)}")
        items = [convert(item_tp, v, (*path, i), ctx) for i, v in enumerate(value)]
        # (Repairing, a list with a wrong item stands in whole, as its default: without the item
        # it could lack what the item was meant to be, `paper_sizes: [a4, leter]` the letter PDFs
        # a page links to.)
        return INVALID if any(i is INVALID for i in items) else items
    if origin is Literal:
        allowed = typing.get_args(tp)
        if value in allowed:
            return value
        hint = _quote_hint(value, ctx, path)
        return ctx.error(path, f"must be one of {', '.join(map(str, allowed))}, not {shown(value)}{hint}")
    if tp is str:
        if isinstance(value, str):
            return value
        return ctx.error(path, f"must be text, not {_describe(value)}{_quote_hint(value, ctx, path)}")
    if tp is bool:
        if isinstance(value, bool):
            return value
        return ctx.error(path, f"must be true or false, not {_describe(value)}")
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return ctx.error(path, f"must be a whole number, not {_describe(value)}")
    if tp is dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        return ctx.error(path, f"must be a date written YYYY-MM-DD, not {shown(value)}")
    raise TypeError(f"schema type not supported: {tp!r}")  # a fault in our schema


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return str(value).lower()
    return shown(value)


@functools.cache
def _schema(cls: Any) -> tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]:
    """A schema class's field types and fields, worked out once (a program has hundreds of
    mappings of a few classes; resolving the annotations was a tenth of loading it)."""
    return typing.get_type_hints(cls), {f.name: f for f in dataclasses.fields(cls) if f.init}


def convert_mapping(cls: Any, value: Any, path: Path_, ctx: Ctx) -> Any:
    """Check a mapping against dataclass `cls`: unknown keys, required keys, each field."""
    if not isinstance(value, dict):
        return ctx.error(path, f"must be a mapping of keys, not {_describe(value)}")
    hints, fields = _schema(cls)
    ok = True
    suggested: set[str] = set()  # a missing key already named by a did-you-mean is not repeated
    for key in value:
        if key not in fields:
            close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            suggested.update(close)
            known = ", ".join(fields)
            ctx.error_at_key((*path, key), f"unknown key{hint} (known keys: {known})")
            ok = False
    kwargs: dict[str, Any] = {}
    replaced_before = len(ctx.replaced)
    wrong: list[str] = []  # required keys missing or wrong, and optional ones wrong
    for name, f in fields.items():
        if name not in value:
            if _required(f):
                if name not in suggested:
                    ctx.error(path, f"missing required key {name!r}")
                ok = False
                wrong.append(name)
            continue
        converted = convert(hints[name], value[name], (*path, name), ctx)
        check = f.metadata.get("check")
        if converted is not INVALID and converted is not None and check:
            converted = check(converted, ctx, (*path, name))
        if converted is INVALID:
            ok = False
            wrong.append(name)
        else:
            kwargs[name] = converted
    if not ok and not ctx.repair:
        return INVALID
    for name in wrong:  # (repairing) each wrong value stands in as if the key were absent
        ctx.replaced.append((*path, name))
        if not _stand_in(fields[name], hints[name], kwargs, path, ctx):
            return INVALID
    # The keys of this mapping under which something stands in (its own, or deeper).
    stood = {p[len(path)] for p in ctx.replaced[replaced_before:] if len(p) > len(path)}
    broken = False
    for _ in range(100):  # each round stands in for one more value, or gives up
        try:
            made = cls(**kwargs)
        except RuleError as exc:  # cross-field rules raised in __post_init__
            key = tuple(int(k) if k.isdigit() else k for k in exc.key.split("."))  # list items by index
            # A rule that compares a value standing in for a mistake may be broken only by the
            # stand-in (a time zone "without a time" whose time was wrong): it is checked by the
            # next run. So is a rule over a key that an earlier broken rule's culprit stood in for
            # (check-ins every week, the default, against meetings every week; a second skipped
            # day, whose place in the list moved up when the first went), and one that does not
            # say which keys it compares. A rule over other keys is reported in the same run: a
            # table's rows and its columns, a program's end and its start.
            standing_in = stood if exc.reads is None else stood & set(exc.reads)
            if not standing_in:
                ctx.error((*path, *key), str(exc))
            broken = True
            # The culprit stands in, if only to find the other rules' problems in this run.
            if not _reset(fields, hints, kwargs, key, path, ctx):
                return INVALID
            stood.add(key[0])
            continue
        return INVALID if broken and not ctx.repair else made
    return INVALID


def _required(f: Any) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _stand_in(f: Any, tp: Any, kwargs: dict[str, Any], path: Path_, ctx: Ctx) -> bool:
    """Put in `kwargs` what stands in for field `f`: nothing for a key with a default (the
    default applies), else its neutral value. False when it has neither."""
    kwargs.pop(f.name, None)
    if not _required(f):
        return True
    neutral = f.metadata.get("neutral", dataclasses.MISSING)
    if callable(neutral):
        neutral = neutral(kwargs)
    if neutral is dataclasses.MISSING:
        inner = next((t for t in (tp, *typing.get_args(tp)) if dataclasses.is_dataclass(t)), None)
        if inner is None:
            return False
        # A mapping whose keys all have a default or a neutral value; nothing is reported of it.
        quiet = Ctx(ctx.doc, Problems(ctx.problems.root), repair=True)
        neutral = convert_mapping(inner, {}, (*path, f.name), quiet)
        if neutral is INVALID:
            return False
    kwargs[f.name] = neutral
    return True


def _reset(fields: dict[str, Any], hints: dict[str, Any], kwargs: dict[str, Any], key: tuple[Any, ...], path: Path_,
           ctx: Ctx) -> bool:
    """Stand in for the culprit `key` of a broken rule: a list item goes, a key of a mapping
    within is reset, and anything else is reset whole. False when nothing changed."""
    name = key[0]
    if name not in fields:
        return False
    before = kwargs.get(name, dataclasses.MISSING)
    ctx.replaced.append((*path, *key))
    inner = _without(before, key[1:]) if before is not dataclasses.MISSING else INVALID
    if inner is not INVALID and inner != before:
        kwargs[name] = inner
        return True
    if not _stand_in(fields[name], hints[name], kwargs, path, ctx):
        return False
    return bool(kwargs.get(name, dataclasses.MISSING) != before)


def _without(value: Any, key: tuple[Any, ...]) -> Any:
    """`value` with the item at `key` left out (a list's) or reset to its default (a mapping's),
    or INVALID when that cannot be done."""
    if not key:
        return INVALID
    head, rest = key[0], key[1:]
    if isinstance(value, list) and isinstance(head, int) and 0 <= head < len(value):
        return value[:head] + value[head + 1:]
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and isinstance(head, str):
        f = next((f for f in dataclasses.fields(value) if f.name == head), None)
        if f is None:
            return INVALID
        inner = _without(getattr(value, head), rest) if rest else INVALID
        if inner is INVALID:
            if _required(f):
                return INVALID
            inner = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        try:
            return dataclasses.replace(value, **{head: inner})
        except RuleError:
            return INVALID
    return INVALID


def field_docs(cls: Any) -> list[tuple[str, str, str]]:
    """(key, type, doc) for each field of a schema: used to write the reference docs."""
    hints = typing.get_type_hints(cls)
    return [
        (f.name, _type_name(hints[f.name]), f.metadata.get("doc", ""))
        for f in dataclasses.fields(cls)
    ]


__all__ = ["INVALID", "Ctx", "RuleError", "convert", "convert_mapping", "field", "field_docs", "meta"]
