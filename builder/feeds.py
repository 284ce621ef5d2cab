"""What the open web reads besides the pages: Atom feeds, the sitemap, robots.txt, and the two
files GitHub Pages looks for (`.nojekyll`, `CNAME`).

XML is written with xml.etree, never with string templates, so a title with `&` or `<` cannot
break a feed. Every output is a pure function of the site: no build time anywhere (a feed's
`updated` is its newest article's date), entries and URLs in a fixed order, so two builds of
the same input are byte-identical.

Feeds and sitemaps need absolute URLs. When site.toml's `base_url` is only a path ("/"), the
host is unknown: the files are still written, with path-absolute URLs ("/articles/x/"), which
feed readers resolve against the address they fetched the feed from, and the build warns once
(see `absolute_url_warning`).
"""
from __future__ import annotations

import datetime as dt
import html
import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from .config import SiteConfig
from .errors import Diagnostic
from .index import Article, EntityPage, SiteIndex
from .output import OutputFolder

if TYPE_CHECKING:
    from .render import Urls

log = logging.getLogger("gloss")

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Entries in one feed: enough for any reader to catch up, small enough to fetch often.
FEED_ENTRIES = 50
SITE_FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
#: The date a feed with no articles claims, so that it too is reproducible.
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class Feed:
    """One Atom feed: where it lives, what it is called, and the articles in it (newest first)."""

    path: str  # site path of the feed, e.g. "people/mark-rutte/feed.xml"
    page_path: str  # the HTML page it follows, e.g. "people/mark-rutte/"
    title: str
    subtitle: str
    articles: tuple[Article, ...]


def entity_feed_path(page_path: str) -> str:
    """The feed beside an entity page: "people/ID/" -> "people/ID/feed.xml"."""
    return page_path + "feed.xml"


def site_feed(config: SiteConfig, index: SiteIndex) -> Feed:
    return Feed(SITE_FEED, "", config.title, config.description, index.articles[:FEED_ENTRIES])


def entity_feed(config: SiteConfig, page: EntityPage, page_path: str) -> Feed:
    articles = tuple(a.article for a in page.appearances[:FEED_ENTRIES])  # newest first already
    return Feed(entity_feed_path(page_path), page_path, f"{page.entity.name} · {config.title}",
                f"Articles that mention {page.entity.name}", articles)


def rfc3339(value: dt.date | dt.datetime) -> str:
    """Atom's date format. A date without a time or zone is taken as midnight UTC."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def newest(articles: Iterable[Article]) -> dt.datetime | dt.date:
    dates = [_aware(a.source.date) for a in articles]
    return max(dates) if dates else EPOCH


def _aware(value: dt.date | dt.datetime) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _text(value: str) -> str:
    """Text for XML: &, < and > escaped (html.escape without quotes; xml.sax.saxutils, which
    does the same, imports urllib.request, an eighth of the build command's imports)."""
    return html.escape(value, quote=False)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def atom_feed(feed: Feed, config: SiteConfig, absolute) -> bytes:
    """The feed as Atom XML. `absolute(path)` turns a site path into the URL readers use."""
    root = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: config.language})
    _sub(root, "id", absolute(feed.path))
    _sub(root, "title", feed.title)
    if feed.subtitle:
        _sub(root, "subtitle", feed.subtitle)
    _sub(root, "updated", rfc3339(newest(feed.articles)))
    _sub(root, "link", rel="self", type="application/atom+xml", href=absolute(feed.path))
    _sub(root, "link", rel="alternate", type="text/html", href=absolute(feed.page_path))
    if config.author:
        _sub(_sub(root, "author"), "name", config.author)
    _sub(root, "generator", "Gloss")
    for article in feed.articles:
        source = article.source
        link = absolute(f"articles/{article.slug}/")
        entry = _sub(root, "entry")
        _sub(entry, "id", link)
        _sub(entry, "title", source.title)
        _sub(entry, "link", rel="alternate", type="text/html", href=link)
        _sub(entry, "published", rfc3339(source.date))
        _sub(entry, "updated", rfc3339(source.date))
        # Atom requires an author on each entry unless the feed has one.
        for name in source.authors or ((config.title,) if not config.author else ()):
            _sub(_sub(entry, "author"), "name", name)
        for tag in source.tags:
            _sub(entry, "category", term=tag)
        if source.summary:
            _sub(entry, "summary", source.summary)
    return _xml(root)


def sitemap(page_paths: Iterable[str], lastmod: dict[str, str], absolute) -> bytes:
    """sitemap.xml with the absolute URL of every page, in path order. Written as text, in the
    layout ElementTree would give: an archive's sitemap has 16,000 URLs, and building them as
    elements took a tenth of a one-article rebuild."""
    lines = ["<?xml version='1.0' encoding='utf-8'?>", f'<urlset xmlns="{SITEMAP_NS}">']
    for path in sorted(set(page_paths)):
        lines.append(f"  <url>\n    <loc>{_text(absolute(path))}</loc>")
        if path in lastmod:
            lines.append(f"    <lastmod>{_text(lastmod[path])}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots_txt(config: SiteConfig, absolute) -> str:
    """Allow everything and name the sitemap. Crawlers read robots.txt only at a host's root;
    under a sub-path (a GitHub project site) it is harmless and the sitemap is found through
    the pages' links instead."""
    lines = ["User-agent: *", "Allow: /"]
    if config.absolute_base:  # the Sitemap line must be an absolute URL
        lines.append(f"Sitemap: {absolute(SITEMAP)}")
    return "\n".join(lines) + "\n"


def page_path_of(output_path: str) -> str | None:
    """The URL path of an HTML file the build wrote ("people/x/index.html" -> "people/x/"),
    or None for files that are not pages of the site (404.html, non-HTML)."""
    if not output_path.endswith(".html") or output_path == "404.html":
        return None
    if output_path == "index.html":
        return ""
    if output_path.endswith("/index.html"):
        return output_path[: -len("index.html")]
    return output_path


def github_pages_files(config: SiteConfig) -> dict[str, str]:
    """`.nojekyll` (serve the files as they are: no Jekyll, folders starting with _ allowed) and,
    when site.toml sets `cname`, the `CNAME` GitHub Pages reads the custom domain from."""
    files = {".nojekyll": ""}
    if config.cname:
        files["CNAME"] = config.cname + "\n"
    return files


def absolute_url_warning(config: SiteConfig) -> Diagnostic | None:
    if config.absolute_base:
        return None
    return Diagnostic(config.root / "site.toml", None,
                      "base_url is only a path, so feed.xml, sitemap.xml and the link-preview tags "
                      "use path-absolute URLs; search engines and some feed readers need full ones",
                      severity="warning",
                      hint='set base_url = "https://example.org/" or build with --base-url')


def write_web_files(out: OutputFolder, config: SiteConfig, index: SiteIndex, urls: "Urls") -> None:
    """The site feed, sitemap, robots.txt and the GitHub Pages files, after every page is
    written (the sitemap lists what was written, static/ pages included). A robots.txt or CNAME
    the site ships in static/ is kept. The entities' feeds are written with the pages."""
    from .render import Urls  # render imports this module
    warning = absolute_url_warning(config)
    if warning:
        # fine for a local preview, so not a warning on every build: `check` reports it
        log.debug("%s", warning)
    shipped = set(out.written)
    feed = site_feed(config, index)
    out.write(feed.path, atom_feed(feed, config, urls.absolute))
    lastmod = {"": _day(newest(index.articles))} if index.articles else {}
    for article in index.articles:
        lastmod[Urls.article(article.slug)] = _day(article.source.date)
    for page in index.entities.values():
        # appearances are newest first (builder.index), so the first is the newest
        lastmod[Urls.entity(page.entity)] = _day(page.appearances[0].article.source.date)
    pages = [p for p in map(page_path_of, out.written) if p is not None]
    out.write(SITEMAP, sitemap(pages, lastmod, urls.absolute))
    if ROBOTS not in shipped:
        out.write(ROBOTS, robots_txt(config, urls.absolute))
    for name, text in github_pages_files(config).items():
        if name not in shipped:
            out.write(name, text)


def _day(value: dt.date | dt.datetime) -> str:
    return _aware(value).date().isoformat()
