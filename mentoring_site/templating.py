"""The Jinja environment: the program's own `templates/` first, then the built-in ones.

Any built-in template or stylesheet is replaced by a file of the same relative name in the
program's `templates/` folder. Undefined variables are errors (`StrictUndefined`), HTML
templates are autoescaped, and text printed into Markdown templates is neutralised
(see `sanitise`).

An override is code that comes with a program folder, possibly from someone else, so every
template runs in Jinja's sandbox (`Sandbox`): it can print, loop and compute with the values it
is given, but not reach Python internals (`__class__`, `__globals__`, ...), files or commands.
Anything that goes wrong while it runs is a located error at the template's line.
"""

from __future__ import annotations

import contextlib
import os
import re
import types
from pathlib import Path
from typing import Any

import jinja2
import markdown as markdown_lib
import nh3
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup

from . import assets, cache, messages
from .sanitise import neutralise


def _drop_relative_links(element: str, attribute: str, value: str) -> str | None:
    """Worksheet text goes into PDFs, where a relative link leads nowhere (or into the build
    machine's folders), and into raw-HTML previews that the site engine does not rewrite: keep
    the link text, drop the target. Images stay: the restricted fetcher decides on those."""
    if element == "a" and attribute == "href" and not value.lower().startswith(("http:", "https:", "mailto:")):
        return None
    return value


def markdown_filter(text: str) -> Markup:
    """Markdown to sanitised HTML for text placed in HTML templates: no script survives."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"])
    return Markup(nh3.clean(
        html, url_schemes={"http", "https", "mailto"}, attribute_filter=_drop_relative_links,
    ))


@jinja2.pass_context
def finalize(context: jinja2.runtime.Context, value: object) -> object:
    """Every `{{ value }}` printed into a Markdown (non-HTML) template is neutralised.

    Templates are trusted; the text they print comes from content and is not, unless the
    program sets `site.allow_html`. HTML templates autoescape instead, and `Markup` (the
    sanitised output of the `markdown` filter) is already safe.
    """
    if not isinstance(value, str) or isinstance(value, Markup) or context.eval_ctx.autoescape:
        return value
    config = context.get("config")
    if config is not None and getattr(config.site, "allow_html", False):
        return value
    return neutralise(value)


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the life of the process, and in the user's cache
    folder (see cache.py; never the program's) for the next process, each checked by Jinja against
    its template's source (a changed template is compiled again) and against this Python's
    version: compiling the templates took a quarter of a rebuild with nothing to lay out."""

    KIND = "templates"

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        """Jinja's bucket, keyed by the kind of environment too: a sandboxed one compiles every
        call and attribute through itself, and that code does not run in a plain one (the theme's,
        see engine.mkdocs_build)."""
        key = self.get_cache_key(name, filename) + ("" if environment.sandboxed else "-plain")
        bucket = jinja2.bccache.Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is None:
            with contextlib.suppress(OSError, ValueError):
                data = cache.get(cache.folder(self.KIND), bucket.key, suffix=".jinja")
        if data is not None:
            bucket.bytecode_from_string(data)  # ignored if stale: Jinja then compiles it

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if len(self.store) > 2000:  # templates from many temporary folders: start afresh
            self.store.clear()
        data = self.store[bucket.key] = bucket.bytecode_to_string()
        with contextlib.suppress(OSError, ValueError):  # without it, the next process compiles again
            cache.put(cache.folder(self.KIND), bucket.key, data, suffix=".jinja")
            cache.prune(cache.folder(self.KIND))


# One for the process: a build compiles each template once for all its languages, `serve` once
# for the session.
BYTECODE_CACHE: jinja2.BytecodeCache | None = MemoryBytecodeCache()


MAX_PRODUCT = 1_000_000  # items or characters a `*` may make, and bits a `**` may make


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox for every template we render (and for the theme's, see `sandboxed`).

    On top of Jinja's rules (no attribute starting with `_`, no function internals): no
    attribute of a path or module at all, so a value that is a file path cannot be read or
    written through its methods; and `*` or `**` may not make a value too large to hold.
    """

    intercepted_binops = frozenset({"*", "**"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, (os.PathLike, types.ModuleType)):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for a, b in ((left, right), (right, left)):
                if isinstance(a, (str, list, tuple)) and isinstance(b, int) and len(a) * b > MAX_PRODUCT:
                    raise SecurityError(f"a repetition longer than {MAX_PRODUCT} is not allowed")
        elif isinstance(left, int) and isinstance(right, int) and max(abs(left), 2).bit_length() * right > MAX_PRODUCT:
            raise SecurityError(f"a power of more than {MAX_PRODUCT} bits is not allowed")
        return super().call_binop(context, operator, left, right)


def sandboxed(env: jinja2.Environment) -> Sandbox:
    """A sandboxed copy of an environment made elsewhere (the theme's, made by MkDocs), with
    its loader, filters, tests, globals and extensions (the theme's translations)."""
    if isinstance(env, Sandbox):
        return env
    box = Sandbox(
        loader=env.loader, auto_reload=env.auto_reload, autoescape=env.autoescape, undefined=env.undefined,
        extensions=[type(e) for e in env.extensions.values()],
    )
    box.filters.update(env.filters)
    box.tests.update(env.tests)
    box.globals.update({k: v for k, v in env.globals.items() if k != "range"})
    box.policies.update(env.policies)
    for name in ("newstyle_gettext",):  # set by the i18n extension when translations are installed
        if hasattr(env, name):
            setattr(box, name, getattr(env, name))
    return box


def environment(root: Path, catalog: messages.Catalog | None = None) -> jinja2.Environment:
    """The environment for the program at `root`, its messages in `catalog`'s language
    (`messages.of(program)`); without one, as written (English)."""
    loaders: list[jinja2.BaseLoader] = []
    own = root / "templates"
    builtin = assets.builtin_root() / "templates"
    if own.is_dir() and own.resolve() != builtin.resolve():
        loaders.append(jinja2.FileSystemLoader(own, followlinks=False))
    loaders.append(jinja2.FileSystemLoader(builtin))
    env = Sandbox(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "html.j2"], default_for_string=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize,
        bytecode_cache=BYTECODE_CACHE,
    )
    env.filters["markdown"] = markdown_filter
    return messages.install(env, catalog or messages.SOURCE)


def template_sources(root: Path) -> list[Path]:
    """Every template file that may be used, for cache keys and for `serve` to watch."""
    files: list[Path] = []
    for folder in (assets.builtin_root() / "templates", root / "templates"):
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.is_file())
    return files


def _shown(file: str, root: Path | None) -> str:
    """A template's file name as the user knows it: relative to the program, or to the package."""
    path = Path(file)
    for base in (root, assets.builtin_root()):
        if base is not None and path.is_absolute() and path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return file


TEMPLATE_SUFFIXES = (".j2", ".html", ".md", ".css")


def template_frame(exc: BaseException, name: str, within: Path | None = None) -> tuple[str, int]:
    """The innermost template file and line in a traceback (Jinja maps frames to templates);
    with `within`, the innermost one inside that folder ("" if there is none)."""
    file, line = ("", 0) if within else (name, 1)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(TEMPLATE_SUFFIXES) and (within is None or Path(filename).is_relative_to(within)):
            file, line = filename, tb.tb_lineno
        tb = tb.tb_next
    return file, line


def runtime_message(exc: BaseException) -> str:
    """What went wrong while a template ran, in one short line."""
    if isinstance(exc, SecurityError):
        text = f"not allowed (templates run sandboxed): {exc}"
    elif isinstance(exc, jinja2.TemplateNotFound):
        text = f"template {exc.name!r} not found"
    else:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:200] + "…"


def render(env: jinja2.Environment, name: str, context: dict[str, object], root: Path | None = None) -> str:
    """Render a template; a mistake in a (user's) template becomes a located ProgramError."""
    from .errors import Problem, ProgramError

    def fail(file: str, line: int, message: str) -> ProgramError:
        return ProgramError([Problem(_shown(file, root), line, 1, "", f"template error: {message}")])

    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound as exc:
        file, line = template_frame(exc, "templates/" + name)
        raise fail(file, line, f"template {exc.name!r} not found") from None
    except jinja2.TemplateSyntaxError as exc:
        raise fail(exc.filename or name, exc.lineno or 1, exc.message or "syntax error") from None
    except jinja2.UndefinedError as exc:
        file, line = template_frame(exc, name)
        message = exc.message or "undefined value"
        word = re.fullmatch(r"'[\w.]*Terms object' has no attribute '(\w+)'", message)
        if word:  # `t.coachees`: say which words there are, not which class said no
            known = ", ".join(f"t.{w}" for w in sorted(context["t"].forms))  # type: ignore[attr-defined]
            message = f"there is no word t.{word.group(1)} (use the role names: {known})"
        raise fail(file, line, message) from None
    except Exception as exc:
        # A runtime error (1/0, a sandbox refusal, a filter given the wrong thing) is the user's
        # when one of their overrides is running; in our own templates alone it is our fault.
        if isinstance(exc, jinja2.TemplateError):
            file, line = template_frame(exc, name)
        else:
            file, line = template_frame(exc, name, root / "templates") if root else ("", 0)
        if not file:
            raise
        raise fail(file, line, runtime_message(exc)) from None
