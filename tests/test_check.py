"""`python -m builder check`: the built sample is clean at the root and under a sub-path, and a
broken link, anchor, feed or sitemap entry is reported with the page it is on."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder.__main__ import main
from builder.check import check_site

SUBPATH = "https://someone.github.io/my-site/"


@pytest.mark.parametrize("which", ["sample_build", "subpath_build"])
def test_the_built_sample_has_no_broken_link(which, request):
    build = request.getfixturevalue(which)
    site, findings = check_site(build.config, build.out_dir)
    assert [str(f) for f in findings] == []
    assert len(site.pages) == build.pages
    assert {"feed.xml", "sitemap.xml", "robots.txt", "people/mark-rutte/feed.xml"} <= set(site.documents)


@pytest.fixture
def broken_copy(subpath_build, tmp_path) -> Path:
    """A copy of the sub-path build to break, next to the site's site.toml."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(subpath_build.config.root / "site.toml", site / "site.toml")
    shutil.copytree(subpath_build.out_dir, site / "public")
    return site


def run_check(site: Path, capsys, *extra: str) -> tuple[int, list[str]]:
    status = main(["-q", "check", str(site), "--base-url", SUBPATH, *extra])
    return status, capsys.readouterr().err.splitlines()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_the_command_passes_on_a_clean_site(broken_copy, capsys):
    status, lines = run_check(broken_copy, capsys)
    assert (status, lines) == (0, [])


def test_a_link_to_a_missing_page_is_reported_with_its_page(broken_copy, capsys):
    page = broken_copy / "public" / "articles" / "rutte-first-visit-kyiv" / "index.html"
    edit(page, 'href="/my-site/people/mark-rutte/"', 'href="/my-site/people/mark-rute/"')
    status, lines = run_check(broken_copy, capsys)
    assert status == 1
    assert lines == [f"{page}: broken link /my-site/people/mark-rute/ (no such page)"]


def test_a_missing_quote_anchor_is_reported(broken_copy, capsys):
    page = broken_copy / "public" / "people" / "mark-rutte" / "index.html"
    text = page.read_text()
    start = text.index("/my-site/articles/rutte-first-visit-kyiv/#quote-")
    anchor = text[start:text.index('"', start)]
    edit(page, f'href="{anchor}"', 'href="/my-site/articles/rutte-first-visit-kyiv/#quote-999"')
    status, lines = run_check(broken_copy, capsys)
    assert status == 1
    assert lines == [f"{page}: broken link /my-site/articles/rutte-first-visit-kyiv/#quote-999 "
                     f"(no id 'quote-999' on articles/rutte-first-visit-kyiv/index.html)"]


def test_a_link_outside_the_sub_path_is_reported_and_other_sites_are_not(broken_copy, capsys):
    page = broken_copy / "public" / "index.html"
    edit(page, "</main>", '<a href="/people/">root</a> <a href="https://example.com/x">other</a> '
                          '<a href="https://someone.github.io/another-repo/">sibling</a> '
                          f'<a href="{SUBPATH}topics/#nowhere">own</a> <a href="mailto:a@b.c">mail</a></main>')
    status, lines = run_check(broken_copy, capsys)
    assert status == 1
    assert lines == [f"{page}: broken link /people/ (outside the site's base path /my-site/)",
                     f"{page}: broken link {SUBPATH}topics/#nowhere (no id 'nowhere' on topics/index.html)"]


def test_feeds_and_the_sitemap_are_checked(broken_copy, capsys):
    public = broken_copy / "public"
    shutil.rmtree(public / "articles" / "rutte-dutch-premiership")
    (public / "people" / "mark-rutte" / "feed.xml").unlink()
    status, lines = run_check(broken_copy, capsys)
    assert status == 1
    joined = "\n".join(lines)
    assert f"{public / 'sitemap.xml'}: broken link {SUBPATH}articles/rutte-dutch-premiership/ (no such page)" in lines
    assert f"{public / 'feed.xml'}: broken link {SUBPATH}articles/rutte-dutch-premiership/ (no such page)" in lines
    assert (f"{public / 'people/mark-rutte/index.html'}: broken link /my-site/people/mark-rutte/feed.xml "
            f"(no such file)") in lines
    assert "index.html: broken link /my-site/articles/rutte-dutch-premiership/ (no such page)" in joined


def test_a_relative_link_in_the_404_page_is_reported(broken_copy, capsys):
    page = broken_copy / "public" / "404.html"
    edit(page, "</main>", '<a href="people/">people</a></main>')
    status, lines = run_check(broken_copy, capsys)
    assert status == 1
    assert f"{page}: broken link people/ (relative, but 404.html is served at any depth)" in lines


def test_checking_against_the_wrong_base_url_says_which_one_was_built(broken_copy, capsys):
    status = main(["-q", "check", str(broken_copy)])  # site.toml says "/"
    err = capsys.readouterr().err
    assert status == 1
    assert f"built for {SUBPATH}, not for /" in err and f"--base-url {SUBPATH}" in err
    assert err.count("\n") == 1


def test_check_without_a_built_site_says_so(make_site, capsys):
    site = make_site({"site.toml": 'title = "T"\n'})
    assert main(["-q", "check", str(site)]) == 1
    assert "no built site here" in capsys.readouterr().err


def test_check_build_builds_first(make_site, capsys):
    site = make_site({"site.toml": 'title = "T"\n',
                      "content/a.md": '+++\ntitle = "A"\ndate = 2024-01-02\n+++\nMark Rutte spoke.\n'})
    assert main(["-q", "check", str(site), "--build", "--base-url", SUBPATH]) == 0
    assert (site / "public" / "articles" / "a" / "index.html").is_file()
