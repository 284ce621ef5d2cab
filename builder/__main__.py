"""The command line: `python -m builder build|serve|check|clean ...`.

A mistake in the user's site (UserError) is printed as `path:line: message` lines and exits 1
without a traceback; anything else is a bug in Gloss and keeps its traceback.
"""
from __future__ import annotations

import argparse
import logging
import os
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

    serve = commands.add_parser("serve", help="build, then preview the site with live reload",
                                description="Build the site, serve it on http://HOST:PORT/ and "
                                            "rebuild and reload the browser on every change.")
    _add_build_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="the port to listen on (default: 8000)")

    check = commands.add_parser("check", help="check links and anchors, and list what editors should review",
                                description="Check the built site (SITE/public or --out): every internal "
                                            "link and #anchor of every page, feed and sitemap. Exits 1 "
                                            "when something is broken. Then list, with file and line, "
                                            "what an editor should look at: people known by one word "
                                            "only, quotes with no speaker, entities read as different "
                                            "kinds, likely duplicates (these do not fail the check).")
    _add_build_options(check)
    check.add_argument("--build", action="store_true", help="build the site first")
    check.add_argument("--links-only", action="store_true", help="skip the editorial review")

    deploy = commands.add_parser("deploy", help="build, then publish the site on a gh-pages branch",
                                 description="Build the site (unless --no-build) and commit it as the "
                                             "gh-pages branch of the site's Git repository, then push it.")
    _add_build_options(deploy)
    deploy.add_argument("--no-build", action="store_true", help="publish the existing output as it is")
    deploy.add_argument("--remote", default="origin", help="the remote to push to (default: origin)")
    deploy.add_argument("--branch", default="gh-pages", help="the branch to publish on (default: gh-pages)")
    deploy.add_argument("--message", default="Publish the site", help="the commit message")
    deploy.add_argument("--no-push", action="store_true", help="commit to the branch but do not push")

    clean = commands.add_parser("clean", help="delete the NLP cache and the built site",
                                description="Delete SITE/.gloss-cache and SITE/public (or --out).")
    clean.add_argument("site", nargs="?", type=_site_dir, default=Path("."),
                       help="the site folder (default: .)")
    clean.add_argument("--out", type=Path, default=None, metavar="DIR",
                       help="the output folder to delete (default: SITE/public)")
    return parser


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.ERROR if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


def run_build(args: argparse.Namespace) -> int:
    # spaCy starts loading for an edited article before the rest of Gloss is even imported
    from .nlp import ModelWorker
    early = ModelWorker.for_site(args.site) if not args.no_cache else None
    from .build import BuildOptions, build
    from .progress import progress_reporter
    with progress_reporter(enabled=not args.quiet) as progress:
        result = build(BuildOptions(root=args.site, out_dir=args.out, base_url=args.base_url,
                                    drafts=args.drafts, use_cache=not args.no_cache, progress=progress,
                                    skip_if_unchanged=True, keep_state=True), early)
    log.info("%s", result.describe())
    # Kept until the process leaves (os._exit, below): dropping the result here would free the
    # whole site's state record by record, 0.15 s of an 840-article build that took 2.
    _KEPT_UNTIL_EXIT.append(result)
    return 0


_KEPT_UNTIL_EXIT: list[object] = []


def run_serve(args: argparse.Namespace) -> int:
    from .build import BuildOptions
    from .serve import serve
    return serve(BuildOptions(root=args.site, out_dir=args.out, base_url=args.base_url, drafts=args.drafts,
                              use_cache=not args.no_cache), host=args.host, port=args.port)


def run_clean(args: argparse.Namespace) -> int:
    from .output import clean_site
    for removed in clean_site(args.site, args.out):
        log.info("deleted %s", removed)
    return 0


def run_check(args: argparse.Namespace) -> int:
    from .check import check_site
    from .config import load_config, with_base_url
    if args.build:
        run_build(args)
    config, _ = load_config(args.site)
    config = with_base_url(config, args.base_url)
    site, findings = check_site(config, args.out or args.site / "public")
    for finding in findings:
        print(finding, file=sys.stderr)
    errors = sum(1 for f in findings if f.is_error)
    log.info("checked %d pages and %d feeds, sitemaps and robots.txt: %s", len(site.pages), len(site.documents),
             f"{errors} broken" if errors else "no broken links")
    if not args.links_only and (args.site / "content").is_dir():
        from .build import BuildOptions, gather_site
        from .review import review_site
        gathered = gather_site(BuildOptions(root=args.site, base_url=args.base_url, drafts=args.drafts,
                                            use_cache=not args.no_cache))
        review = review_site(gathered)
        if review:
            print(f"for the editors ({len(review)}):", file=sys.stderr)
        for finding in review:
            print(finding, file=sys.stderr)
        log.info("editorial review: %s", f"{len(review)} things to look at" if review else "nothing to look at")
    return 1 if errors else 0


def run_deploy(args: argparse.Namespace) -> int:
    from .deploy import DeployOptions, deploy
    if not args.no_build:
        run_build(args)
    deploy(DeployOptions(site=args.site, out_dir=args.out or args.site / "public", remote=args.remote,
                         branch=args.branch, message=args.message, push=not args.no_push))
    return 0


COMMANDS = {"build": run_build, "serve": run_serve, "clean": run_clean, "check": run_check,
            "deploy": run_deploy}


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
    status = main()
    # Everything is written, and the processes Gloss started are detached. Leave without
    # freeing a big site's millions of records one by one, which takes longer than some builds.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
