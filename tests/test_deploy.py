"""`python -m builder deploy`: the built site becomes the gh-pages branch of a real (local, bare)
remote repository, without touching the working tree or the current branch."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from builder.__main__ import main
from conftest import copy_sample_site

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path) -> tuple[Path, Path]:
    """(a clone with a site committed on main, its bare remote)."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--bare", "--initial-branch=main", str(remote))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(remote), str(clone))
    git(clone, "config", "user.name", "Writer")
    git(clone, "config", "user.email", "writer@example.org")
    copy_sample_site(clone)
    (clone / ".gitignore").write_text("/public/\n.gloss-cache/\n")
    git(clone, "add", ".")
    git(clone, "commit", "--quiet", "-m", "articles")
    git(clone, "push", "--quiet", "origin", "main")
    return clone, remote


def branch_files(repo_dir: Path, branch: str) -> set[str]:
    return set(git(repo_dir, "ls-tree", "-r", "--name-only", branch).split())


def test_deploy_pushes_the_built_site_to_gh_pages(repo, subpath_build, capsys):
    clone, remote = repo
    out = subpath_build.out_dir
    assert main(["-q", "deploy", str(clone), "--no-build", "--out", str(out)]) == 0
    expected = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    files = branch_files(remote, "gh-pages")
    assert files == expected | {".nojekyll"}
    assert {"index.html", "feed.xml", "sitemap.xml", "people/mark-rutte/index.html"} <= files
    shown = git(remote, "show", "gh-pages:articles/rutte-first-visit-kyiv/index.html")
    assert shown == (out / "articles" / "rutte-first-visit-kyiv" / "index.html").read_text()
    assert git(remote, "log", "-1", "--format=%s", "gh-pages").strip() == "Publish the site"
    # the writer's checkout is as it was
    assert git(clone, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert git(clone, "status", "--porcelain") == ""


def test_a_second_deploy_adds_a_commit_on_top(repo, subpath_build):
    clone, remote = repo
    args = ["-q", "deploy", str(clone), "--no-build", "--out", str(subpath_build.out_dir)]
    assert main(args) == 0
    assert main(args + ["--message", "Second edition"]) == 0
    log = git(remote, "log", "--format=%s", "gh-pages").split("\n")
    assert log[:2] == ["Second edition", "Publish the site"]


def test_no_push_commits_locally_only(repo, subpath_build):
    clone, remote = repo
    assert main(["-q", "deploy", str(clone), "--no-build", "--out", str(subpath_build.out_dir),
                 "--no-push", "--branch", "site"]) == 0
    assert "index.html" in branch_files(clone, "site")
    assert git(remote, "branch", "--list", "site").strip() == ""


def test_deploy_builds_the_site_first(repo):
    clone, remote = repo
    assert main(["-q", "deploy", str(clone), "--base-url", "https://writer.github.io/news/"]) == 0
    files = branch_files(remote, "gh-pages")
    assert {"index.html", ".nojekyll", "robots.txt", "articles/rutte-first-visit-kyiv/index.html"} <= files
    assert "/news/assets/" in git(remote, "show", "gh-pages:index.html")


def test_deploy_outside_a_git_repository_says_so(make_site, subpath_build, capsys):
    site = make_site({"site.toml": 'title = "T"\n'})
    assert main(["-q", "deploy", str(site), "--no-build", "--out", str(subpath_build.out_dir)]) == 1
    assert "is not inside a Git repository" in capsys.readouterr().err


def test_deploy_to_a_missing_remote_says_so(repo, subpath_build, capsys):
    clone, _ = repo
    assert main(["-q", "deploy", str(clone), "--no-build", "--out", str(subpath_build.out_dir),
                 "--remote", "nowhere"]) == 1
    assert "no remote 'nowhere'" in capsys.readouterr().err
