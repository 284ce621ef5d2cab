"""When Gloss may fork itself, shared by every part that does (page writers, spaCy's early
worker, the output listing, the state writer)."""
from __future__ import annotations

import multiprocessing
import threading


def can_fork() -> bool:
    """Whether this process may fork: the system can, and no other thread is running. A copy
    of a process with threads (the preview server's) can inherit a lock one of them holds and
    never get it back, so such a process spawns, or does the work itself."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
