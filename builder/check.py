"""`python -m builder check`: findings about a built site, as Diagnostics.

The built folder is read once into a `BuiltSite` (every file, and for each HTML page its ids
and links; for feeds and the sitemap their URLs). Then each check in `CHECKS`, a named function
`CheckContext -> Iterable[Diagnostic]`, reports what it finds; a new check is one more entry.

Links are checked offline: a link is internal when it is relative, path-absolute, or an
absolute URL under the site's own base URL; it must land on a file of the built site (a folder
URL on its index.html), and a `#fragment` must be an id on the target page. External links are
not fetched. Pages are parsed with lxml's HTML parser feeding a small target object (no tree is
built), so ten thousand pages take seconds.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from .config import SiteConfig
from .errors import Diagnostic, UserError, display_path
from .feeds import ATOM_NS, ROBOTS, SITEMAP, SITEMAP_NS, absolute_url_warning

#: Attributes that hold a URL the browser will fetch or follow, by element.
URL_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "link": ("href",), "img": ("src", "srcset"),
    "script": ("src",), "iframe": ("src",), "source": ("src", "srcset"), "video": ("src", "poster"),
    "audio": ("src",), "track": ("src",), "embed": ("src",), "form": ("action",),
}
#: <meta> tags whose content is a URL of the site (link previews).
URL_METAS = frozenset({"og:url", "og:image", "twitter:image"})
#: Schemes that are not web addresses at all.
NON_WEB_SCHEMES = frozenset({"mailto", "tel", "javascript", "data", "sms", "geo"})
#: Fragments every browser understands without an element of that id.
IMPLICIT_FRAGMENTS = frozenset({"", "top"})
NOT_FOUND_PAGE = "404.html"


@dataclass(frozen=True)
class Page:
    """What the checks need from one HTML page: the ids it defines and the URLs it uses."""

    ids: frozenset[str]
    links: tuple[str, ...]
    canonical: str = ""


@dataclass(frozen=True)
class BuiltSite:
    out: Path
    base_path: str  # "/" or "/repo/"
    absolute_base: str  # "https://host/repo/" or ""
    files: frozenset[str]  # every file, as a posix path relative to `out`
    pages: dict[str, Page]  # HTML files by relative path
    documents: dict[str, tuple[str, ...]] = field(default_factory=dict)  # feeds, sitemap, robots: URLs

    def display(self, relative: str) -> Path:
        return display_path(self.out / relative)


@dataclass(frozen=True)
class CheckContext:
    """Everything a check may look at: the site's config and its built output."""

    config: SiteConfig
    site: BuiltSite


@dataclass(frozen=True)
class Check:
    name: str
    doc: str
    run: Callable[[CheckContext], Iterable[Diagnostic]]


# --- reading the built site ------------------------------------------------------------------


class _PageCollector:
    """An lxml parser target: collects ids and link URLs as the parser streams the page."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.canonical = ""

    def start(self, tag, attrib) -> None:
        ident = attrib.get("id")
        if ident:
            self.ids.add(ident)
        if tag == "a" and attrib.get("name"):
            self.ids.add(attrib["name"])
        if tag == "meta":
            if (attrib.get("property") or attrib.get("name")) in URL_METAS and attrib.get("content"):
                self.links.append(attrib["content"])
            return
        if tag == "link" and attrib.get("rel") == "canonical":
            self.canonical = attrib.get("href", "")
        for name in URL_ATTRIBUTES.get(tag, ()):
            value = attrib.get(name)
            if not value:
                continue
            if name == "srcset":
                self.links.extend(part.split()[0] for part in value.split(",") if part.strip())
            else:
                self.links.append(value.strip())

    def end(self, tag) -> None:
        pass

    def data(self, data) -> None:
        pass

    def close(self) -> Page:
        return Page(frozenset(self.ids), tuple(self.links), self.canonical)


def parse_page(data: bytes) -> Page:
    collector = _PageCollector()
    parser = etree.HTMLParser(target=collector, encoding="utf-8")
    parser.feed(data)
    return parser.close()


def parse_page_file(path: Path) -> Page:
    return parse_page(path.read_bytes())


#: Below this many pages, starting worker processes costs more than it saves.
PARALLEL_FROM = 2000


def _parse_pages(paths: list[Path]) -> list[Page]:
    """Parse the pages, on every core for a large site (parsing is most of the check's time)."""
    workers = os.cpu_count() or 1
    if len(paths) < PARALLEL_FROM or workers < 2:
        return [parse_page_file(path) for path in paths]
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(parse_page_file, paths, chunksize=256))


def _xml_urls(data: bytes) -> tuple[str, ...]:
    """The URLs in an Atom feed (its links) or a sitemap (its locs)."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    urls = [link.get("href", "") for link in root.iter(f"{{{ATOM_NS}}}link")]
    urls += [(loc.text or "").strip() for loc in root.iter(f"{{{SITEMAP_NS}}}loc")]
    return tuple(urls)


def _robots_urls(text: str) -> tuple[str, ...]:
    return tuple(line.split(":", 1)[1].strip() for line in text.splitlines()
                 if line.lower().startswith("sitemap:"))


def load_built_site(out: Path, config: SiteConfig) -> BuiltSite:
    if not (out / "index.html").is_file():
        raise UserError(Diagnostic(out, None, "no built site here (no index.html)",
                                   hint="build it first, or run check with --build"))
    files: set[str] = set()
    for folder, _, names in os.walk(out):
        relative_folder = Path(folder).relative_to(out).as_posix()
        for name in names:
            files.add(name if relative_folder == "." else f"{relative_folder}/{name}")
    pages: dict[str, Page] = {}
    documents: dict[str, tuple[str, ...]] = {}
    problems: list[Diagnostic] = []
    html_files = sorted(f for f in files if f.endswith(".html"))
    pages = dict(zip(html_files, _parse_pages([out / f for f in html_files])))
    for relative in sorted(files):
        path = out / relative
        if relative.endswith(".html"):
            continue
        elif relative == SITEMAP or relative.endswith(".xml") and (relative == "feed.xml"
                                                                   or relative.endswith("/feed.xml")):
            try:
                documents[relative] = _xml_urls(path.read_bytes())
            except etree.XMLSyntaxError as exc:
                problems.append(Diagnostic(display_path(path), exc.lineno, f"not well-formed XML: {exc.msg}"))
        elif relative == ROBOTS:
            documents[relative] = _robots_urls(path.read_text(encoding="utf-8", errors="replace"))
    site = BuiltSite(out, config.base_path, config.absolute_base, frozenset(files), pages, documents)
    _require_same_base(site)
    if problems:
        raise UserError(problems)
    return site


def _require_same_base(site: BuiltSite) -> None:
    """Checking a site built for another base URL would report every link; say so once."""
    canonical = site.pages["index.html"].canonical
    expected = site.absolute_base or site.base_path
    if canonical and urlsplit(canonical).path != urlsplit(expected).path:
        raise UserError(Diagnostic(site.display("index.html"), None,
                                   f"the site was built for {canonical}, not for {expected}",
                                   hint=f"check it with --base-url {canonical}"))


# --- resolving links -------------------------------------------------------------------------


def resolve(site: BuiltSite, page: str, href: str) -> tuple[str | None, str, str | None]:
    """(target file or None, fragment, reason) for a link on `page`. The target is None with no
    reason for links that are not the site's (external, mailto:, ...); None with a reason for a
    broken one."""
    parts = urlsplit(href)
    if parts.scheme in NON_WEB_SCHEMES:
        return None, "", None
    page_url = site.base_path + ("" if page == "index.html" else page)
    if parts.scheme or parts.netloc:
        own = urlsplit(site.absolute_base)
        path = parts.path or "/"
        if (not site.absolute_base or parts.netloc.lower() != own.netloc.lower()
                or not (path + "/").startswith(site.base_path)):
            return None, "", None  # another site's address (maybe on the same host)
    else:
        path = urlsplit(urljoin(page_url, href)).path
    if not (path + "/").startswith(site.base_path):
        return None, parts.fragment, f"outside the site's base path {site.base_path}"
    rest = unquote(path[len(site.base_path):])
    if rest == "" or rest.endswith("/"):
        candidates = [rest + "index.html"]
    else:
        candidates = [rest, rest + "/index.html"]  # GitHub Pages redirects a folder to folder/
    for candidate in candidates:
        if candidate in site.files:
            return candidate, unquote(parts.fragment), None
    return None, parts.fragment, "no such page" if not os.path.splitext(rest)[1] else "no such file"


def check_links(context: CheckContext) -> Iterable[Diagnostic]:
    """Every internal link and anchor of every page, feed and sitemap lands somewhere."""
    site = context.site
    sources = [(page, facts.links) for page, facts in site.pages.items()]
    sources += list(site.documents.items())
    for page, links in sorted(sources):
        reported: set[str] = set()
        for href in links:
            if href in reported:
                continue
            target, fragment, reason = resolve(site, page, href)
            if reason is None and target is not None and fragment not in IMPLICIT_FRAGMENTS:
                facts = site.pages.get(target)
                if facts is not None and fragment not in facts.ids:
                    reason = f"no id {fragment!r} on {target}"
            if reason:
                reported.add(href)
                yield Diagnostic(site.display(page), None, f"broken link {href} ({reason})")


def check_not_found_page(context: CheckContext) -> Iterable[Diagnostic]:
    """404.html is served at whatever address was missing, at any depth: a relative link in it
    would resolve against that address, so every link must start with / or a scheme."""
    site = context.site
    facts = site.pages.get(NOT_FOUND_PAGE)
    if facts is None:
        return
    for href in dict.fromkeys(facts.links):
        parts = urlsplit(href)
        if not (parts.scheme or href.startswith("/") or href.startswith("#")):
            yield Diagnostic(site.display(NOT_FOUND_PAGE), None,
                             f"broken link {href} (relative, but 404.html is served at any depth)")


CHECKS: tuple[Check, ...] = (
    Check("links", "internal links and #anchors resolve", check_links),
    Check("404-page", "the 404 page's links work at any depth", check_not_found_page),
)


def run_checks(context: CheckContext, checks: Iterable[Check] = CHECKS) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    for check in checks:
        findings.extend(check.run(context))
    return findings


def check_site(config: SiteConfig, out: Path) -> tuple[BuiltSite, list[Diagnostic]]:
    site = load_built_site(out, config)
    findings = run_checks(CheckContext(config, site))
    # not broken, but not ready for the open web either: say so before publishing
    warning = absolute_url_warning(config)
    return site, ([warning] if warning else []) + findings
