"""Full-text search with Pagefind, a static search index the reader's browser queries.

Pagefind reads the finished pages, so the index is built inside the staging folder once the pages
are written, before it replaces the output: a failed index leaves the previous site as it was.
It reads only the HTML pages, so the feeds and the API are written while it runs. Only what a page
marks with `data-pagefind-body` is indexed (the article, a person's or topic's name,
description and aliases), not the navigation, footers or entity cards.

Pagefind writes the bundle (index, WebAssembly and Pagefind's UI; one file per page) straight
into the staging folder, and the OutputFolder then adopts each file: one whose bytes are the
previous output's is replaced by a hard link to that copy, so an unchanged index keeps its
files' modification times (output.py). Writing it elsewhere first and copying it in wrote
every file twice, and for 8,000 pages that is most of Pagefind's time. Pagefind's output is
the same for the same pages, so rebuilds stay reproducible.

Pagefind holds a whole index in memory, in proportion to the text it indexes: 2.7 GB for the
15,900 indexed pages of an archive of 8,400 articles. So a site of more than SHARD_PAGES
indexed pages is indexed in shards of about SHARD_PAGES pages, one Pagefind run each, each into
its own bundle (`pagefind/`, `pagefind-2/`, ...), and the search page has Pagefind's UI merge
them in the reader's browser (its `mergeIndex` option): one run then needs about 0.2 GB,
whatever the size of the site. The search page is written after the index, since it lists the
bundles to merge. A run reads a folder of hard links to its pages only, so that the page
URLs are the same as in the site. A page's shard is chosen by a hash of its path, not by its
place in the sorted list: an edited, added or removed page changes only its own shard's bundle
(until the number of shards changes), and every shard holds a like mix of articles and entity
pages. That mix matters to the results: Pagefind scores a word by how rare it is in each
bundle, and when a bundle has no word starting with a query's word it matches the longest word
the query's word starts with ("ru" for "rutte"). Shards of consecutive paths (all articles, or
all people) ranked such poor matches from the bundles without the word first. A smaller site
keeps one bundle, indexed from the site itself as before.

A bundle is carried over from the last build, without running Pagefind, when it would come out
the same: each page's search view (search_view: a digest of what Pagefind reads of it, the
marked content, the page's language, its first heading) is kept in the page manifest
(builder.pagedigest), and a bundle whose pages and views are the last build's is hard-linked
from the previous output. So a theme edit (the navigation, the footer, the CSS) indexes
nothing, and an edit to one article of an archive re-runs Pagefind for its shard only. The
views are made by the page writers, from the HTML they have in hand.

When the Pagefind binary is not installed, the site is built without search (no Search link,
no search page) and the build warns; when Pagefind is there but fails, the build fails.
"""
from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .errors import UserError
from .output import OutputFolder, delete_in_background

#: Where the bundle goes in the site: `public/pagefind/` (the first shard's, with the UI the
#: search page loads; further shards go to `pagefind-2/`, `pagefind-3/`...).
BUNDLE_DIR = "pagefind"
#: Indexed pages per Pagefind run, on average (hashing spreads them within a few per cent).
#: Measured on an archive of 8,400 articles: a run of 1,000 article pages peaks at 0.36 GB, of
#: 1,500 at 0.51 GB, of all 15,900 pages at 2.7 GB (an entity page, whose name and description
#: alone are indexed, weighs a tenth of an article), so even a site of articles only stays
#: under 0.5 GB; a mixed shard of 1,000 pages takes about 0.2 GB.
SHARD_PAGES = 1000
#: A site whose pages weigh less than this is indexed in one run all the same: splitting costs
#: result quality (a word missing from a bundle matches a shorter word there: "Kyiv" found 83
#: pages on 840 articles in nine shards, 11 in one bundle), and one run over the 96 MiB of the
#: 840-article corpus's pages peaks at 0.33 GB. Sharding is for archives, where one run would
#: not fit (2.7 GB over 550 MiB of pages at 8,400 articles).
SINGLE_RUN_BYTES = 128 * 2**20
#: Marks the content Pagefind indexes; a page without it is left out once any page has it.
BODY_MARK = b"data-pagefind-body"
#: Any of Pagefind's attributes (metadata, filters, sort keys, weights...).
ATTRIBUTE_PREFIX = b"data-pagefind-"
#: The folder of hard links one shard's run reads; inside the staging folder, so a killed
#: build leaves it nowhere the next build does not clear, and removed after each run.
SHARD_SITE_DIR = ".pagefind-shard"
#: Inside indexed content, but not content: the card every mention carries would make each
#: article match every name it mentions twice, and "Read it in the article" every quote.
EXCLUDED_SELECTORS = (".card", ".quote-in-place")
TIMEOUT_SECONDS = 600


def search_view(html: bytes) -> str:
    """A digest of what Pagefind reads of a page, so that a build can tell that the index would
    come out the same (a theme edit changes every page but none of the indexed text) and carry
    the last one over instead of running Pagefind again.

    Pagefind reads, of a site where some page marks its content with `data-pagefind-body`, each
    marked element (text, ids, headings, `data-pagefind-*` inside), the `<html>` tag (its
    language), the first `<h1>` and the first `<img>` after it (a result's default title and
    image; the `<title>` of a page without an `<h1>`, in case Pagefind falls back on it), and
    any `data-pagefind-*` attribute anywhere. The view holds all of that and not the
    rest of the page, found without a parser (16,000 pages are read in a second, parsed in
    minutes); a page where it cannot be told apart (a `data-pagefind-*` attribute outside the
    marked elements, a marked element whose end is not found) has the whole page as its view.
    Views start with "m:" (marked), "w:" (marked, whole) or "u:" (unmarked: the whole page,
    which Pagefind reads only when no page is marked)."""
    lowered = html.lower()  # ASCII only, so every offset is the same in both
    if BODY_MARK not in lowered:
        return "u:" + _digest(html)
    regions = _marked_regions(lowered)
    whole = regions is None
    position = 0
    while not whole:
        found = lowered.find(ATTRIBUTE_PREFIX, position)
        if found < 0:
            break
        whole = not any(start <= found < end for start, end in regions)
        position = found + 1
    if whole:
        return "w:" + _digest(html)
    digest = hashlib.blake2b(digest_size=16)
    digest.update(_tag_at(html, lowered, lowered.find(b"<html")))
    h1 = lowered.find(b"<h1")
    if h1 >= 0:
        h1_end = lowered.find(b"</h1", h1)
        digest.update(b"\0" + html[h1:h1_end if h1_end >= 0 else len(html)])
        digest.update(b"\0" + _tag_at(html, lowered, lowered.find(b"<img", h1)))
    else:  # no heading to take a result's title from: the page's <title> may stand in
        title = lowered.find(b"<title")
        title_end = lowered.find(b"</title", title) if title >= 0 else -1
        digest.update(b"\0" + (html[title:title_end] if 0 <= title < title_end else b""))
    for start, end in regions:
        digest.update(b"\0" + html[start:end])
    return "m:" + digest.hexdigest()


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _tag_at(html: bytes, lowered: bytes, start: int) -> bytes:
    if start < 0:
        return b""
    end = lowered.find(b">", start)
    return html[start:end + 1 if end >= 0 else len(html)]


_TAG_NAME = re.compile(rb"<([a-z][a-z0-9-]*)")


def _marked_regions(lowered: bytes) -> list[tuple[int, int]] | None:
    """(start, end) of each element whose start tag holds BODY_MARK, in a lower-cased page;
    None when one cannot be delimited by counting its name's start and end tags."""
    regions: list[tuple[int, int]] = []
    position = 0
    while True:
        mark = lowered.find(BODY_MARK, position)
        if mark < 0:
            return regions
        start = lowered.rfind(b"<", 0, mark)
        opening = _TAG_NAME.match(lowered, start) if start >= 0 else None
        if opening is None or b">" in lowered[start:mark]:
            return None  # the mark is not inside a start tag
        open_tag, close_tag = b"<" + opening.group(1), b"</" + opening.group(1)
        depth, cursor = 1, opening.end()
        while depth:
            next_open, next_close = _find_tag(lowered, open_tag, cursor), _find_tag(lowered, close_tag, cursor)
            if next_close < 0:
                return None
            if 0 <= next_open < next_close:
                depth, cursor = depth + 1, next_open + len(open_tag)
            else:
                depth, cursor = depth - 1, next_close + len(close_tag)
        end = lowered.find(b">", cursor)
        if end < 0:
            return None
        regions.append((start, end + 1))
        position = end + 1


def _find_tag(lowered: bytes, tag: bytes, start: int) -> int:
    """Where `tag` ("<a", "</a") next stands as a whole name (not "<abbr"), or -1."""
    while True:
        found = lowered.find(tag, start)
        if found < 0 or lowered[found + len(tag):found + len(tag) + 1] in _NAME_ENDS:
            return found
        start = found + 1


_NAME_ENDS = (b" ", b"\t", b"\n", b"\r", b"\f", b"/", b">")


def indexed_views(views: dict[str, str]) -> dict[str, str]:
    """The views of the pages Pagefind indexes: the marked ones, or all when none is."""
    marked = {page: view for page, view in views.items() if not view.startswith("u:")}
    return marked or dict(views)


def bundle_key(pages: list[str], views: dict[str, str]) -> str:
    """What one Pagefind run's bundle is made from: its indexed pages' paths and views."""
    indexed = indexed_views({page: views[page] for page in pages})
    return _digest("\n".join(f"{page} {indexed[page]}" for page in sorted(indexed)).encode("utf-8"))


@dataclass(frozen=True)
class SearchIndex:
    bundles: tuple[str, ...]  # the bundles' folders in the site, BUNDLE_DIR first
    files: int  # files in the bundles
    seconds: float  # how long Pagefind took
    carried: int = 0  # bundles carried over from the last build unchanged, without running Pagefind

    @property
    def merged_bundles(self) -> tuple[str, ...]:
        """The bundles the search page merges into the first one (none for a smaller site)."""
        return self.bundles[1:]


def pagefind_executable() -> Path | None:
    """The Pagefind binary from the `pagefind[bin]` package (or PAGEFIND_BINARY_PATH, or PATH)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    try:
        executable = get_executable()
    except Exception:  # noqa: BLE001 - a broken install is the same as none: build without search
        return None
    return executable if executable is not None and executable.is_file() else None


def pagefind_fingerprint() -> str:
    """Which Pagefind a build would use, for the "nothing changed" check: none, or the binary
    (its path, size and modification time change when it is installed or upgraded)."""
    executable = pagefind_executable()
    if executable is None:
        return "none"
    info = executable.stat()
    return f"{executable}:{info.st_size}:{info.st_mtime_ns}"


class SearchRun:
    """A search index being built: a site of one bundle has Pagefind running in the background
    from the start (it reads only the HTML pages, so the caller can write the feeds and the
    like meanwhile, on the cores Pagefind leaves: it indexes on about one); a sharded site's
    runs take turns in `finish`, each over a folder of links made for it.

    A bundle whose pages and views (search_view) are those of the last build's bundle of the
    same name is carried over from the previous output instead (Pagefind's output is the same
    for the same input): a theme edit, or an edit to one article of an archive indexed in
    shards, runs Pagefind for none or one of them."""

    def __init__(self, out: OutputFolder, executable: Path, shards: list[list[str]], views: dict[str, str],
                 previous: dict | None = None):
        self.out, self.executable, self.shards, self.views = out, executable, shards, views
        self.started = time.perf_counter()
        self.bundles = tuple(bundle_dir(number) for number in range(1, max(len(shards), 1) + 1))
        self.keys = [bundle_key(pages, views) for pages in shards] or [bundle_key([], views)]
        kept = previous.get("bundles", {}) if isinstance(previous, dict) else {}
        self.files: dict[str, list[str]] = {}  # bundle -> its files, as they are known
        for bundle, key in zip(self.bundles, self.keys):
            entry = kept.get(bundle) if isinstance(kept, dict) else None
            if isinstance(entry, dict) and entry.get("key") == key and _carry_bundle(out, bundle, entry.get("files")):
                self.files[bundle] = list(entry["files"])
        self.carried = len(self.files)
        self.process = self._linked = None
        if len(shards) <= 1 and BUNDLE_DIR not in self.files:
            # a folder holding the whole site is read as it is; a patch, through links
            site = out.root if out.holds_whole_site else link_pages(out, shards[0] if shards else [])
            self._linked = None if out.holds_whole_site else site
            self.process = _start_pagefind(out, executable, site, BUNDLE_DIR)

    def finish(self) -> SearchIndex:
        if self.process is not None:
            try:
                self.files[BUNDLE_DIR] = _finish_pagefind(self.out, self.process, BUNDLE_DIR)
            finally:
                self._unlink()
        elif len(self.shards) > 1:
            for bundle, pages in zip(self.bundles, self.shards):
                if bundle not in self.files:
                    with linked_pages(self.out, pages) as site:
                        self.files[bundle] = _finish_pagefind(
                            self.out, _start_pagefind(self.out, self.executable, site, bundle), bundle)
        return SearchIndex(self.bundles, sum(len(files) for files in self.files.values()),
                           time.perf_counter() - self.started, self.carried)

    def _unlink(self) -> None:
        if self._linked is not None:
            # thousands of links in as many folders: deleted by a process of its own
            delete_in_background(self._linked, self.out.previous or self.out.root)
            self._linked = None

    def record(self) -> dict:
        """What the next build needs to carry this index over (builder.pagedigest keeps it)."""
        return {"views": self.views,
                "bundles": {bundle: {"key": key, "files": self.files[bundle]}
                            for bundle, key in zip(self.bundles, self.keys) if bundle in self.files}}

    def stop(self) -> None:
        """End a run still going (the build failed meanwhile); nothing once it has finished."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self._unlink()


def _carry_bundle(out: OutputFolder, bundle: str, files: object) -> bool:
    """Take the previous output's copy of a bundle into `out`, if it has every file of it."""
    if not isinstance(files, list) or not files or not all(isinstance(name, str) for name in files):
        return False
    relatives = [f"{bundle}/{name}" for name in files]
    if out.previous is None or not all(out.has_previous(relative) for relative in relatives):
        return False
    for relative in relatives:
        if not out.carry(relative):  # no hard links here: a copy
            out.write(relative, (out.previous / relative).read_bytes())
    return True


def start_search_index(out: OutputFolder, executable: Path, views: dict[str, str] | None = None,
                       previous: dict | None = None, shard_pages: int | None = None) -> SearchRun:
    """Start indexing the HTML pages already in `out`: one bundle, or, for a site too heavy for
    one run, one per `shard_pages` (default SHARD_PAGES) indexed pages (see SearchRun);
    `finish()` waits for the bundles and takes them into the folder. `views`: the search views
    of the pages this build rendered; `previous`: the last build's SearchRun.record()."""
    pages = sorted({page for page in out.written if page.endswith(".html")})
    shards = plan_runs(pages, out.source_of, shard_pages or SHARD_PAGES)
    return SearchRun(out, executable, shards, page_views(out, [page for shard in shards for page in shard],
                                                          views or {}, previous), previous)


def page_views(out: OutputFolder, pages: list[str], rendered: dict[str, str], previous: dict | None) -> dict[str, str]:
    """The search view of each of `pages`: as rendered, or the last build's for a page whose
    bytes are the last build's, or read from the folder."""
    known = previous.get("views", {}) if isinstance(previous, dict) else {}
    known = known if isinstance(known, dict) else {}
    changed = set(out.changed)
    views = {}
    for page in pages:
        view = rendered.get(page)
        if view is None and page not in changed:
            view = known.get(page) if isinstance(known.get(page), str) else None
        if view is None:
            with open(out.source_of(page), "rb") as handle:
                view = search_view(handle.read())
        views[page] = view
    return views


def bundle_dir(number: int) -> str:
    """Shard 1 goes to `pagefind/`, where the search page loads Pagefind's UI from; the others
    beside it (not inside: Pagefind's UI would skip a merged bundle whose path the first one's
    starts with, and each bundle's files are adopted by walking its folder)."""
    return BUNDLE_DIR if number == 1 else f"{BUNDLE_DIR}-{number}"


def plan_runs(pages: list[str], path_of: Callable[[str], str], size: int,
              single_run_bytes: int | None = None) -> list[list[str]]:
    """The pages of each Pagefind run, as sorted site paths: a site of at most `size` pages, or
    whose pages weigh at most `single_run_bytes` (default SINGLE_RUN_BYTES), in one run
    (without reading them), a larger one's indexed pages in runs of about `size`. `path_of`:
    where a page's file is."""
    if len(pages) <= size:
        return [pages]
    budget = SINGLE_RUN_BYTES if single_run_bytes is None else single_run_bytes
    if sum(os.stat(path_of(page)).st_size for page in pages) <= budget:
        return [pages]
    return split_into_shards(indexed_pages(pages, path_of), size)


def indexed_pages(pages: list[str], path_of: Callable[[str], str]) -> list[str]:
    """Those of `pages` Pagefind indexes: the ones that mark their content with
    `data-pagefind-body`, or all if none does (Pagefind's own rule, which a shard holding only
    unmarked pages would otherwise break by indexing them whole). The mark is looked for as
    bytes, not parsed: the HTML of 16,000 pages is read in seconds, parsed in minutes, and
    an article that merely quotes the attribute only adds a page Pagefind then leaves out."""
    marked = [page for page in pages if BODY_MARK in Path(path_of(page)).read_bytes()]
    return marked or pages


def split_into_shards(pages: list[str], size: int) -> list[list[str]]:
    """`pages` in shards of about `size`, each page in the shard its path's hash picks."""
    shards: list[list[str]] = [[] for _ in range(math.ceil(len(pages) / size))]
    for page in pages:
        shards[shard_of(page, len(shards))].append(page)
    return [shard for shard in shards if shard]


def shard_of(page: str, shard_count: int) -> int:
    """Which of `shard_count` shards a page's path belongs to: the same in every build and
    every Python (a hash of the path's bytes, not Python's salted hash())."""
    digest = hashlib.blake2b(page.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shard_count


@contextmanager
def linked_pages(out: OutputFolder, pages: list[str]) -> Iterator[Path]:
    """link_pages, removed afterwards."""
    folder = link_pages(out, pages)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def link_pages(out: OutputFolder, pages: list[str]) -> Path:
    """A folder (in `out`'s) holding `pages` as this build has them, at their site paths, as
    hard links (copies where the file system has none): Pagefind computes each page's URL
    from its path in the folder."""
    folder = out.root / SHARD_SITE_DIR
    shutil.rmtree(folder, ignore_errors=True)
    for page in pages:
        target = folder / page
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(out.source_of(page), target)
        except OSError:
            shutil.copyfile(out.source_of(page), target)
    return folder


def _start_pagefind(out: OutputFolder, executable: Path, site: Path, bundle_name: str) -> subprocess.Popen:
    """Pagefind over the pages in `site`, into the bundle folder `bundle_name` of `out`."""
    bundle = out.made_path(bundle_name + "/pagefind.js").parent
    bundle.parent.mkdir(parents=True, exist_ok=True)
    command = [str(executable), "--site", str(site), "--output-path", str(bundle), "--silent"]
    for selector in EXCLUDED_SELECTORS:
        command += ["--exclude-selectors", selector]
    try:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise UserError(f"search: could not run Pagefind ({executable}): {exc.strerror or exc}") from None


def _finish_pagefind(out: OutputFolder, process: subprocess.Popen, bundle_name: str) -> list[str]:
    """Wait for a Pagefind run and take its bundle into `out`; returns its files' paths in it."""
    bundle = out.made_path(bundle_name + "/pagefind.js").parent
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise UserError(f"search: Pagefind did not finish in {TIMEOUT_SECONDS} s") from None
    if process.returncode != 0 or not (bundle / "pagefind.js").is_file():
        raise UserError(f"search: Pagefind failed (exit status {process.returncode}): "
                        f"{_first_line(stderr or stdout)} "
                        "(set `enabled = false` under [search] in site.toml to build without search)")
    files = sorted(path.relative_to(bundle).as_posix() for path in bundle.rglob("*")
                   if path.is_file() or path.is_symlink())
    for name in files:
        out.adopt(f"{bundle_name}/{name}")
    if not out.holds_whole_site:
        shutil.rmtree(bundle, ignore_errors=True)  # its files were taken into the patch
    return files


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "no message"
    # Pagefind's errors start with "Error:"; the rest of its output is progress
    errors = [line for line in lines if line.lower().startswith("error")]
    return (errors or lines)[0]
