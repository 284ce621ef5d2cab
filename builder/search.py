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

When the Pagefind binary is not installed, the site is built without search (no Search link,
no search page) and the build warns; when Pagefind is there but fails, the build fails.
"""
from __future__ import annotations

import hashlib
import math
import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import UserError
from .output import OutputFolder

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
#: The folder of hard links one shard's run reads; inside the staging folder, so a killed
#: build leaves it nowhere the next build does not clear, and removed after each run.
SHARD_SITE_DIR = ".pagefind-shard"
#: Inside indexed content, but not content: the card every mention carries would make each
#: article match every name it mentions twice, and "Read it in the article" every quote.
EXCLUDED_SELECTORS = (".card", ".quote-in-place")
TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class SearchIndex:
    bundles: tuple[str, ...]  # the bundles' folders in the site, BUNDLE_DIR first
    files: int  # files in the bundles
    seconds: float  # how long Pagefind took

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
    runs take turns in `finish`, each over a folder of links made for it."""

    def __init__(self, out: OutputFolder, executable: Path, shards: list[list[str]]):
        self.out, self.executable, self.shards = out, executable, shards
        self.started = time.perf_counter()
        self.process = _start_pagefind(out, executable, out.root, BUNDLE_DIR) if len(shards) <= 1 else None

    def finish(self) -> SearchIndex:
        if self.process is not None:
            bundles, files = (BUNDLE_DIR,), _finish_pagefind(self.out, self.process, BUNDLE_DIR)
        else:
            bundles = tuple(bundle_dir(number) for number in range(1, len(self.shards) + 1))
            files = 0
            for bundle, pages in zip(bundles, self.shards):
                with linked_pages(self.out.root, pages) as site:
                    files += _finish_pagefind(self.out, _start_pagefind(self.out, self.executable, site, bundle),
                                              bundle)
        return SearchIndex(bundles, files, time.perf_counter() - self.started)

    def stop(self) -> None:
        """End a run still going (the build failed meanwhile); nothing once it has finished."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def start_search_index(out: OutputFolder, executable: Path, shard_pages: int | None = None) -> SearchRun:
    """Start indexing the HTML pages already in `out`: one bundle, or, for a site too heavy for
    one run, one per `shard_pages` (default SHARD_PAGES) indexed pages (see SearchRun);
    `finish()` waits for the bundles and takes them into the folder."""
    return SearchRun(out, executable, plan_shards(out.root, shard_pages or SHARD_PAGES))


def bundle_dir(number: int) -> str:
    """Shard 1 goes to `pagefind/`, where the search page loads Pagefind's UI from; the others
    beside it (not inside: Pagefind's UI would skip a merged bundle whose path the first one's
    starts with, and each bundle's files are adopted by walking its folder)."""
    return BUNDLE_DIR if number == 1 else f"{BUNDLE_DIR}-{number}"


def plan_shards(root: Path, size: int, single_run_bytes: int | None = None) -> list[list[str]]:
    """The pages of each Pagefind run, as sorted site paths: a site of at most `size` pages, or
    whose pages weigh at most `single_run_bytes` (default SINGLE_RUN_BYTES), in one run
    (without reading them), a larger one's indexed pages in runs of about `size`."""
    files = sorted((path.relative_to(root).as_posix(), path) for path in root.rglob("*.html")
                   if path.is_file() and not path.is_symlink())
    pages = [page for page, _ in files]
    if len(pages) <= size:
        return [pages]
    budget = SINGLE_RUN_BYTES if single_run_bytes is None else single_run_bytes
    if sum(path.stat().st_size for _, path in files) <= budget:
        return [pages]
    return split_into_shards(indexed_pages(root, pages), size)


def indexed_pages(root: Path, pages: list[str]) -> list[str]:
    """Those of `pages` Pagefind indexes: the ones that mark their content with
    `data-pagefind-body`, or all if none does (Pagefind's own rule, which a shard holding only
    unmarked pages would otherwise break by indexing them whole). The mark is looked for as
    bytes, not parsed: the HTML of 16,000 pages is read in seconds, parsed in minutes, and
    an article that merely quotes the attribute only adds a page Pagefind then leaves out."""
    marked = [page for page in pages if BODY_MARK in (root / page).read_bytes()]
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
def linked_pages(root: Path, pages: list[str]) -> Iterator[Path]:
    """A folder holding `pages` of `root` at the same paths, as hard links (copies where the
    file system has none): Pagefind computes each page's URL from its path in the folder."""
    folder = root / SHARD_SITE_DIR
    shutil.rmtree(folder, ignore_errors=True)
    try:
        for page in pages:
            target = folder / page
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(root / page, target)
            except OSError:
                shutil.copyfile(root / page, target)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _start_pagefind(out: OutputFolder, executable: Path, site: Path, bundle_name: str) -> subprocess.Popen:
    """Pagefind over the pages in `site`, into the bundle folder `bundle_name` of `out`."""
    bundle = out.path_for(bundle_name + "/pagefind.js").parent
    command = [str(executable), "--site", str(site), "--output-path", str(bundle), "--silent"]
    for selector in EXCLUDED_SELECTORS:
        command += ["--exclude-selectors", selector]
    try:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise UserError(f"search: could not run Pagefind ({executable}): {exc.strerror or exc}") from None


def _finish_pagefind(out: OutputFolder, process: subprocess.Popen, bundle_name: str) -> int:
    """Wait for a Pagefind run and take its bundle into `out`; returns the number of files in it."""
    bundle = out.root / bundle_name
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
    files = sorted(path for path in bundle.rglob("*") if path.is_file() or path.is_symlink())
    for path in files:
        out.adopt(f"{bundle_name}/{path.relative_to(bundle).as_posix()}")
    return len(files)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "no message"
    # Pagefind's errors start with "Error:"; the rest of its output is progress
    errors = [line for line in lines if line.lower().startswith("error")]
    return (errors or lines)[0]
