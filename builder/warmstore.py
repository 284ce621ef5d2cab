"""The preview server's memory, kept on disk, so that a `build` command starts where the last
one stopped instead of from the disk caches.

`serve` keeps each stage's per-article work in a WarmState between builds (builder.build), and
an edit then costs in proportion to what it changed. A `build` command is a new process every
time: without this file it would re-merge every article's entities, rebuild the index and
re-hash every page from the per-article caches, seconds of work for an archive whatever the
edit. With it, the command loads the last build's state and does only what an edit in `serve`
does.

The state is safe to reuse whatever happened since it was written, because every memo in it
is keyed by its inputs and compared by value (an article's file by its bytes, an analysis by
its cache key, a share of the entity merge by the article it came from): stale entries are
recomputed, never used. What depends on the process (the compiled templates, the output's
file list) is left out. The file is tagged with Gloss's code fingerprint and the Python
version, and a file of another version, or one that fails to load, is ignored.

It is a pickle file in the site's cache folder, like the prepared-articles cache
(builder.cache): written and read only by builds of this site. It holds two pickles, one after
the other, written by one pickler and read by one unpickler, so the second refers to the
first's records: first what a build needs when no article changed (the last site's registry and
index, the page jobs' memo and the pages' parts), then the per-article memos that only an edit
needs. A theme edit reads the first alone, in two thirds of the time of the whole.

Writing it takes about as long as loading the whole site, so it is written only when the site's
content changed (or pages' parts were made that it lacked), by a detached copy of the process
after the build is done (nothing waits for it; a build that starts meanwhile loads the previous
state, which is just as safe).
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import weakref
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .processes import can_fork

if TYPE_CHECKING:
    from .build import WarmState

STATE_NAME = "warm-state.pickle"
#: Whether the state is written by a detached process (False: by the build itself, as tests need).
IN_BACKGROUND = True
#: What a state file starts with; a file of another version of the format or of the code is ignored.
MAGIC = b"gloss-warm-state 4\n"
#: The WarmState fields that are kept (the rest belong to one process): these first ...
FIRST_FIELDS = ("reads", "gathered", "digests", "job_settings", "page_jobs", "page_parts")
#: ... and then the per-article memos, read when a build needs them (WarmState.load_memos).
MEMO_FIELDS = ("analyses", "prepared", "registry", "index")


def _version(code: str) -> bytes:
    return f"{code} python {sys.version_info[:3]}\n".encode()


def content_key(warm: WarmState, settings: str) -> str:
    """What the kept state was made from: every article file's bytes and the site's settings
    (site.toml, data/, Gloss's code). Equal keys: the state would be written unchanged."""
    digest = hashlib.blake2b(settings.encode(), digest_size=16)
    for path in sorted(warm.reads):
        digest.update(os.fsencode(path) + b"\0")
        digest.update(warm.reads[path][0])
        digest.update(b"\0")
    return digest.hexdigest()


def load_state(cache_dir: Path, code: str) -> WarmState | None:
    """The state the last build of this site left, or None (none, unreadable, or another
    version). Its per-article memos are read when the build asks for them (load_memos)."""
    from .build import WarmState
    try:
        handle = open(cache_dir / STATE_NAME, "rb")
    except OSError:
        return None
    try:
        if handle.readline() != MAGIC or handle.readline() != _version(code):
            raise ValueError("another version")
        unpickler = pickle.Unpickler(handle)
        fields = _load_frozen(unpickler)
        if not isinstance(fields, dict) or set(fields) != set(FIRST_FIELDS) | {"key"}:
            raise ValueError("not a state")
    except Exception:  # truncated, or from a class that changed: build without it
        handle.close()
        return None
    warm = WarmState(**{name: fields[name] for name in FIRST_FIELDS})
    warm.stored_key = fields["key"]
    warm.pending_memos = partial(_load_memos, unpickler, handle)
    weakref.finalize(warm, handle.close)  # (if they are never asked for)
    return warm


def _load_memos(unpickler: pickle.Unpickler, handle) -> dict | None:
    """The second pickle of the state file, read by the unpickler of the first (whose memo
    holds the records it refers to), or None if it does not load."""
    try:
        memos = _load_frozen(unpickler)
    except Exception:
        return None
    finally:
        handle.close()
    return memos if isinstance(memos, dict) and set(memos) == set(MEMO_FIELDS) else None


def _load_frozen(unpickler: pickle.Unpickler) -> object:
    # Millions of small records: the collector would walk them all again and again while
    # they are created, and they are acyclic and live until the build ends.
    enabled = gc.isenabled()
    gc.disable()
    try:
        loaded = unpickler.load()
        # Nor should it walk them afterwards: made while it was off, they are all in its
        # youngest generation, and its next young collection would visit every one (0.17 s
        # at 840 articles). Frozen, they are left to reference counting.
        gc.freeze()
    finally:
        if enabled:
            gc.enable()
    return loaded


def save_state(cache_dir: Path, code: str, warm: WarmState, key: str) -> None:
    """Write the state now, atomically (a reader sees the old file or the new one, whole)."""
    warm.load_memos()  # a state loaded without them is written whole
    first = {name: getattr(warm, name) for name in FIRST_FIELDS} | {"key": key}
    memos = {name: getattr(warm, name) for name in MEMO_FIELDS}
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = cache_dir / f".{STATE_NAME}.{os.getpid()}"
    try:
        with open(temporary, "wb") as handle:
            handle.write(MAGIC + _version(code))
            pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dump(first)
            pickler.dump(memos)  # the same pickler: records the first holds are referred to
        os.replace(temporary, cache_dir / STATE_NAME)
    finally:
        temporary.unlink(missing_ok=True)


def save_state_in_background(cache_dir: Path, code: str, warm: WarmState, key: str) -> None:
    """save_state in a detached copy of this process, so the build is done without waiting
    for it. A process running other threads is not forked (a copy could inherit a lock one of
    them holds): it writes the state itself."""
    if not IN_BACKGROUND or not can_fork():
        save_state(cache_dir, code, warm, key)
        return
    sys.stdout.flush()
    sys.stderr.flush()
    child = os.fork()
    if child:
        os.waitpid(child, 0)  # the child only forks the writer and exits: nothing to reap later
        return
    # The child: fork the writer (reparented to init, so no zombie), then leave at once.
    try:
        if os.fork() == 0:
            os.setsid()
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):  # whoever reads this process's output must not wait for it
                os.dup2(devnull, fd)
            # nor anything else the build had open: a pipe held here keeps its other end
            # waiting (multiprocessing's resource tracker lives as long as its pipe, and holds
            # the build's output)
            os.closerange(3, os.sysconf("SC_OPEN_MAX"))
            try:
                os.nice(10)
                save_state(cache_dir, code, warm, key)
            finally:
                os._exit(0)
    finally:
        os._exit(0)
