"""The pipeline: load -> validate -> render pages -> render worksheets and booklet -> site engine -> publish.

Each stage is a module of its own; this file only runs them in order, once per language of the
program (`generate_site`; what differs between the languages' sites is in multilingual.py).
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from . import assets, engine, htmlsafety, languages, multilingual, publish, standins, templating
from . import booklet as handbook
from . import pdfs as pdf_stage
from .errors import Problem, ProgramError, count
from .pages import Pages, base_context, render_pages, source_date_epoch
from .program import LoadedProgram, load_program
from .siteconfig import STYLESHEET, THEME_DIR, brand_files, site_config, site_fonts, theme_files
from .templating import environment, render
from .worksheets import filenames, plan, worker_pool

Report = Callable[[str], None]



@dataclass
class Generated:
    """What the core produces, engine-independent: files for the docs folder and settings."""

    program: LoadedProgram
    files: dict[str, str | bytes]
    config: dict[str, Any]
    theme_files: dict[str, bytes] = field(default_factory=dict)  # for the theme's custom_dir
    stats: dict[str, Any] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # stand-ins still in place
    pdf_request: pdf_stage.Request | None = None  # what its PDFs are made from (see pdfs.py)
    pdfs: pdf_stage.Pending | None = None  # its PDFs being laid out, while the site engine runs
    # The other languages' sites, for `generate_site` (each published under <code>/).
    others: list[Generated] = field(default_factory=list)

    @property
    def editions(self) -> list[Generated]:
        """Every language's site: this one (the default language's) first."""
        return [self, *self.others]

    @property
    def folder(self) -> str:
        """Where this language's site is published: "" (the top) or "es/"."""
        return multilingual.folder(self.program)


def _all_problems(*stages: Callable[[], Any]) -> list[Any]:
    """Run every stage, then raise the problems of all of them at once (or return their results)."""
    results, problems = [], []
    for stage in stages:
        try:
            results.append(stage())
        except ProgramError as exc:
            problems += exc.problems
    if problems:
        raise ProgramError(problems)
    return results


def _raise(problems: list[Problem]) -> NoReturn:
    """Raise the problems, one a spot: a value loading reported (an image that does not exist)
    is not reported again by a later stage (as a link that leads nowhere)."""
    spots: set[tuple[str, int, int, str]] = set()
    kept = []
    for p in problems:  # loading's come first
        if (p.file, p.line, p.column, p.key) not in spots:
            spots.add((p.file, p.line, p.column, p.key))
            kept.append(p)
    raise ProgramError(kept)


def generate_site(root: Path, *, pool: Executor | None = None, report: Report = lambda _: None,
                  **options: Any) -> Generated:
    """Every language of the program through the same stages: the default language's Generated,
    the others' in its `others` (see `generate` for the options). Every language is checked, even
    when the default one has problems, so that a mistake in a translation shows in the same run;
    a mistake in what the languages share is reported once, as the default language's run found it.

    The PDFs of every language are laid out in one pool (see pdfs.py). With `pool`, the default
    language's worksheets start as soon as its program is loaded, its handbooks once its pages
    are made, the other languages' PDFs once theirs are, and they are left being laid out there,
    each language's in its `pdfs`, with an empty stand-in in its files for each missing one
    (`publish_site` finishes them while the site engine runs); without, they are laid out, and
    waited for, here."""
    first = generate_default(root, report=report, pool=pool, **options)
    if pool is not None:  # its PDFs start while the other languages are made
        start_pdfs([first], pool)
    generate_others(first, report=report, **options)
    if pool is not None:
        start_pdfs(first.others, pool)
    else:
        finish_pdfs(first.editions, None, report)
    return first


def generate_default(root: Path, *, report: Report = lambda _: None, **options: Any) -> Generated:
    """The default language's site alone, its PDFs left to the caller (see `generate_site`;
    `generate_others` adds the other languages). If it has problems, the other languages are
    checked too and every language's problems are raised together."""
    try:
        return generate(root, later=True, report=report, **options)
    except ProgramError as exc:
        # The languages are program.yml's (as its mistakes leave them: see load_program); a file
        # that cannot be read at all was reported by the first run already.
        codes = load_program(root, defer=True).languages[1:]
        problems = list(exc.problems)
        options.pop("pool", None)
        for code in codes:
            try:
                generate(root, language=code, later=True, report=report, **options)
            except ProgramError as other:
                problems += other.problems
        _raise(problems)


def generate_others(first: Generated, *, report: Report = lambda _: None, **options: Any) -> None:
    """Every other language's site into `first.others` (their PDFs left to the caller), and every
    language's settings linked to the others' (see multilingual.link); every language's problems
    are raised together."""
    root, codes = first.program.root, first.program.languages[1:]
    first.others = _all_problems(*[
        lambda code=code: generate(root, language=code, default=first.program, later=True, report=report, **options)
        for code in codes])
    multilingual.link(first.editions)


def start_pdfs(editions: list[Generated], pool: Executor) -> None:
    """Start the PDFs of `editions` in `pool`; each edition's `pdfs` is what is still being laid
    out, and its files hold a stand-in for each of those (the others are in place already)."""
    asked = [e for e in editions if e.pdf_request]
    for edition, pending in zip(asked, pdf_stage.start([e.pdf_request for e in asked], pool), strict=True):
        edition.pdfs, edition.pdf_request = pending, None
        edition.files.update(pending.files_now())


def finish_pdfs(editions: list[Generated], pool: Executor | None, report: Report, site: Path | None = None) -> None:
    """Wait for the PDFs of `editions` (started here if not yet, in `pool` or a pool of its own),
    and put them in each one's files and, when `site` is given, over their stand-ins in that
    built site (each language's in its folder). Every language's problems are raised together."""
    if any(e.pdf_request for e in editions):
        if pool is None:
            with worker_pool() as own:
                return finish_pdfs(editions, own, report, site)
        start_pdfs(editions, pool)
    problems: list[Problem] = []
    for edition in editions:
        if edition.pdfs is None:
            continue
        try:
            made, figures = edition.pdfs.result(report)
        except ProgramError as exc:
            problems += exc.problems
            continue
        if site is not None:
            pdf_stage.place(edition.pdfs, made, site / edition.folder)
        edition.files.update(made)
        edition.stats.update(figures)
        edition.pdfs = None
    if problems:
        pdf_stage.cancel(e.pdfs for e in editions if e.pdfs)
        raise ProgramError(problems)


def generate(
    root: Path, *, pdfs: bool = True, report: Report = lambda _: None, strict: bool = False, booklet: bool = True,
    language: str | None = None, default: LoadedProgram | None = None, later: bool = False, worksheets: bool = True,
    pool: Executor | None = None,
) -> Generated:
    """Turn the program in `root` into Markdown pages, assets, PDFs and a site configuration, in
    `language` (None: the default language; see `generate_site` for all of them).

    Stand-ins left by `mentoring-site new` are returned as warnings; with `strict` they are errors.
    `booklet=False` leaves out the printed handbook (as `booklet.enabled: false` does); with
    `pdfs=False` nothing is laid out, but every template is still rendered, so its mistakes show;
    with `worksheets=False` too, the worksheets' templates are left to the caller (`serve` renders
    them after the pages are on show, with the PDFs; a mistake in one shows a moment later).
    `default`: the program already loaded in its default language, for the pages that fall back.
    `later`: the PDFs are left to the caller (its `pdf_request`; see `start_pdfs`); with `pool`
    too, the worksheets' layouts start there as soon as the program is loaded without problems
    (see pdfs.start_worksheets), and are cancelled if a later stage finds any.

    Problems come in one round: those of program.yml, the practices, worksheets, pages, links and
    templates are all found, then raised together (a wrong value of program.yml stands in as if
    its key were absent while the rest is checked: see program.load_program)."""
    started = time.perf_counter()
    source_date_epoch()  # a malformed one is refused before any work
    program = load_program(root, defer=True, language=language)
    problems = list(program.problems)
    is_default = program.language == program.default_language
    warnings = standins.stand_ins(program.root) if is_default else []  # the files are the same in every language
    if strict and warnings:  # reported with the rest
        problems += warnings
    if strict and len(program.languages) > 1 and not program.problems:  # texts without a translation
        problems += languages.strict_problems(program)
    early = None
    if pdfs and later and pool is not None and not problems:
        try:
            early = pdf_stage.start_worksheets(program, pool)
        except ProgramError as exc:  # a mistake in a worksheet template: reported with the rest
            problems += exc.problems
    in_language = "" if is_default else f" ({program.language})"  # the default's lines read as with one language
    report(
        f"Loaded {program.config.program.name!r}{in_language}: "
        f"{count(sum(len(v) for v in program.practices.values()), 'practice')}, "
        f"{count(len(program.worksheets), 'worksheet')}, {count(len(program.pages), 'extra page')}"
    )
    with_booklet = booklet and program.config.booklet.enabled
    pages: Pages = render_pages(program, booklet_sizes=program.paper_sizes if with_booklet else [], problems=problems,
                                default=None if is_default else default)
    files: dict[str, str | bytes] = dict(pages.files)
    if is_default:
        problems += multilingual.clashes(program, files)
    brand = program.config.branding
    css_context = {**base_context(program), "site_fonts": site_fonts(brand)}
    try:
        files[STYLESHEET] = render(environment(program.root), "site/mentoring.css.j2", css_context, program.root)
    except ProgramError as exc:
        problems += exc.problems
    if problems and early is not None:
        early.cancel()
    if problems:
        # Nothing is laid out, but the worksheets' and the handbook's templates are still
        # rendered, so that their mistakes show too (a page a mistake left empty is an empty chapter),
        # even when the caller would render the worksheets' later.
        _all_problems(lambda: plan(program),
                      lambda: handbook.plan(program, pages, files) if with_booklet else [],
                      lambda: _raise(problems))
    for published, source in brand_files(brand).items():
        files[published] = (program.root / source).read_bytes()
    stats: dict[str, Any] = {"pages": sum(1 for p in files if p.endswith(".md"))}
    request = None
    if pdfs:
        # Laid out by the PDF stage: at once (below), or by generate_site for every language together.
        request = pdf_stage.Request(program, pages, dict(files), with_booklet, in_language, early)
    else:
        # Every worksheet's and booklet's HTML is still made, so that template mistakes show.
        _all_problems(lambda: plan(program) if worksheets else [],
                      lambda: handbook.plan(program, pages, files) if with_booklet else [])
    generated = Generated(
        program, files, site_config(program, pages), theme_files(program.root), stats, warnings, pdf_request=request,
    )
    if request and not later:
        finish_pdfs([generated], None, report)
    stats["generate_seconds"] = time.perf_counter() - started
    return generated


def default_site_dir(root: Path) -> Path:
    return root / "site"


def build(
    root: Path,
    site_dir: Path | None = None,
    *,
    report: Report = lambda _: None,
    verbose: bool = False,
    strict: bool = False,
    warn: Report = lambda _: None,
    option: str = "--site-dir",
    site_url: str | None = None,
    booklet: bool = True,
) -> Generated:
    """Build the program in `root` and publish it to `site_dir` (default `root/site`); `warn` hears
    each stand-in still in place, and `strict` refuses to publish them. `option` names how the
    user chose the folder, for the message refusing one. `site_url`: the site's public address,
    in place of `site.url` (a Pages workflow knows it). `booklet=False` leaves out the printed
    handbook."""
    site_dir = site_dir or default_site_dir(root)
    publish.check_site_dir(root, site_dir, option=option)
    root, site_dir = root.resolve(), site_dir.resolve()
    publish.remove_leftovers(_validate_target())  # of a `validate` that was killed
    publish.remove_leftovers(site_dir)  # of a build that was killed (even if this one keeps the site)
    # One pool for every PDF: they are laid out while the other languages are made and the site
    # engine builds the pages.
    with worker_pool() as pool:
        try:
            generated = generate_site(root, report=report, strict=strict, booklet=booklet, pool=pool)
            for warning in generated.warnings:
                warn(warning.as_warning())
            if site_url:
                multilingual.set_site_url(generated.editions, site_url)
            publish_site(generated, site_dir, verbose=verbose, pool=pool, report=report)
        except BaseException:  # a mistake (or Ctrl+C): no waiting for PDFs nobody will see
            pool.end_now()
            raise
    pages = sum(e.stats["pages"] for e in generated.editions)
    in_languages = f" in {len(generated.editions)} languages" if generated.others else ""
    report(f"Published {pages} pages{in_languages} to {site_dir}")
    return generated


def publish_site(generated: Generated, site_dir: Path, *, verbose: bool = False, bytecode_cache: Any = None,
                 pool: Executor | None = None, report: Report = lambda _: None,
                 before_swap: Callable[[], None] = lambda: None, keep: Collection[str] = ()) -> None:
    """Run the site engine on generated files (every language's), make the result safe, and swap
    it into `site_dir`, all languages at once. A language whose input is the same as when
    `site_dir` was last published is kept from there instead (see publish.py), and with every
    language the same the site is left as it is.

    PDFs still being laid out in `pool` (see `generate_site`) are waited for after the engine
    has run and before the swap; a language with any of them is new input. `before_swap` is
    called once the new site is complete, just before it replaces the old one (or once it is
    known that the old one stays: `serve` marks its build's PDFs as not in place yet then).

    `keep`: the folders ("es/") of other languages, not among `generated`'s, that stay in
    `site_dir` as they are, with the digests recorded for them (`serve` shows the default
    language first, then publishes the others); each must have a record there (see
    `publish.published`), else `publish.NotAsPublished` is raised before anything changes."""
    started = time.perf_counter()
    waiting = sum(len(e.pdfs.missing()) for e in generated.editions if e.pdfs)
    if waiting:
        report(f"Laying out {count(waiting, 'PDF')} while the pages are built")
    else:
        finish_pdfs(generated.editions, pool, report)  # all from the cache: nothing to wait for
    keys = {edition.folder: engine.input_key(edition.files, edition.config, edition.theme_files)
            for edition in generated.editions if not edition.pdfs}
    previous = publish.published(site_dir)
    if any(folder not in previous for folder in keep):
        raise publish.NotAsPublished(f"{site_dir} is no longer as published: {', '.join(keep)} cannot be kept")
    carried = {folder: previous[folder] for folder in keep}
    same = {folder for folder, key in keys.items() if previous.get(folder) == key}
    generated.stats["kept"] = sorted(e.program.language for e in generated.editions if e.folder in same)
    generated.stats["safety_seconds"] = 0.0
    # The site stays as it is if every language is the same and none was taken out (the site
    # recorded has exactly these languages and those kept).
    if len(same) != len(generated.editions) or len(previous) != len(generated.editions) + len(carried):
        # The engine's input sits beside the site, named so that the next build removes it if this
        # one is killed.
        with _writing(site_dir), publish.workspace(site_dir) as workdir, publish.staging(site_dir) as staged:
            generated.stats["safety_seconds"] = _run_engine(
                generated, workdir, staged, verbose=verbose, bytecode_cache=bytecode_cache or templating.BYTECODE_CACHE,
                kept_from=site_dir, kept=same | set(carried),
            )
            waited = time.perf_counter()
            finish_pdfs(generated.editions, pool, report, site=staged)
            generated.stats["pdf_wait_seconds"] = time.perf_counter() - waited
            before_swap()
        keys = {edition.folder: engine.input_key(edition.files, edition.config, edition.theme_files)
                for edition in generated.editions}
        publish.remember(site_dir, {**keys, **carried})
    else:
        before_swap()
    generated.stats["engine_seconds"] = (time.perf_counter() - started - generated.stats["safety_seconds"]
                                         - generated.stats.get("pdf_wait_seconds", 0.0))


def check(root: Path, *, report: Report = lambda _: None, strict: bool = False) -> Generated:
    """`validate`: everything `build` does but render PDFs and publish. The site engine builds
    into a temporary folder that is thrown away, and the safety stage checks it there, so that
    what `validate` passes `build` accepts (theme templates and the engine's own checks included)."""
    root = root.resolve()
    generated = generate_site(root, pdfs=False, report=report, strict=strict)
    for edition in generated.editions:
        program = edition.program
        # Empty stand-ins for the PDFs, so that links to them resolve as they will in the real build.
        edition.files.update({f"worksheets/{name}": b"" for name in filenames(program)})
        if program.config.booklet.enabled:
            edition.files.update({f"handbook-{size}.pdf": b"" for size in program.paper_sizes})
    # In the system's temporary folder, named so that the next `validate` or `build` removes it
    # if this one is killed.
    with publish.workspace(_validate_target()) as work:
        (work / "engine").mkdir()
        _run_engine(generated, work / "engine", work / "site")
    return generated


def _validate_target() -> Path:
    """The name `validate`'s work folders are made beside (their own names carry the pid)."""
    return Path(tempfile.gettempdir()) / "mentoring-site-validate"


def _run_engine(
    generated: Generated, workdir: Path, target: Path, *, verbose: bool = False, bytecode_cache: Any = None,
    kept_from: Path | None = None, kept: Collection[str] = (),
) -> float:
    """Build the site into `target` (the engine's input in `workdir`) and make every page of it
    safe there (see htmlsafety); returns the seconds the safety stage took. The other languages'
    sites are built the same way, each in a folder of its own, then placed under `target`. The
    languages whose folders ("" or "es/") are in `kept` are copied from the site `kept_from`
    instead (those of `kept` that are not `generated`'s languages too: see `publish_site`)."""
    others = {other.folder.rstrip("/") for other in generated.others}
    if "" in kept and kept_from is not None:
        publish.reuse(kept_from, target, leave_out=others)
        seconds = 0.0
    else:
        seconds = _run_engine_once(generated, workdir, target, verbose=verbose, bytecode_cache=bytecode_cache)
        for folder in sorted(set(kept) - {"", *(other.folder for other in generated.others)}):
            if kept_from is not None:
                publish.reuse(kept_from / folder, target / folder)
    return seconds + _run_others(generated, workdir, target, verbose=verbose, bytecode_cache=bytecode_cache,
                                 kept_from=kept_from, kept=kept)


def _run_others(
    generated: Generated, workdir: Path, target: Path, *, verbose: bool = False, bytecode_cache: Any = None,
    kept_from: Path | None = None, kept: Collection[str] = (),
) -> float:
    seconds = 0.0
    for other in generated.others:
        code = other.program.language
        (workdir / code).mkdir()
        if other.folder in kept and kept_from is not None:
            publish.reuse(kept_from / other.folder, target / other.folder)
            continue
        seconds += _run_engine_once(other, workdir / code, workdir / code / "site", verbose=verbose,
                                    bytecode_cache=bytecode_cache)
        multilingual.place(workdir / code / "site", target / other.folder)
    return seconds


def publish_others(generated: Generated, site: Path, *, verbose: bool = False) -> None:
    """The other languages' sites, each built and made safe on its own and placed in `site`,
    which holds the default language's (for the MkDocs plugin, whose MkDocs built that one)."""
    with publish.workspace(site) as workdir:
        _run_others(generated, workdir, site, verbose=verbose)


def _run_engine_once(
    generated: Generated, workdir: Path, target: Path, *, verbose: bool = False, bytecode_cache: Any = None
) -> float:
    """One language's site: see `_run_engine`."""
    theme = generated.program.root / "templates" / "theme"
    builtin = assets.builtin_root() / "templates" / "theme"  # the default program's are ours
    own_theme = set() if theme.resolve() == builtin.resolve() else {
        rel for rel in generated.theme_files if (theme / rel).is_file()}
    marker = htmlsafety.new_marker()
    (workdir / "docs").mkdir()  # the pages go to MkDocs in memory
    engine.write_tree(dict(generated.theme_files), workdir / THEME_DIR)
    engine.write_config(htmlsafety.with_marker(generated.config, marker), workdir / "mkdocs.yml")
    engine.mkdocs_build(workdir, target, verbose=verbose, files=generated.files, own_theme=own_theme,
                        bytecode_cache=bytecode_cache)
    checked = time.perf_counter()
    htmlsafety.secure_site(target, marker)  # before the swap: an unsafe page is never published
    return time.perf_counter() - checked


def export(root: Path, out: Path, *, report: Report = lambda _: None) -> Generated:
    """Write plain Markdown, assets, PDFs and a resolved mkdocs.yml that need no plugin of ours."""
    publish.check_site_dir(root, out, option="output folder")
    root, out = root.resolve(), out.resolve()
    generated = generate_site(root, report=report)
    # The theme override marks content for `mentoring-site secure`, run after another engine.
    marker = htmlsafety.marker_for(generated.files, generated.config)
    with _writing(out), publish.staging(out) as staged:
        engine.write_tree(dict(generated.theme_files), staged / THEME_DIR)  # the same in every language
        for edition in generated.editions:
            # One configuration a language, each publishing into its folder of site/ (see
            # multilingual.export_config).
            docs, config_file, config = multilingual.export_config(edition.program, edition.config)
            engine.write_tree(edition.files, staged / docs)
            engine.write_config(htmlsafety.with_marker(config, marker), staged / config_file, docs_dir=docs)
    files = sum(len(e.files) for e in generated.editions)
    configs = " and ".join(multilingual.export_config(e.program, e.config)[1] for e in generated.editions)
    report(f"Exported {files} files and {configs} to {out}")
    return generated


@contextlib.contextmanager
def _writing(target: Path) -> Iterator[None]:
    """A write that fails (a full disk, say) is one line for the user, not a traceback: the
    staging folder is gone and the previous output is untouched."""
    try:
        yield
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise publish.UsageError(
            f"could not write {target}: {exc.strerror or exc}{where}; the previous output is unchanged"
        ) from None
