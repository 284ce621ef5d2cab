"""Full-text search with Pagefind, a static search index the reader's browser queries.

Pagefind reads the finished pages, so the index is built last, inside the staging folder, before
it replaces the output: a failed index leaves the previous site as it was. Only what a page
marks with `data-pagefind-body` is indexed (the article, a person's or topic's name,
description and aliases), not the navigation, footers or entity cards.

Pagefind writes the bundle (index, WebAssembly and Pagefind's UI; one file per page) straight
into the staging folder, and the OutputFolder then adopts each file: one whose bytes are the
previous output's is replaced by a hard link to that copy, so an unchanged index keeps its
files' modification times (output.py). Writing it elsewhere first and copying it in wrote
every file twice, and for 8,000 pages that is most of Pagefind's time. Pagefind's output is
the same for the same pages, so rebuilds stay reproducible.

When the Pagefind binary is not installed, the site is built without search (no Search link,
no search page) and the build warns; when Pagefind is there but fails, the build fails.
"""
from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError
from .output import OutputFolder

#: Where the bundle goes in the site: `public/pagefind/`.
BUNDLE_DIR = "pagefind"
#: Inside indexed content, but not content: the card every mention carries would make each
#: article match every name it mentions twice, and "Read it in the article" every quote.
EXCLUDED_SELECTORS = (".card", ".quote-in-place")
TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class SearchIndex:
    files: int  # files in the bundle
    seconds: float  # how long Pagefind took


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


def build_search_index(out: OutputFolder, executable: Path) -> SearchIndex:
    """Index the HTML pages already written to `out` and write the bundle into it."""
    started = time.perf_counter()
    bundle = out.path_for(BUNDLE_DIR + "/pagefind.js").parent
    command = [str(executable), "--site", str(out.root), "--output-path", str(bundle), "--silent"]
    for selector in EXCLUDED_SELECTORS:
        command += ["--exclude-selectors", selector]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except OSError as exc:
        raise UserError(f"search: could not run Pagefind ({executable}): {exc.strerror or exc}") from None
    except subprocess.TimeoutExpired:
        raise UserError(f"search: Pagefind did not finish in {TIMEOUT_SECONDS} s") from None
    if result.returncode != 0 or not (bundle / "pagefind.js").is_file():
        raise UserError(f"search: Pagefind failed (exit status {result.returncode}): "
                        f"{_first_line(result.stderr or result.stdout)} "
                        "(set `enabled = false` under [search] in site.toml to build without search)")
    files = sorted(path for path in bundle.rglob("*") if path.is_file() or path.is_symlink())
    for path in files:
        out.adopt(f"{BUNDLE_DIR}/{path.relative_to(bundle).as_posix()}")
    return SearchIndex(len(files), time.perf_counter() - started)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "no message"
    # Pagefind's errors start with "Error:"; the rest of its output is progress
    errors = [line for line in lines if line.lower().startswith("error")]
    return (errors or lines)[0]
