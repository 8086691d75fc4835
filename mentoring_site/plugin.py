"""MkDocs plugin: a thin adapter so `mkdocs build` and `mkdocs serve` work in a program folder.

It forwards MkDocs events to the core (`build.generate`) and copies the resolved settings into
MkDocs' configuration. No generation logic lives here.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .build import Generated, generate
from .engine import write_tree
from .errors import ProgramError
from .publish import MARKER

log = logging.getLogger("mkdocs.plugins.mentoring_site")

WATCHED = ("content", "worksheets", "templates", "assets")


class MentoringSitePlugin(BasePlugin):  # type: ignore[type-arg]
    def __init__(self) -> None:
        self.generated: Generated | None = None
        self.booklet = True

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` rebuilds on every change: the printed handbook is left to `mkdocs build`.
        self.booklet = command != "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).resolve().parent
        try:
            self.generated = generate(root, booklet=self.booklet, report=log.info)
        except ProgramError as exc:
            raise PluginError(f"\n{exc}") from None
        apply_settings(config, self.generated.config)
        # The theme additions (custom_dir) go to a cache folder MkDocs reads templates from.
        theme_dir = root / ".mentoring-site" / "theme"
        if theme_dir.is_dir():
            shutil.rmtree(theme_dir)
        write_tree(dict(self.generated.theme_files), theme_dir)
        if str(theme_dir) not in config.theme.dirs:
            config.theme.dirs.insert(0, str(theme_dir))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.generated is not None
        # Keep the theme's own files (its styles and scripts); our generated pages replace the
        # raw sources MkDocs found in docs_dir (content/pages), which still hold placeholders.
        for path, content in sorted(self.generated.files.items()):
            found = files.get_file_from_path(path)
            if found is not None:
                files.remove(found)
            files.append(File.generated(config, path, content=content))
        return files

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        # Mark the folder as ours, so that `mentoring-site build` may replace it later.
        Path(config.site_dir, MARKER).write_text("Built by mentoring-site; safe to delete.\n", encoding="utf-8")

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        root = Path(config.config_file_path).resolve().parent
        for name in WATCHED:
            if (root / name).is_dir():
                server.watch(str(root / name))
        return server


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
