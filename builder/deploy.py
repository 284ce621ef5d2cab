"""`python -m builder deploy`: publish the built site on a `gh-pages` branch, for sites that
do not use GitHub Actions (Settings -> Pages -> Source: Deploy from a branch, gh-pages, / root).

ghp-import does the Git work: it commits the output folder as the whole tree of the branch
(one commit on top of the branch's history, without touching the working tree or the current
branch) and pushes it. It runs Git in the current folder, so it runs as a command in the site's
folder rather than through its Python API, which would need a chdir of this process.
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostic, UserError

log = logging.getLogger("gloss")

DEFAULT_BRANCH = "gh-pages"
DEFAULT_REMOTE = "origin"
DEFAULT_MESSAGE = "Publish the site"
#: Who commits to gh-pages when Git has no user configured (a fresh CI machine, a container).
FALLBACK_COMMITTER = ("Gloss", "gloss@localhost")


@dataclass(frozen=True)
class DeployOptions:
    site: Path  # a folder inside the Git repository the branch belongs to
    out_dir: Path  # the built site
    remote: str = DEFAULT_REMOTE
    branch: str = DEFAULT_BRANCH
    message: str = DEFAULT_MESSAGE
    push: bool = True


def _git(site: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=site, capture_output=True, text=True)


def _committer_env(site: Path) -> dict[str, str]:
    env = dict(os.environ)
    if not _git(site, "config", "user.name").stdout.strip():
        env.setdefault("GIT_COMMITTER_NAME", FALLBACK_COMMITTER[0])
    if not _git(site, "config", "user.email").stdout.strip():
        env.setdefault("GIT_COMMITTER_EMAIL", FALLBACK_COMMITTER[1])
    return env


def _ghp_import_command() -> list[str]:
    script = Path(sys.executable).with_name("ghp-import")
    if script.exists():
        return [str(script)]
    found = shutil.which("ghp-import")
    if found:
        return [found]
    return [sys.executable, "-c", "import ghp_import; ghp_import.main()"]


def check_deployable(options: DeployOptions) -> None:
    """Every reason the deploy cannot work, before anything is committed."""
    problems = []
    if shutil.which("git") is None:
        raise UserError("git is not installed; deploy needs it")
    if _git(options.site, "rev-parse", "--git-dir").returncode != 0:
        problems.append(Diagnostic(options.site, None, "is not inside a Git repository",
                                   hint="git init, add a remote, or publish with GitHub Actions"))
    elif options.push and _git(options.site, "remote", "get-url", options.remote).returncode != 0:
        problems.append(Diagnostic(options.site, None, f"the repository has no remote '{options.remote}'",
                                   hint="add one with git remote add, pick one with --remote, "
                                        "or commit without pushing with --no-push"))
    if not (options.out_dir / "index.html").is_file():
        problems.append(Diagnostic(options.out_dir, None, "no built site here (no index.html)",
                                   hint="run deploy without --no-build"))
    if problems:
        raise UserError(problems)


def deploy(options: DeployOptions) -> str:
    """Commit the built site to the branch (and push it); returns the new commit's id."""
    check_deployable(options)
    out_dir = options.out_dir.resolve()
    before = _git(options.site, "rev-parse", "--verify", "--quiet", f"refs/heads/{options.branch}").stdout.strip()
    command = _ghp_import_command() + ["--no-jekyll", "--branch", options.branch, "--remote", options.remote,
                                       "--message", options.message]
    if options.push:
        command.append("--push")
    command.append(str(out_dir))
    done = subprocess.run(command, cwd=options.site, capture_output=True, text=True,
                          env=_committer_env(options.site))
    after = _git(options.site, "rev-parse", "--verify", "--quiet", f"refs/heads/{options.branch}").stdout.strip()
    if done.returncode != 0 or not after or after == before:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise UserError(Diagnostic(options.site, None, f"could not publish to the {options.branch} branch"
                                   + (f": {detail[-1]}" if detail else "")))
    log.info("committed %s to %s%s", out_dir, options.branch,
             f" and pushed it to {options.remote}" if options.push else " (not pushed)")
    return after
