"""The Jinja environment: the program's own `templates/` first, then the built-in ones.

Any built-in template or stylesheet is replaced by a file of the same relative name in the
program's `templates/` folder. Undefined variables are errors (`StrictUndefined`), HTML
templates are autoescaped, and text printed into Markdown templates is neutralised
(see `sanitise`).
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import markdown as markdown_lib
import nh3
from markupsafe import Markup

from . import assets
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
    """Compiled templates kept in memory for the life of the process, checked against each
    template's source (a changed template is compiled again): for `serve`, which builds over
    and over with the same templates."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if len(self.store) > 2000:  # templates from many temporary folders: start afresh
            self.store.clear()
        self.store[bucket.key] = bucket.bytecode_to_string()


BYTECODE_CACHE: jinja2.BytecodeCache | None = None  # set by `serve`; a one-off build needs none


def environment(root: Path) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    own = root / "templates"
    builtin = assets.builtin_root() / "templates"
    if own.is_dir() and own.resolve() != builtin.resolve():
        loaders.append(jinja2.FileSystemLoader(own, followlinks=False))
    loaders.append(jinja2.FileSystemLoader(builtin))
    env = jinja2.Environment(
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
    return env


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


def _template_frame(exc: BaseException, name: str) -> tuple[str, int]:
    """The innermost template file and line in a traceback (Jinja maps frames to templates)."""
    file, line = name, 1
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith((".j2", ".html", ".md", ".css")):
            file, line = code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return file, line


def render(env: jinja2.Environment, name: str, context: dict[str, object], root: Path | None = None) -> str:
    """Render a template; a mistake in a (user's) template becomes a located ProgramError."""
    from .errors import Problem, ProgramError

    def fail(file: str, line: int, message: str) -> ProgramError:
        return ProgramError([Problem(_shown(file, root), line, 1, "", f"template error: {message}")])

    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound as exc:
        file, line = _template_frame(exc, "templates/" + name)
        raise fail(file, line, f"template {exc.name!r} not found") from None
    except jinja2.TemplateSyntaxError as exc:
        raise fail(exc.filename or name, exc.lineno or 1, exc.message or "syntax error") from None
    except jinja2.UndefinedError as exc:
        file, line = _template_frame(exc, name)
        message = exc.message or "undefined value"
        word = re.fullmatch(r"'[\w.]*Terms object' has no attribute '(\w+)'", message)
        if word:  # `t.coachees`: say which words there are, not which class said no
            known = ", ".join(f"t.{w}" for w in sorted(context["t"].forms))  # type: ignore[attr-defined]
            message = f"there is no word t.{word.group(1)} (use the role names: {known})"
        raise fail(file, line, message) from None
