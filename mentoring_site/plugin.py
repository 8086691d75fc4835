"""MkDocs plugin: a thin adapter so `mkdocs build` and `mkdocs serve` work in a program folder.

It forwards MkDocs events to the core (`build.generate_site`) and copies the resolved settings into
MkDocs' configuration. No generation logic lives here. MkDocs builds the default language's site;
each other language's is built by the core (`build.publish_others`) into `<code>/` of it once
MkDocs is done, for `mkdocs build` and `mkdocs serve` alike.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from . import htmlsafety, publish
from .build import Generated, generate_site, publish_others
from .engine import write_tree
from .errors import ProgramError
from .templating import sandboxed

log = logging.getLogger("mkdocs.plugins.mentoring_site")

WATCHED = ("content", "worksheets", "templates", "assets")
SITE_DIR_OPTION = "site_dir (in mkdocs.yml, or -d)"


class MentoringSitePlugin(BasePlugin):  # type: ignore[type-arg]
    def __init__(self) -> None:
        self.generated: Generated | None = None
        self.marker = ""
        self.reference: set[str] | None = None  # the theme's inline scripts, from its 404 page
        self.command: str | None = None  # None: MkDocs used as a library, without on_startup
        self.dirty = False
        self.site_dir: Path | None = None  # where the site goes, while MkDocs builds elsewhere
        self.staged: Path | None = None
        self.built = False

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command, self.dirty = command, dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).resolve().parent
        site_dir = Path(config.site_dir)
        try:
            # MkDocs empties site_dir before it builds: refuse one that is not ours first.
            given = Path(config.config_file_path).absolute().parent  # the folders as named, links and all
            publish.check_site_dir(given, site_dir, option=SITE_DIR_OPTION)
            theme_dir = root / ".mentoring-site" / "theme"
            publish.check_site_dir(root, theme_dir, option="")
            # `mkdocs serve` rebuilds on every change: the printed handbook is left to `mkdocs build`.
            self.generated = generate_site(root, report=log.info, booklet=self.command != "serve")
            for warning in self.generated.warnings:  # `mkdocs build --strict` fails on these
                log.warning(warning.as_warning())
        except ProgramError as exc:
            raise PluginError(f"\n{exc}") from None
        except publish.UsageError as exc:
            raise PluginError(str(exc)) from None
        self.marker = htmlsafety.new_marker()  # a new one for every build, `mkdocs serve` rebuilds too
        self.reference = None
        apply_settings(config, htmlsafety.with_marker(self.generated.config, self.marker))
        # The theme additions (custom_dir) go to a folder of ours MkDocs reads templates from,
        # replaced whole like the site.
        with publish.staging(theme_dir.resolve()) as staged:
            write_tree(dict(self.generated.theme_files), staged)
        if str(theme_dir) not in config.theme.dirs:
            config.theme.dirs.insert(0, str(theme_dir))
        if self.command in ("build", "gh-deploy") and not self.dirty:
            # Build beside the site and swap it in when MkDocs is done (on_shutdown, which
            # `mkdocs build` calls after its strict-mode check), as `mentoring-site build` does:
            # a failed or killed build leaves the previous site whole.
            self.site_dir = site_dir.resolve()
            self.staged = publish.begin(self.site_dir)
            self.built = False
            config.site_dir = str(self.staged)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.generated is not None
        # Keep the theme's own files (its styles and scripts); our generated pages replace the
        # raw sources MkDocs found in docs_dir (content/pages), which still hold placeholders.
        # Nothing else from docs_dir is published: the core decides which files beside the pages
        # are (checked images and PDFs), so an .html or .js file there is not served as it is.
        # One new list, not a removal per page: Files.remove is linear, so that was quadratic.
        docs = Path(config.docs_dir).resolve()
        generated = self.generated.files

        def from_docs(found: File) -> bool:
            return bool(found.abs_src_path) and Path(found.abs_src_path).resolve().is_relative_to(docs)

        kept = [f for f in files if f.src_uri not in generated and not from_docs(f)]
        made = [File.generated(config, path, content=content) for path, content in sorted(generated.items())]
        return Files(kept + made)

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        # The theme's templates (the program's templates/theme/ among them) run sandboxed too.
        return sandboxed(env)

    # Safety is decided on each page as MkDocs produced it, before MkDocs writes it: a page that
    # cannot be made safe stops the build and is not written. MkDocs renders its 404 page (a
    # static template) before the pages; its inline scripts are the theme's.
    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        if template_name != htmlsafety.ERROR_PAGE:
            return output_content
        self.reference = htmlsafety.reference_scripts(output_content)
        return _checked(htmlsafety.secure_page(output_content, template_name, self.marker, self.reference,
                                               content=False))

    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        reference = self.reference if self.reference is not None else set()
        return _checked(htmlsafety.secure_page(output, page.file.dest_uri, self.marker, reference))

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        index = Path(config.site_dir, htmlsafety.SEARCH_INDEX)
        if index.is_file() and not index.is_symlink():
            index.write_text(htmlsafety.secure_search_index(index.read_text(encoding="utf-8")), encoding="utf-8")
        if self.generated is not None and self.generated.others:
            try:
                publish_others(self.generated, Path(config.site_dir))
            except ProgramError as exc:
                raise PluginError(f"\n{exc}") from None
        if self.staged is not None:
            self.built = True  # swapped in at shutdown, unless strict mode still fails the build
        else:
            # Mark the folder as ours, so that `mentoring-site build` may replace it later.
            marker = Path(config.site_dir, publish.MARKER)
            if not marker.is_symlink():
                marker.write_text(publish.MARKER_TEXT, encoding="utf-8")

    def on_build_error(self, *, error: Exception) -> None:
        if self.staged is not None:
            publish.abandon(self.staged)
            self.staged = None

    def on_shutdown(self) -> None:
        if self.staged is not None and self.site_dir is not None:
            staged, self.staged = self.staged, None
            if self.built:
                publish.finish(staged, self.site_dir)
            else:
                publish.abandon(staged)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        root = Path(config.config_file_path).resolve().parent
        for name in WATCHED:
            if (root / name).is_dir():
                server.watch(str(root / name))
        return server


def _checked(secured: htmlsafety.Secured) -> str:
    if secured.problems:
        raise PluginError("\n" + "\n".join(str(p) for p in secured.problems))
    return secured.html


def apply_settings(config: MkDocsConfig, settings: dict[str, Any]) -> None:
    """Copy the core's resolved site settings into MkDocs' live configuration."""
    for key in ("site_name", "site_description", "site_author", "copyright", "nav", "use_directory_urls"):
        config[key] = settings[key]
    if "extra" in settings:
        config["extra"] = {**config.get("extra", {}), **settings["extra"]}
    if "site_url" in settings:
        config["site_url"] = settings["site_url"]
    for key, value in settings["theme"].items():
        if key not in ("name", "custom_dir"):
            config.theme[key] = value
    for ext in settings["markdown_extensions"]:
        name, options = next(iter(ext.items())) if isinstance(ext, dict) else (ext, None)
        if name not in config.markdown_extensions:
            config.markdown_extensions.append(name)
        if options:
            config.mdx_configs[name] = options
    for css in settings["extra_css"]:
        if css not in config.extra_css:
            config.extra_css.append(css)
