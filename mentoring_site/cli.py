"""The `mentoring-site` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .engine import EngineError
from .errors import ProgramError
from .publish import UsageError


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535; 0 picks a free one)")
    return port


def _site_url(text: str) -> str:
    from .model import WEB_ADDRESS

    if not WEB_ADDRESS.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} must be a web address starting with https://")
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentoring-site",
        description="Build a mentoring program's handbook site and printable worksheets.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser, *, folder: bool = True) -> None:
        if folder:
            p.add_argument("dir", nargs="?", default=".", type=Path, help="program directory (default: .)")
        g = p.add_mutually_exclusive_group()
        g.add_argument("-v", "--verbose", action="store_true", help="report more")
        g.add_argument("-q", "--quiet", action="store_true", help="report nothing but errors")

    p = sub.add_parser("build", help="validate, generate and publish the site (default: DIR/site)")
    common(p)
    p.add_argument("--site-dir", type=Path, help="where to publish (default: DIR/site)")
    p.add_argument("--strict", action="store_true", help="refuse to publish stand-ins left by `new`")
    p.add_argument("--site-url", type=_site_url, metavar="URL",
                   help="public address of the site, in place of site.url (e.g. given by a Pages workflow)")
    p.add_argument("--no-booklet", action="store_true", help="leave out the printed handbook (handbook-<size>.pdf)")
    p = sub.add_parser("validate", help="check everything, change nothing")
    common(p)
    p.add_argument("--strict", action="store_true", help="treat stand-ins left by `new` as errors")
    p = sub.add_parser("serve", help="preview locally, rebuilding when files change")
    common(p)
    p.add_argument("--port", type=_port, default=8000, help="port to serve on (default: 8000)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to serve on (default: 127.0.0.1, this machine only; 0.0.0.0 shows the "
                        "preview to your network)")
    p = sub.add_parser("export", help="write plain Markdown, PDFs and mkdocs.yml for any engine")
    common(p)
    p.add_argument("out", type=Path, help="output folder")
    p = sub.add_parser("packs", help="write each pair's pre-filled worksheets, calendar and certificate")
    common(p)
    p.add_argument("--roster", type=Path, help="the roster CSV (default: DIR/content/roster.csv)")
    p.add_argument("--out", type=Path, help="where the packs go (default: DIR/packs); never published")
    p.add_argument("--only", nargs="+", metavar="PAIR_ID", help="only these pairs")
    p.add_argument("--shard", metavar="K/N", help="only the K-th of N equal parts of the roster")
    p = sub.add_parser("secure", help="sanitise a site another engine built from an export, and add its CSP")
    p.add_argument("site", type=Path, help="the built site folder, e.g. site")
    p.add_argument("--config", type=Path, help="the export's mkdocs.yml (default: the one beside the site folder)")
    common(p, folder=False)
    p = sub.add_parser("new", help="create a ready-to-edit program")
    p.add_argument("dir", type=Path, help="folder to create")
    common(p, folder=False)
    p.add_argument("--name", help="program name")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    quiet = getattr(args, "quiet", False)
    verbose = getattr(args, "verbose", False)

    def report(message: str) -> None:
        if not quiet:  # one write, whole lines: `serve` reports from several threads
            sys.stdout.write(message + "\n")
            sys.stdout.flush()

    def warn(message: str) -> None:  # shown even with -q: it is about what gets published
        print(message, file=sys.stderr, flush=True)

    try:
        if args.command not in ("new", "secure") and not args.dir.is_dir():
            raise UsageError(f"{args.dir} is not a folder; give the folder that holds content/program.yml")
        if args.command == "build":
            from .build import build

            stats = build(args.dir, args.site_dir, report=report, verbose=verbose, strict=args.strict,
                          warn=warn, site_url=args.site_url, booklet=not args.no_booklet).stats
            if verbose:
                report(f"Took {stats['generate_seconds']:.2f} s to generate pages and worksheets, "
                       f"{stats['engine_seconds']:.2f} s for MkDocs")
        elif args.command == "validate":
            from .build import check
            from .languages import as_problems, lacking, summary

            try:
                g = check(args.dir, report=report if verbose else lambda _: None, strict=args.strict)
            except ProgramError as exc:  # the other languages' mistakes (their translations) join the round
                try:
                    lacking(args.dir)
                except ProgramError as more:
                    raise ProgramError(exc.problems + more.problems) from None
                raise
            for warning in g.warnings:
                warn(warning.as_warning())
            from .packs import validate_roster

            n_pairs = validate_roster(g.program)  # before saying OK: a bad roster is a problem too
            lacks = lacking(args.dir) if len(g.program.languages) > 1 else {}  # each other language, loaded
            if args.strict and any(lacks.values()):
                raise ProgramError(as_problems([m for items in lacks.values() for m in items]))
            left = f"; {len(g.warnings)} stand-in{'s' if len(g.warnings) != 1 else ''} to replace" if g.warnings else ""
            sheets = len(g.program.worksheets)
            report(f"OK: {g.program.root} is valid ({g.stats['pages']} pages, {sheets} worksheets{left})")
            if n_pairs:
                report(f"OK: content/roster.csv is valid ({n_pairs} pairs)")
            for code, items in lacks.items():  # not a failure: what is missing shows in the default language
                report(summary(code, items))
                for item in items if verbose else []:
                    report(f"  {item}")
        elif args.command == "export":
            from .build import export

            export(args.dir, args.out, report=report)
        elif args.command == "packs":
            from .packs import make_packs, parse_shard
            from .standins import stand_ins

            shard = parse_shard(args.shard) if args.shard else None
            for warning in stand_ins(args.dir):  # the certificates and calendars print them, as the site does
                warn(warning.as_warning())
            result = make_packs(args.dir, roster_file=args.roster, out=args.out, only=args.only, shard=shard,
                                report=report, quiet=quiet)
            report(f"Packs: {result.written} written, {result.skipped} already up to date "
                   f"({result.bytes / 1e6:.1f} MB in {result.seconds:.1f} s)")
        elif args.command == "serve":
            from .serve import serve

            serve(args.dir.resolve(), port=args.port, host=args.host, report=report, verbose=verbose)
        elif args.command == "secure":
            from .htmlsafety import secure_export

            pages = secure_export(args.site, args.config)["pages"]
            report(f"Secured {pages} pages in {args.site}: content sanitised, Content-Security-Policy added")
        elif args.command == "new":
            from .scaffold import new_program

            new_program(args.dir, name=args.name, report=report)
    except ProgramError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        n = len(exc.problems)
        print(f"{n} problem{'s' if n != 1 else ''} found; nothing was changed.", file=sys.stderr)
        return 2
    except (UsageError, EngineError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing was changed.", file=sys.stderr)
        return 130
    return 0
