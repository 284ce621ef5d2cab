"""Writing the site: a failed or killed build leaves the previous output exactly as it was, and
no path ever lands outside the output folder."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from builder.annotate import visible_text
from builder.build import BuildOptions, build
from builder.errors import UserError
from builder.output import OutputFolder
from conftest import REPO, deletions_done, write_site

ARTICLE = '+++\ntitle = "Rutte visits Kyiv"\ndate = 2024-10-03\n+++\n\nMark Rutte visited Kyiv.\n'


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder under `folder`."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


# --- OutputFolder.path_for ------------------------------------------------------------------

@pytest.mark.parametrize("relative", [
    "../x", "../../etc/passwd", "a/../../x", "a/..", "/etc/passwd", "/x", "a\\..\\..\\x", "..\\x",
    "", ".", "./", "..",
])
def test_paths_that_would_escape_are_refused(tmp_path, relative):
    out = OutputFolder(tmp_path / "out")
    with pytest.raises(ValueError, match="escapes the site folder"):
        out.path_for(relative)
    with pytest.raises(ValueError):
        out.write(relative, "x")
    assert list(tmp_path.rglob("*")) == []


def test_a_symlink_inside_cannot_lead_outside(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(tmp_path)
    with pytest.raises(ValueError):
        OutputFolder(tmp_path / "out").path_for("link/x.html")


@pytest.mark.parametrize("relative", ["index.html", "people/mark-rutte/index.html", "a/b/c.json",
                                      "..hidden-looking/x", "x..y/z", "a//b", "./a"])
def test_ordinary_paths_land_inside(tmp_path, relative):
    out = OutputFolder(tmp_path / "out")
    out.write(relative, "x")
    assert (tmp_path / "out" / relative).read_text() == "x"
    assert out.path_for(relative).resolve().is_relative_to((tmp_path / "out").resolve())


# --- whole builds ---------------------------------------------------------------------------

class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[str] = []
        self.bad: list[tuple] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in_script = dict(attrs).get("type") != "application/ld+json" and not dict(attrs).get("src")
        if tag in ("b", "img", "iframe") or any(name.startswith("on") for name, _ in attrs):
            self.bad.append((tag, attrs))

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def test_hostile_names_and_markup_stay_inside_and_escaped(tmp_path, monkeypatch):
    """Front matter with markup, tags that look like paths, and raw HTML in the body: every
    file lands in the output folder and no page gets a tag that the writer typed."""
    root = write_site(tmp_path / "site", {
        "site.toml": 'title = "<b>News</b> & \\"more\\""\ndescription = "<script>alert(0)</script>"\n',
        "content/..md": ARTICLE,
        "content/hostile.md": """\
            +++
            title = "<script>alert(1)</script> \\"quoted\\" & more"
            date = 2024-10-04
            summary = "\\"><img src=x onerror=alert(2)>"
            author = ["<b>Eve</b>"]
            tags = ["../../etc", "..", "/etc/passwd", "a\\\\b", "<script>alert(3)</script>", "C:\\\\x"]
            source = "<iframe src=x>"
            url = "https://example.org/?a=\\"><script>alert(4)</script>"
            +++

            Mark Rutte said <script>alert(5)</script> and <b onclick="alert(6)">this</b>.
            """,
    })
    before = set(snapshot(tmp_path))
    monkeypatch.chdir(tmp_path)
    result = build(BuildOptions(root=Path("site")))
    new_files = set(snapshot(tmp_path)) - before
    assert new_files and all(p.startswith(("site/public/", "site/.gloss-cache/")) or p in (
        "site/public", "site/.gloss-cache") for p in new_files)
    assert {p.entity.name for p in result.index.entities.values()} >= {"../../etc", "/etc/passwd"}

    pages = list((root / "public").rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        html = page.read_text(encoding="utf-8")
        markup = _Markup()
        markup.feed(html)
        assert markup.bad == [], page
        assert not any("alert" in script for script in markup.scripts), page
        assert 'href="javascript:' not in html
    article = (root / "public/articles/hostile/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article
    body = BeautifulSoup(article, "html.parser").select_one(".article-body")
    assert 'said <script>alert(5)</script> and <b onclick="alert(6)">this</b>.' in visible_text(body)


def _good_site(tmp_path: Path, static_files: int = 0) -> Path:
    root = write_site(tmp_path / "site", {"site.toml": 'title = "T"\n', "content/visit.md": ARTICLE})
    for number in range(static_files):
        path = root / "static" / f"d{number % 50}" / f"f{number}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"static file {number}\n" * 3)
    build(BuildOptions(root=root))
    return root


def test_a_build_failing_on_an_article_leaves_the_output_as_it_was(tmp_path):
    root = _good_site(tmp_path)
    before = snapshot(root / "public")
    (root / "content/visit.md").write_text('+++\ntitle = "Changed"\ndate = 2024-10-03\n+++\n\nNew text.\n')
    (root / "content/broken.md").write_text("---\ntitle: [\n---\n")
    with pytest.raises(UserError):
        build(BuildOptions(root=root))
    assert snapshot(root / "public") == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".public") and p.name != ".public.spare"] == []


@pytest.mark.parametrize("template", [
    "{% extends 'base.html' %}{% block content %}{{ article.no_such_field.x }}{% endblock %}",
    "{% extends 'base.html' %}{% block content %}{% if %}{% endblock %}",
])
def test_a_build_failing_in_a_template_leaves_the_output_as_it_was(tmp_path, template):
    root = _good_site(tmp_path)
    before = snapshot(root / "public")
    (root / "content/visit.md").write_text('+++\ntitle = "Changed"\ndate = 2024-10-03\n+++\n\nNew text.\n')
    (root / "templates").mkdir()
    (root / "templates/article.html").write_text(template)
    with pytest.raises(UserError):
        build(BuildOptions(root=root))
    assert snapshot(root / "public") == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".public") and p.name != ".public.spare"] == []


def test_a_build_killed_while_writing_leaves_the_output_and_the_next_build_cleans_up(tmp_path):
    root = _good_site(tmp_path, static_files=4000)  # enough files that writing takes a while
    before = snapshot(root / "public")
    (root / "static" / "new.txt").write_text("a change, so the next build is not skipped\n")
    process = subprocess.Popen([sys.executable, "-m", "builder", "-q", "build", "."], cwd=root,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    staging: list[Path] = []
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        staging = [p for p in root.glob(".public.staging-*") if any(p.rglob("*.txt"))]
        if staging:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    process.wait(timeout=60)
    assert staging, "the build finished before it could be killed while writing"
    assert process.returncode == -signal.SIGKILL
    assert snapshot(root / "public") == before
    assert staging[0].exists()  # the leftover the next build must remove

    build(BuildOptions(root=root))
    deletions_done(root / "public")
    assert [p.name for p in root.iterdir() if p.name.startswith(".public") and p.name != ".public.spare"] == []
    assert (root / "public" / "new.txt").is_file()


def test_a_build_killed_between_its_renames_gets_the_previous_site_back(tmp_path):
    from builder.output import remove_stale_staging
    out = tmp_path / "public"
    retired = tmp_path / ".public.old-123"
    retired.mkdir()
    (retired / "index.html").write_text("previous")
    (tmp_path / ".public.staging-abc").mkdir()
    remove_stale_staging(out)
    assert (out / "index.html").read_text() == "previous"
    assert not retired.exists() and not (tmp_path / ".public.staging-abc").exists()


def test_the_replaced_output_is_deleted_in_the_background(tmp_path, monkeypatch):
    import builder.output
    from builder.output import staged_output
    out = tmp_path / "public"
    (out / "old" / "deep").mkdir(parents=True)
    (out / "old" / "deep" / "page.html").write_text("previous")
    deleted_here = []
    monkeypatch.setattr(builder.output.shutil, "rmtree", lambda path, **kw: deleted_here.append(path))
    with staged_output(out) as folder:
        folder.write("new.html", "next")
    # the new site is in place the moment the build returns; the old one is out of sight
    assert sorted(p.name for p in out.iterdir()) == ["new.html"]
    assert not list(tmp_path.glob(".public.old-*"))
    assert deleted_here == []  # the build did not wait for it
    deletions_done(out)
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_a_deletion_that_died_is_finished_by_the_next_build_and_a_live_one_left_alone(tmp_path):
    from builder.output import remove_stale_staging
    out = tmp_path / "public"
    out.mkdir()
    dead_pid = subprocess.Popen(["true"])  # a pid that has exited
    dead_pid.wait()
    live = subprocess.Popen(["sleep", "30"])
    try:
        dead_trash, live_trash = tmp_path / f".public.trash-{dead_pid.pid}", tmp_path / f".public.trash-{live.pid}"
        for trash in (dead_trash, live_trash):
            (trash / "people").mkdir(parents=True)
            (trash / "people" / "index.html").write_text("old")
        remove_stale_staging(out)
        assert not dead_trash.exists()
        assert (live_trash / "people" / "index.html").is_file()
    finally:
        live.kill()
        live.wait()


# --- the patch folder and its spare files -----------------------------------------------------

@pytest.mark.parametrize("threads", [False, True], ids=["one thread", "two threads"])
def test_a_patch_swaps_files_in_and_keeps_the_replaced_ones_as_spares(tmp_path, monkeypatch, threads):
    from builder import output
    from builder.output import patch_name, patched_output, spare_folder
    if threads:  # as a big patch is applied
        monkeypatch.setattr(output, "PARALLEL_SWAPS", 1)
    live = tmp_path / "public"
    (live / "a").mkdir(parents=True)
    (live / "a" / "index.html").write_text("old", encoding="utf-8")
    (live / "gone.html").write_text("stale", encoding="utf-8")
    old_inode = (live / "a" / "index.html").stat().st_ino
    with patched_output(live) as out:
        out.write("a/index.html", "new")
        out.write("b/index.html", "added")  # a folder the live output does not have yet
    assert (live / "a" / "index.html").read_text(encoding="utf-8") == "new"
    assert (live / "b" / "index.html").read_text(encoding="utf-8") == "added"
    assert not (live / "gone.html").exists()
    name = patch_name("a/index.html")
    spare = spare_folder(live) / name[:2] / name
    assert spare.read_text(encoding="utf-8") == "old" and spare.stat().st_ino == old_inode

    with patched_output(live) as out:  # the next patch writes over the spare file
        out.write("a/index.html", "newer")
        out.write("b/index.html", "added")
    assert (live / "a" / "index.html").read_text(encoding="utf-8") == "newer"
    assert (live / "a" / "index.html").stat().st_ino == old_inode

    pages = [f"p{n}/index.html" for n in range(50)]
    with patched_output(live) as out:
        for page in pages:
            out.write(page, page)
    assert sorted(str(path.relative_to(live)) for path in live.rglob("*.html")) == sorted(pages)
    assert all((live / page).read_text(encoding="utf-8") == page for page in pages)


def test_a_patch_from_a_listing_carries_listed_pages_and_deletes_everything_else(tmp_path):
    # A build command lists the output while spaCy runs (builder.build.Meanwhile); the
    # patch then trusts that listing for carried pages and for what to delete.
    from builder.output import list_files, patched_output
    live = tmp_path / "public"
    (live / "kept").mkdir(parents=True)
    (live / "kept" / "index.html").write_text("kept", encoding="utf-8")
    (live / "old" / "deep").mkdir(parents=True)
    (live / "old" / "deep" / "index.html").write_text("stale", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", live / "link.html")
    listed = list_files(live)
    assert listed == ({"kept/index.html", "old/deep/index.html"}, {"link.html"})
    with patched_output(live, listed=listed) as out:
        assert out.carry("kept/index.html")
        assert not out.carry("never/index.html")  # not listed: the caller renders it instead
        out.write("never/index.html", "rendered")
    assert (live / "kept" / "index.html").read_text(encoding="utf-8") == "kept"
    assert (live / "never" / "index.html").read_text(encoding="utf-8") == "rendered"
    assert not (live / "old").exists()  # the stale page, and the folders it leaves empty
    assert not os.path.lexists(live / "link.html")
    assert (tmp_path / "secret.txt").read_text(encoding="utf-8") == "outside"


def test_a_patch_knows_where_each_page_is_and_takes_in_what_a_tool_made(tmp_path):
    # Pagefind reads a patched site through source_of, and writes its bundle to made_path.
    from builder.output import MADE_DIR, patched_output, spare_folder
    live = tmp_path / "public"
    (live / "a").mkdir(parents=True)
    (live / "a" / "index.html").write_text("old a", encoding="utf-8")
    (live / "b.html").write_text("b", encoding="utf-8")
    (live / "bundle").mkdir()
    (live / "bundle" / "same.js").write_text("same", encoding="utf-8")
    (live / "bundle" / "other.js").write_text("before", encoding="utf-8")
    same_inode = (live / "bundle" / "same.js").stat().st_ino
    with patched_output(live) as out:
        out.write("a/index.html", "new a")
        assert out.carry("b.html")
        assert open(out.source_of("a/index.html"), encoding="utf-8").read() == "new a"  # in the patch
        assert out.source_of("b.html") == str(live / "b.html")  # the live file
        for name, text in (("same.js", "same"), ("other.js", "after"), ("new.js", "new")):
            made = out.made_path(f"bundle/{name}")
            made.parent.mkdir(parents=True, exist_ok=True)
            made.write_text(text, encoding="utf-8")
            out.adopt(f"bundle/{name}")
        assert sorted(out.changed) == ["a/index.html", "bundle/new.js", "bundle/other.js"]
    assert (live / "bundle" / "same.js").stat().st_ino == same_inode  # the same bytes: left as it was
    assert (live / "bundle" / "other.js").read_text(encoding="utf-8") == "after"
    assert (live / "bundle" / "new.js").read_text(encoding="utf-8") == "new"
    assert (live / "a" / "index.html").read_text(encoding="utf-8") == "new a"
    assert not (spare_folder(live) / MADE_DIR).exists()


def test_a_symlink_planted_in_the_spare_folder_is_never_written_through(tmp_path):
    from builder.output import patch_name, patched_output, spare_folder
    live = tmp_path / "public"
    live.mkdir()
    (live / "index.html").write_text("old", encoding="utf-8")
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched", encoding="utf-8")
    name = patch_name("index.html")
    (spare_folder(live) / name[:2]).mkdir(parents=True)
    (spare_folder(live) / name[:2] / name).symlink_to(victim)
    with patched_output(live) as out:
        out.write("index.html", "new")
    assert victim.read_text(encoding="utf-8") == "untouched"
    assert (live / "index.html").read_text(encoding="utf-8") == "new"
    assert not (live / "index.html").is_symlink()


def test_a_failed_patch_leaves_the_output_as_it_was(tmp_path):
    from builder.output import patched_output
    live = tmp_path / "public"
    live.mkdir()
    (live / "index.html").write_text("old", encoding="utf-8")
    before = snapshot(live)
    with pytest.raises(RuntimeError):
        with patched_output(live) as out:
            out.write("index.html", "new")
            raise RuntimeError("a template failed")
    assert snapshot(live) == before
