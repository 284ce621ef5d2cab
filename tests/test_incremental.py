"""Incremental rebuilds: files whose bytes did not change are carried over from the previous
output (same inode, same modification time) and counted as unchanged; a build whose inputs did
not change stops early; `clean` empties the cache and the output. Also the progress reporter."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, copy_sample_site

ARTICLE = Path("articles") / "rutte-first-visit-kyiv" / "index.html"
CSS_DIR = Path("assets")


def run_build(root: Path, **options):
    from builder.build import BuildOptions, build
    return build(BuildOptions(root=root, **options))


@pytest.fixture
def built_sample(tmp_path):
    root = copy_sample_site(tmp_path / "site")
    first = run_build(root)
    assert first.changed == first.pages > 0  # nothing to compare with: every page is new
    return root


def inodes(folder: Path) -> dict[Path, tuple[int, int]]:
    return {p.relative_to(folder): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_a_rebuild_with_nothing_changed_rewrites_no_file(built_sample):
    before = inodes(built_sample / "public")
    again = run_build(built_sample)
    assert again.changed == 0 and again.pages > 0
    assert inodes(built_sample / "public") == before


def test_an_edit_rewrites_the_pages_it_changes_and_only_those(built_sample):
    public = built_sample / "public"
    before = inodes(public)
    old_article = (public / ARTICLE).read_bytes()
    source = built_sample / "content" / "rutte-first-visit-kyiv.md"
    source.write_text(source.read_text().replace("key priority in office", "top priority in office"))
    again = run_build(built_sample)
    after = inodes(public)
    rewritten = {p for p in after if after[p] != before.get(p)}
    assert ARTICLE in rewritten and (public / ARTICLE).read_bytes() != old_article
    assert 0 < again.changed < again.pages
    assert {p for p in rewritten if p.suffix == ".html"} == {
        p for p in after if p.suffix == ".html" and p in before and after[p] != before[p]} | {
        p for p in after if p.suffix == ".html" and p not in before}
    assert len({p for p in rewritten if p.suffix == ".html"}) == again.changed
    assert not any(p.parts[0] == "assets" for p in rewritten)  # the theme's files are carried over


def test_a_path_written_twice_never_touches_the_previous_output(tmp_path):
    from builder.output import OutputFolder
    previous, staging = tmp_path / "public", tmp_path / "staging"
    previous.mkdir()
    staging.mkdir()
    (previous / "style.css").write_text("old")
    out = OutputFolder(staging, previous=previous)
    out.write("style.css", "old")  # same bytes: linked from the previous output
    assert (staging / "style.css").stat().st_ino == (previous / "style.css").stat().st_ino
    out.write("style.css", "new")  # a site's own asset replacing the theme's
    assert (previous / "style.css").read_text() == "old"
    assert (staging / "style.css").read_text() == "new"
    assert out.changed == ["style.css"]


def test_an_unchanged_site_is_not_built_again(built_sample):
    first = run_build(built_sample, skip_if_unchanged=True)  # records what it was built from
    assert not first.unchanged
    again = run_build(built_sample, skip_if_unchanged=True)
    assert again.unchanged and again.pages == first.pages
    (built_sample / "content" / "draft-example.md").touch()  # a save without a change
    assert run_build(built_sample, skip_if_unchanged=True).unchanged


@pytest.mark.parametrize("change", ["edit-article", "edit-config", "delete-output", "other-base-url"])
def test_any_change_to_the_inputs_or_the_output_builds_again(built_sample, change):
    run_build(built_sample, skip_if_unchanged=True)
    base_url = None
    if change == "edit-article":
        path = built_sample / "content" / "rutte-first-visit-kyiv.md"
        path.write_text(path.read_text() + "\nOne more line.\n")
    elif change == "edit-config":
        path = built_sample / "site.toml"
        path.write_text(path.read_text().replace('title = "Gloss sample"', 'title = "Gloss sample 2"'))
    elif change == "delete-output":
        import shutil
        shutil.rmtree(built_sample / "public")
    else:
        base_url = "https://example.org/sub/"
    again = run_build(built_sample, skip_if_unchanged=True, base_url=base_url)
    assert not again.unchanged
    assert (built_sample / "public" / ARTICLE).is_file()


def test_clean_removes_the_cache_and_the_output(built_sample):
    assert (built_sample / ".gloss-cache").is_dir()
    done = subprocess.run([sys.executable, "-m", "builder", "clean", str(built_sample)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert not (built_sample / ".gloss-cache").exists() and not (built_sample / "public").exists()
    assert (built_sample / "content").is_dir() and (built_sample / "site.toml").is_file()


def test_clean_refuses_a_folder_that_is_not_a_site(tmp_path):
    (tmp_path / "public").mkdir()
    done = subprocess.run([sys.executable, "-m", "builder", "clean", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "not a Gloss site" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "public").is_dir()


# --- progress ------------------------------------------------------------------------------


class FakeStream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def drive(reporter, total: int) -> None:
    reporter(0, total)
    for done in range(1, total + 1):
        reporter(done, total)


def test_progress_off_a_terminal_is_plain_lines():
    from builder.progress import progress_reporter
    stream = FakeStream(tty=False)
    with progress_reporter(stream=stream) as report:
        drive(report, 50)
    lines = stream.getvalue().splitlines()
    assert lines and lines[-1].startswith("analysed 50/50 articles")
    assert "\r" not in stream.getvalue() and "\x1b" not in stream.getvalue()


def test_progress_on_a_terminal_is_a_bar():
    from builder.progress import progress_reporter
    stream = FakeStream(tty=True)
    with progress_reporter(stream=stream) as report:
        drive(report, 50)
    text = stream.getvalue()
    assert "\r" in text and "50/50" in text and "analysing" in text
    assert "analysed 50/50 articles" not in text


def test_progress_is_silent_when_quiet_or_for_a_few_articles():
    from builder.progress import progress_reporter
    with progress_reporter(enabled=False, stream=FakeStream(tty=True)) as report:
        assert report is None
    for tty in (True, False):
        stream = FakeStream(tty=tty)
        with progress_reporter(stream=stream) as report:
            drive(report, 3)
        assert stream.getvalue() == ""


def test_quiet_build_prints_nothing(tmp_path):
    root = copy_sample_site(tmp_path / "site")
    done = subprocess.run([sys.executable, "-m", "builder", "-q", "build", str(root)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""


def test_a_build_leaves_the_garbage_collector_as_it_found_it(built_sample):
    # A build collects garbage less often (builder.build.GC_THRESHOLD); the process that
    # runs it (the preview server, a user's script) must get its own setting back, also
    # after a build that fails.
    import gc
    from builder.build import GC_THRESHOLD
    from builder.errors import UserError
    before = gc.get_threshold()
    assert before != GC_THRESHOLD
    source = built_sample / "content" / "rutte-first-visit-kyiv.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    run_build(built_sample)
    assert gc.get_threshold() == before
    source.write_text("+++\ntitle = \n+++\n", encoding="utf-8")
    with pytest.raises(UserError):
        run_build(built_sample)
    assert gc.get_threshold() == before
