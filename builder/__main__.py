"""The command line: `python -m builder build|serve|check|clean ...`.

A mistake in the user's site (UserError) is printed as `path:line: message` lines and exits 1
without a traceback; anything else is a bug in Gloss and keeps its traceback.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import __version__
from .errors import UserError

log = logging.getLogger("gloss")


def _site_dir(value: str) -> Path:
    return Path(value)


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site", nargs="?", type=_site_dir, default=Path("."),
                        help="the site folder, with site.toml and content/ (default: .)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="where to write the site (default: SITE/public)")
    parser.add_argument("--base-url", default=None, metavar="URL",
                        help="the address the site is served from; overrides site.toml's base_url")
    parser.add_argument("--drafts", action="store_true", help="include articles marked draft = true")
    parser.add_argument("--no-cache", action="store_true", help="analyse every article again, "
                        "ignoring and not writing the NLP cache")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m builder",
        description="Gloss builds a static site of annotated news articles: people, topics and "
                    "quotes found with spaCy, linked and highlighted in every article.")
    parser.add_argument("--version", action="version", version=f"Gloss {__version__}")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    verbosity.add_argument("-v", "--verbose", action="store_true", help="print more detail")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = commands.add_parser("build", help="build the site into public/",
                                description="Build the site into SITE/public (or --out).")
    _add_build_options(build)
    return parser


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.ERROR if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


def run_build(args: argparse.Namespace) -> int:
    from .build import BuildOptions, build
    from .progress import progress_reporter
    with progress_reporter(enabled=not args.quiet) as progress:
        result = build(BuildOptions(root=args.site, out_dir=args.out, base_url=args.base_url,
                                    drafts=args.drafts, use_cache=not args.no_cache, progress=progress))
    index = result.index
    people = sum(1 for p in index.entities.values() if p.entity.is_person)
    log.info("built %d articles, %d people, %d topics, %d pages into %s in %.1f s (%d analysed, %d from cache)",
             len(index.articles), people, len(index.entities) - people, result.pages, result.out_dir,
             result.seconds, result.analysed, len(index.articles) - result.analysed)
    return 0


COMMANDS = {"build": run_build}


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    _configure_logging(args)
    try:
        return COMMANDS[args.command](args)
    except UserError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        errors = sum(1 for d in exc.diagnostics if d.is_error)
        if errors > 1:
            print(f"{errors} errors; nothing was written", file=sys.stderr)
        elif args.command == "build":
            print("the build failed; nothing was written", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
