"""The command line as a user runs it: `python -m builder ...` in a real process.

The broken sites under tests/broken_sites/ (Zola-style) each hold the exact stderr the build
must print in expected.txt; a user error is `path:line: message` lines, never a traceback.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, write_site

BROKEN_SITES = Path(__file__).resolve().parent / "broken_sites"
SUMMARY = re.compile(r"built (\d+) articles, \d+ people, \d+ topics, \d+ pages(?: \(\d+ changed\))? into (.+) in [\d.]+ s "
                     r"\((\d+) analysed, (\d+) from cache\)\n")


def gloss(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_help_lists_the_commands_and_options(tmp_path):
    result = gloss("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: python -m builder")
    for word in ("build", "-q", "--verbose", "--version"):
        assert word in result.stdout
    assert result.stderr == ""


def test_help_of_build(tmp_path):
    result = gloss("build", "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: python -m builder build")
    for option in ("--out DIR", "--base-url URL", "--drafts", "--no-cache", "site"):
        assert option in result.stdout


def test_an_unknown_command_is_a_usage_error(tmp_path):
    result = gloss("bild", cwd=tmp_path)
    assert result.returncode == 2
    assert "invalid choice: 'bild'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", sorted(p.name for p in BROKEN_SITES.iterdir() if p.is_dir()))
def test_broken_site_prints_every_problem_and_exits_1(tmp_path, name):
    site = shutil.copytree(BROKEN_SITES / name, tmp_path / name)
    expected = (site / "expected.txt").read_text(encoding="utf-8")
    result = gloss("build", ".", cwd=site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == expected
    assert result.stdout == ""
    assert not (site / "public").exists()
    assert [p.name for p in site.iterdir() if p.name.startswith(".public") and p.name != ".public.spare"] == []


def test_messages_name_files_from_where_the_build_was_run(tmp_path):
    shutil.copytree(BROKEN_SITES / "three_broken_articles", tmp_path / "news")
    result = gloss("build", "news", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "news/content/2024/no-date.md:3: 'tags' must be a string or a list of strings, not int 3"
    assert all(line.startswith("news/content/") for line in lines[:-1])


def test_a_missing_site_folder(tmp_path):
    result = gloss("build", "nowhere", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "nowhere/site.toml: no site.toml here (a Gloss site is a folder with site.toml and content/)")
    assert "Traceback" not in result.stderr


def test_bad_base_url_option(tmp_path):
    site = write_site(tmp_path / "site", {"site.toml": 'title = "T"\n'})
    result = gloss("build", str(site), "--base-url", "example.org", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ("--base-url must be an absolute URL (https://example.org/path/) or a path "
                             "starting with /\nthe build failed; nothing was written\n")


def test_a_missing_spacy_model_says_how_to_install_it(tmp_path):
    site = write_site(tmp_path / "site", {
        "site.toml": 'title = "T"\n[nlp]\nmodel = "xx_no_such_model"\n',
        "content/a.md": '+++\ntitle = "A"\ndate = 2024-10-03\n+++\n\nMark Rutte visited Kyiv.\n',
    })
    result = gloss("build", ".", cwd=site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    message, last = result.stderr.splitlines()
    assert "'xx_no_such_model' is not installed" in message
    assert "pip install" in message
    assert last == "the build failed; nothing was written"
    assert not (site / "public").exists()


TINY_SITE = {
    "site.toml": 'title = "Tiny"\nbase_url = "https://example.org/"\ncolour = "blue"\n',
    "content/visit.md": """\
        +++
        title = "Rutte visits Kyiv"
        date = 2024-10-03
        tags = ["NATO"]
        +++

        NATO Secretary General Mark Rutte visited Kyiv on Thursday.
        """,
    "content/plans.md": """\
        +++
        title = "Unfinished plans"
        date = 2024-10-04
        draft = true
        +++

        Volodymyr Zelenskyy presented a plan in Kyiv.
        """,
}


def test_build_summary_quiet_drafts_and_out(tmp_path):
    """One site, four real builds: the summary, the cache, -q, and --drafts with --out."""
    site = write_site(tmp_path / "site", TINY_SITE)

    first = gloss("build", ".", cwd=site)
    assert first.returncode == 0, first.stderr
    assert first.stdout == ""
    warning, summary = first.stderr.splitlines(keepends=True)
    assert warning == "site.toml:3: warning: unknown key 'colour' is ignored\n"
    match = SUMMARY.fullmatch(summary)
    assert match, summary
    assert (match.group(1), match.group(3), match.group(4)) == ("1", "1", "0")
    assert Path(match.group(2)) in (Path("public"), site / "public")
    assert (site / "public/articles/visit/index.html").is_file()
    assert not (site / "public/articles/plans").exists()

    quiet = gloss("-q", "build", ".", cwd=site)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")

    drafts = gloss("build", ".", "--drafts", "--out", "preview", cwd=site)
    assert drafts.returncode == 0, drafts.stderr
    match = SUMMARY.fullmatch(drafts.stderr.splitlines(keepends=True)[-1])
    assert (match.group(1), match.group(3), match.group(4)) == ("2", "1", "1")  # the draft is new
    assert (site / "preview/articles/plans/index.html").is_file()
    assert (site / "preview/articles/visit/index.html").is_file()
    assert not (site / "public/articles/plans").exists()  # the default output is untouched


def test_a_user_error_after_a_good_build_keeps_the_output(tmp_path):
    site = write_site(tmp_path / "site", TINY_SITE)
    assert gloss("-q", "build", ".", cwd=site).returncode == 0
    before = (site / "public/index.html").read_bytes()
    (site / "content/broken.md").write_text('+++\ntitle = "B"\ndate = "soon"\n+++\n')
    result = gloss("build", ".", cwd=site)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-2:] == [
        "content/broken.md:3: invalid date 'soon' (use YYYY-MM-DD)", "the build failed; nothing was written"]
    assert (site / "public/index.html").read_bytes() == before
