"""Search (builder/search.py): Pagefind's index is built into the site by `build`, only the main
content of articles and entity pages is indexed, the search page works under a sub-path, a
site larger than a shard is indexed in several bundles the search page merges, and a missing
or failing Pagefind is handled as documented. Searching in a browser is in test_browser.py."""
from __future__ import annotations

import gzip
import json
import math
import stat
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from builder.build import BuildOptions, build
from builder.config import load_config
from builder.errors import UserError
from builder.search import SHARD_SITE_DIR, plan_runs, shard_of
from conftest import REPO, TEST_SHARD_PAGES, write_site


def plan_shards(root: Path, size: int, single_run_bytes: int | None = None) -> list[list[str]]:
    """plan_runs for the HTML pages in the folder `root`."""
    pages = sorted(path.relative_to(root).as_posix() for path in root.rglob("*.html")
                   if path.is_file() and not path.is_symlink())
    return plan_runs(pages, lambda page: str(root / page), size, single_run_bytes)


ARTICLE = '+++\ntitle = "Rutte visits Kyiv"\ndate = 2024-10-03\n+++\n\nMark Rutte visited Kyiv.\n'


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def nav_links(soup: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(".site-nav a")]


def fragments_of(bundle: Path) -> list[dict]:
    """The indexed pages of a Pagefind bundle: url, content, meta."""
    fragments = []
    for path in sorted((bundle / "fragment").iterdir()):
        # a fragment is gzipped JSON after Pagefind's "pagefind_dcd" signature
        text = gzip.decompress(path.read_bytes())
        assert text.startswith(b"pagefind_dcd")
        fragments.append(json.loads(text[len(b"pagefind_dcd"):]))
    return fragments


def bundles_in(out: Path) -> list[str]:
    """The search bundles' folders of a built site, in shard order."""
    names = [path.name for path in out.iterdir() if path.name.startswith("pagefind")]
    return sorted(names, key=lambda name: 1 if name == "pagefind" else int(name.rsplit("-", 1)[1]))


def inodes(folder: Path) -> dict[str, int]:
    return {path.relative_to(folder).as_posix(): path.stat().st_ino for path in folder.rglob("*") if path.is_file()}


# --- the built sample site ---------------------------------------------------------------


def test_the_build_writes_the_search_bundle_and_a_search_page(sample_build):
    out = sample_build.out_dir
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (out / "pagefind" / name).is_file(), name
    assert list((out / "pagefind" / "index").iterdir()), "no index chunks"
    assert len(list((out / "pagefind" / "fragment").iterdir())) > len(sample_build.index.articles)
    search = soup_of(out / "search" / "index.html")
    assert search.select_one("#search")
    assert "Search" in nav_links(soup_of(out / "index.html"))


def test_only_the_main_content_of_articles_and_entity_pages_is_indexed(sample_build):
    out = sample_build.out_dir
    article = soup_of(out / "articles" / "rutte-first-visit-kyiv" / "index.html")
    body = article.select("[data-pagefind-body]")
    assert len(body) == 1 and body[0].select_one("h1") and body[0].select_one(".article-body")
    assert not body[0].find_parent("nav") and not body[0].select(".site-nav, .site-footer, .article-entities")
    person = soup_of(out / "people" / "mark-rutte" / "index.html")
    header = person.select_one("[data-pagefind-body]")
    # the aliases are part of what is indexed, so any of them finds the person
    assert header.select_one("h1").get_text() == "Mark Rutte"
    aliases = sample_build.index.entities["mark-rutte"].entity.aliases
    assert aliases and all(alias in header.get_text() for alias in aliases)
    # lists, the stats and the feed link are not what the person is
    assert not header.select(".article-list, .quote-list")
    assert header.select_one(".entity-stats").has_attr("data-pagefind-ignore")
    for page in ("index.html", "people/index.html", "topics/index.html", "404.html", "search/index.html"):
        assert not soup_of(out / page).select("[data-pagefind-body]"), page


def test_the_index_leaves_out_cards_and_chrome(sample_build):
    """Pagefind's fragments hold the indexed text of each page: no card text, no nav."""
    fragments = fragments_of(sample_build.out_dir / "pagefind")
    urls = {f["url"] for f in fragments}
    assert "/people/mark-rutte/" in urls and "/articles/rutte-first-visit-kyiv/" in urls
    assert not urls & {"/", "/people/", "/topics/", "/search/"}
    article = next(f for f in fragments if f["url"] == "/articles/rutte-first-visit-kyiv/")
    assert "Mark Rutte" in article["content"]
    assert "Skip to content" not in article["content"] and "Names and quotes are found" not in article["content"]
    assert "Person. In" not in article["content"], "card text was indexed"
    person = next(f for f in fragments if f["url"] == "/people/mark-rutte/")
    assert "Also written as" in person["content"] and "feed (Atom)" not in person["content"]


def test_the_search_page_finds_the_bundle_and_results_under_a_sub_path(subpath_build):
    out, base = subpath_build.out_dir, subpath_build.config.base_path
    assert base == "/my-site/"
    search = soup_of(out / "search" / "index.html")
    box = search.select_one("#search")
    assert box["data-bundle"] == "/my-site/pagefind/" and box["data-base"] == "/my-site/"
    assets = [tag.get("href") or tag.get("src") for tag in search.select("link[rel=stylesheet], script[src]")]
    assert "/my-site/pagefind/pagefind-ui.js" in assets and "/my-site/pagefind/pagefind-ui.css" in assets
    assert (out / "pagefind" / "pagefind-ui.js").is_file()


def test_a_site_within_one_shard_gets_one_bundle_and_nothing_to_merge(subpath_build):
    out = subpath_build.out_dir
    assert bundles_in(out) == ["pagefind"]
    assert not soup_of(out / "search" / "index.html").select_one("#search").has_attr("data-merge")


def test_a_site_larger_than_a_shard_is_indexed_in_bundles_the_search_page_merges(sharded_subpath_build):
    out = sharded_subpath_build.out_dir
    marked = sorted(path.relative_to(out).as_posix() for path in out.rglob("*.html")
                    if soup_of(path).select("[data-pagefind-body]"))
    bundles = bundles_in(out)
    assert len(bundles) == math.ceil(len(marked) / TEST_SHARD_PAGES) >= 3, bundles
    assert bundles == ["pagefind"] + [f"pagefind-{n}" for n in range(2, len(bundles) + 1)]
    # each bundle is a whole one, and holds the marked pages its shard's hash picks
    shards = []
    for bundle in bundles:
        assert (out / bundle / "pagefind-entry.json").is_file() and (out / bundle / "pagefind.js").is_file()
        shards.append(sorted(fragment["url"] for fragment in fragments_of(out / bundle)))
    expected = [[] for _ in bundles]
    for page in marked:
        expected[shard_of(page, len(bundles))].append("/" + page.removesuffix("index.html"))
    assert shards == expected
    # articles and entity pages mixed in every shard, not one kind per shard
    assert all(any(u.startswith("/articles/") for u in shard) and any(not u.startswith("/articles/") for u in shard)
               for shard in shards if len(shard) >= TEST_SHARD_PAGES), shards
    box = soup_of(out / "search" / "index.html").select_one("#search")
    assert box["data-bundle"] == "/my-site/pagefind/" and box["data-base"] == "/my-site/"
    assert box["data-merge"].split() == [f"/my-site/{bundle}/" for bundle in bundles[1:]]
    assert not (out / SHARD_SITE_DIR).exists()


def test_shards_hold_the_marked_pages_by_the_hash_of_their_path_and_a_small_site_is_one_run(tmp_path):
    marked, plain = '<main data-pagefind-body>text</main>', "<main>text</main>"
    pages = {f"p{n:02}/index.html": marked for n in range(35)} | {"plain.html": plain}
    write_site(tmp_path, pages)
    shards = plan_shards(tmp_path, 10, single_run_bytes=0)
    # Pagefind leaves out unmarked pages once any page is marked: a shard must not hold only those
    assert sorted(page for shard in shards for page in shard) == sorted(set(pages) - {"plain.html"})
    assert len(shards) == 4 and all(shard == sorted(shard) for shard in shards)
    assert all(shard_of(page, 4) == number for number, shard in enumerate(shards) for page in shard)
    assert all(3 <= len(shard) <= 17 for shard in shards), [len(shard) for shard in shards]  # spread, not piled up
    # a page's shard does not depend on the others: adding one (still 4 shards) moves no other
    write_site(tmp_path, {"p40/index.html": marked})
    assert [[page for page in shard if page != "p40/index.html"] for shard in plan_shards(tmp_path, 10, single_run_bytes=0)] == shards
    assert plan_shards(tmp_path, 37, single_run_bytes=0) == [sorted(set(pages) | {"p40/index.html"})]  # 37 pages: one run
    write_site(tmp_path, {name: plain for name in [*pages, "p40/index.html"]})  # none marked: all indexed
    assert sorted(page for shard in plan_shards(tmp_path, 10, single_run_bytes=0) for page in shard) == sorted(set(pages) | {"p40/index.html"})


def test_a_site_light_enough_for_one_run_is_one_run_whatever_its_page_count(tmp_path):
    marked = '<main data-pagefind-body>text</main>'
    write_site(tmp_path, {f"p{n:02}/index.html": marked for n in range(35)})
    weight = sum(path.stat().st_size for path in tmp_path.rglob("*.html"))
    assert len(plan_shards(tmp_path, 10, single_run_bytes=weight)) == 1
    assert len(plan_shards(tmp_path, 10, single_run_bytes=weight - 1)) == 4


def test_an_edit_changes_only_its_own_shard_and_a_rebuild_changes_none(tmp_path, monkeypatch):
    monkeypatch.setattr("builder.search.SHARD_PAGES", 2)
    monkeypatch.setattr("builder.search.SINGLE_RUN_BYTES", 0)
    articles = {f"content/{name}.md": f'+++\ntitle = "Weather {name}"\ndate = 2024-10-0{day}\n+++\n\n'
                                      f"The weather was mild. It rained {name} times.\n"
                for day, name in enumerate(["alpha", "bravo", "charlie", "delta"], 1)}
    root = write_site(tmp_path / "site", {"site.toml": 'title = "T"\n', **articles})
    build(BuildOptions(root=root))
    out = root / "public"
    assert bundles_in(out) == ["pagefind", "pagefind-2"]
    before = {bundle: inodes(out / bundle) for bundle in bundles_in(out)}
    runs = _count_pagefind_runs(monkeypatch)
    build(BuildOptions(root=root))  # the same pages: every bundle file kept, hard-linked
    assert {bundle: inodes(out / bundle) for bundle in bundles_in(out)} == before
    assert runs == []  # and Pagefind not even run
    [edited] = [bundle for bundle in before if "/articles/delta/" in {f["url"] for f in fragments_of(out / bundle)}]
    (root / "content" / "delta.md").write_text(articles["content/delta.md"].replace("mild", "cold"), encoding="utf-8")
    build(BuildOptions(root=root))
    after = {bundle: inodes(out / bundle) for bundle in bundles_in(out)}
    assert [bundle for bundle in before if after[bundle] != before[bundle]] == [edited]
    assert runs == [edited]  # the other shard's bundle is carried over without a run
    assert "cold" in " ".join(fragment["content"] for fragment in fragments_of(out / edited))


# --- carrying the index over ------------------------------------------------------------

PAGE = ('<!doctype html>\n<html lang="en">\n<head><title>T</title></head>\n<body>\n<nav>Home</nav>\n'
        '<article class="a" data-pagefind-body>\n<h1>Title</h1>\n<div><div>inner</div> after</div>\n</article>\n'
        '<footer>Footer</footer>\n<!-- c -->\n</body>\n</html>\n')


@pytest.mark.parametrize("edit, same", [
    (("<nav>Home</nav>", "<nav>Home · About</nav>"), True),  # chrome outside the marked element
    (("<footer>Footer</footer>", '<footer class="x">Other</footer>'), True),
    (("<!-- c -->", "<!-- another comment -->"), True),
    (("<title>T</title>", "<title>Other</title>"), True),  # Pagefind's title is the first h1
    ((" after", " later"), False),  # inside, after an element of the same name
    (("inner", "outer"), False),
    (('<html lang="en">', '<html lang="de">'), False),  # the index's language
    (("<h1>Title</h1>", "<h1>Other</h1>"), False),
    (("<footer>", "<footer data-pagefind-filter=\"kind:news\">"), False),  # an attribute outside it
])
def test_a_page_s_search_view_changes_with_what_pagefind_reads_and_only_that(edit, same):
    from builder.search import search_view
    edited = PAGE.replace(*edit)
    assert edited != PAGE
    assert (search_view(edited.encode()) == search_view(PAGE.encode())) is same


def test_search_views_of_unmarked_and_undelimited_pages_are_the_whole_page():
    from builder.search import search_view
    unmarked = PAGE.replace(" data-pagefind-body", "")
    assert search_view(unmarked.encode()).startswith("u:")
    assert search_view(unmarked.replace("Footer", "F").encode()) != search_view(unmarked.encode())
    unclosed = PAGE.replace("</article>", "")  # no end to the marked element: all of it counts
    assert search_view(unclosed.encode()).startswith("w:")
    assert search_view(unclosed.replace("Footer", "F").encode()) != search_view(unclosed.encode())
    # an element whose name starts with the marked one's is not nested in it (<abbr> in <a>)
    anchor = '<html><a data-pagefind-body href="/"><abbr>A</abbr> text</a><p>outside</p></html>'
    assert search_view(anchor.replace("outside", "elsewhere").encode()) == search_view(anchor.encode())
    assert search_view(anchor.replace("text", "words").encode()) != search_view(anchor.encode())
    # a page without an <h1>: its <title> counts (a result's title may come from it)
    headless = PAGE.replace("<h1>Title</h1>", "")
    assert search_view(headless.replace("<title>T", "<title>Other").encode()) != search_view(headless.encode())


def _count_pagefind_runs(monkeypatch) -> list[str]:
    import builder.search
    runs = []
    start = builder.search._start_pagefind
    monkeypatch.setattr(builder.search, "_start_pagefind",
                        lambda out, executable, site, bundle: runs.append(bundle) or start(out, executable, site, bundle))
    return runs


def test_a_theme_edit_carries_the_search_index_over_without_running_pagefind(tmp_path, monkeypatch):
    root = _site(tmp_path)
    (root / "content" / "second.md").write_text(ARTICLE.replace("Kyiv.", "Kyiv and Lviv."), encoding="utf-8")
    build(BuildOptions(root=root))
    out = root / "public"
    before = inodes(out / "pagefind")
    runs = _count_pagefind_runs(monkeypatch)
    templates = root / "templates"
    templates.mkdir()
    base = (REPO / "templates" / "base.html").read_text(encoding="utf-8")
    (templates / "base.html").write_text(base.replace("</footer>", "<p>A new footer line.</p></footer>"),
                                         encoding="utf-8")
    build(BuildOptions(root=root))
    assert runs == []
    assert "A new footer line." in (out / "articles" / "second" / "index.html").read_text(encoding="utf-8")
    assert inodes(out / "pagefind") == before  # the very files, hard-linked
    # and exactly the index Pagefind makes of these pages from scratch
    fresh = write_site(tmp_path / "fresh", {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
                                            for p in [root / "site.toml", *(root / "content").iterdir(),
                                                      templates / "base.html"]})
    build(BuildOptions(root=fresh))
    assert runs == ["pagefind"]
    ours, theirs = out / "pagefind", fresh / "public" / "pagefind"
    assert sorted(inodes(ours)) == sorted(inodes(theirs))
    assert all((ours / name).read_bytes() == (theirs / name).read_bytes() for name in inodes(ours))

    # a template edit inside the indexed content: the index is made again
    article = (REPO / "templates" / "article.html").read_text(encoding="utf-8")
    assert "data-pagefind-body>" in article
    (templates / "article.html").write_text(
        article.replace("data-pagefind-body>", "data-pagefind-body><p>Indexed: yes.</p>", 1), encoding="utf-8")
    build(BuildOptions(root=root))
    assert runs == ["pagefind", "pagefind"]
    assert "Indexed: yes." in " ".join(fragment["content"] for fragment in fragments_of(out / "pagefind"))


def test_a_content_edit_with_search_patches_the_site_and_indexes_it_as_patched(tmp_path, monkeypatch):
    from builder.output import MADE_DIR, spare_folder
    root = _site(tmp_path)
    (root / "content" / "second.md").write_text(ARTICLE.replace("Kyiv.", "Kyiv and Lviv."), encoding="utf-8")
    build(BuildOptions(root=root))
    out = root / "public"
    kept = out / "articles" / "second" / "index.html"
    kept_inode = kept.stat().st_ino
    runs = _count_pagefind_runs(monkeypatch)
    (root / "content" / "visit.md").write_text(ARTICLE.replace("Kyiv.", "Kyiv by night train."), encoding="utf-8")
    build(BuildOptions(root=root))
    assert runs == ["pagefind"]
    assert kept.stat().st_ino == kept_inode  # patched in place, not a new tree
    contents = {fragment["url"]: fragment["content"] for fragment in fragments_of(out / "pagefind")}
    assert "night train" in contents["/articles/visit/"] and "Lviv" in contents["/articles/second/"]
    assert not (out / SHARD_SITE_DIR).exists() and not (spare_folder(out) / MADE_DIR).exists()
    assert not (spare_folder(out) / SHARD_SITE_DIR).exists()


def test_without_javascript_the_search_page_points_to_the_indexes(sample_build):
    search = soup_of(sample_build.out_dir / "search" / "index.html")
    fallback = BeautifulSoup(search.select_one("noscript").decode_contents(), "html.parser")
    assert "needs JavaScript" in fallback.get_text()
    assert {a["href"] for a in fallback.select("a")} == {"/people/", "/topics/"}


# --- settings, a missing or broken Pagefind ----------------------------------------------


def _site(tmp_path: Path, extra: str = "") -> Path:
    return write_site(tmp_path / "site", {"site.toml": f'title = "T"\n{extra}', "content/visit.md": ARTICLE})


def test_search_can_be_turned_off(tmp_path):
    root = _site(tmp_path, "[search]\nenabled = false\n")
    build(BuildOptions(root=root))
    out = root / "public"
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    assert "Search" not in nav_links(soup_of(out / "index.html"))


def test_a_wrong_search_setting_names_its_key_and_line(tmp_path):
    root = _site(tmp_path, "[search]\nenabled = \"yes\"\nlimit = 3\n")
    with pytest.raises(UserError) as caught:
        load_config(root)
    messages = [str(d) for d in caught.value.diagnostics]
    assert any("site.toml:3: 'search.enabled' must be true or false" in m for m in messages), messages


def test_without_the_pagefind_binary_the_site_is_built_without_search_and_says_so(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    root = _site(tmp_path)
    with caplog.at_level("WARNING", logger="gloss"):
        build(BuildOptions(root=root))
    assert any("search is left out: the Pagefind binary is missing" in r.getMessage() for r in caplog.records)
    out = root / "public"
    assert (out / "index.html").is_file()
    assert not (out / "search").exists() and "Search" not in nav_links(soup_of(out / "index.html"))


def test_installing_pagefind_is_a_change_the_next_build_sees(tmp_path, monkeypatch):
    root = _site(tmp_path)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    build(BuildOptions(root=root, skip_if_unchanged=True))
    assert not (root / "public" / "search").exists()
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    result = build(BuildOptions(root=root, skip_if_unchanged=True))
    assert not result.unchanged and (root / "public" / "search" / "index.html").is_file()
    assert build(BuildOptions(root=root, skip_if_unchanged=True)).unchanged


def test_a_rebuild_keeps_the_bundle_and_a_failing_pagefind_fails_the_build_leaving_the_site(tmp_path, monkeypatch):
    root = _site(tmp_path)
    build(BuildOptions(root=root))
    entry = root / "public" / "pagefind" / "pagefind-entry.json"
    first = entry.stat()
    build(BuildOptions(root=root))  # not skipped: every page is rendered and indexed again
    # the same pages, so the same index: Pagefind's output is reproducible and kept in place
    assert entry.stat().st_ino == first.st_ino and entry.stat().st_mtime == first.st_mtime
    before = {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}

    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: Pagefind was not able to build an index.' >&2\nexit 1\n")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(broken))
    (root / "content" / "visit.md").write_text(ARTICLE.replace("Kyiv.", "Kyiv again."), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        build(BuildOptions(root=root))
    message = str(caught.value)
    assert message.startswith("search: Pagefind failed (exit status 1): Error: Pagefind was not able")
    assert "\n" not in message and "[search]" in message
    assert {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()} == before
    assert not list(root.glob(".public.staging-*"))
