"""Progress for long builds: a bar on a terminal, a plain line elsewhere, nothing with -q; and
each stage's time, with -v.

The bar appears only once the NLP stage has work that takes a while (more than a couple of
seconds' worth of articles), so small rebuilds stay silent.
"""
from __future__ import annotations

import logging
import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterator

log = logging.getLogger("gloss")

#: Below this many articles still to analyse, a bar would only flicker.
MIN_ARTICLES_FOR_BAR = 20


@contextmanager
def progress_reporter(enabled: bool = True, stream=None) -> Iterator[Callable[[int, int], None] | None]:
    stream = stream or sys.stderr
    if not enabled:
        yield None
        return
    state: dict = {"bar": None, "start": None, "first": None, "last_line": 0.0}

    def report(done: int, total: int) -> None:
        if state["first"] is None:
            state["first"], state["start"] = done, time.monotonic()
            if total - done >= MIN_ARTICLES_FOR_BAR and stream.isatty():
                from tqdm import tqdm
                state["bar"] = tqdm(total=total, initial=done, unit="article", desc="analysing",
                                    file=stream, dynamic_ncols=True)
            return
        if state["bar"] is not None:
            state["bar"].update(done - state["bar"].n)
        elif total - state["first"] >= MIN_ARTICLES_FOR_BAR:
            now = time.monotonic()
            if done == total or now - state["last_line"] >= 10:
                state["last_line"] = now
                rate = (done - state["first"]) / max(now - state["start"], 1e-9)
                print(f"analysed {done}/{total} articles ({rate:.1f}/s)", file=stream, flush=True)

    try:
        yield report
    finally:
        if state["bar"] is not None:
            state["bar"].close()


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Log how long a stage took (`python -m builder -v build` shows it)."""
    started = time.perf_counter()
    yield
    log.debug("time: %-8s %6.2f s", stage, time.perf_counter() - started)
