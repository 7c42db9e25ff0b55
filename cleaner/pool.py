"""The one process pool: work handed out in chunks, results in input order, rules compiled once per worker.

Files (``cleaner.batch``) and JSONL records (``cleaner.jsonl``) both run through ``ordered_map``: what differs
is only the function applied to each item and how items are grouped into chunks.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, TypeVar

from cleaner.errors import CleanerError

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

#: Chunks waiting or running per worker: enough to keep every worker busy while the parent writes, few
#: enough that a run over millions of items keeps a short queue.
IN_FLIGHT_PER_WORKER = 4
#: Open files a worker process costs the parent (its pipes and sentinel), and those the parent keeps for
#: itself: ``-j N`` must fit below ``ulimit -n`` or starting the pool fails half-way and hangs.
FDS_PER_WORKER = 4
FDS_RESERVED = 32
#: More workers than this per core only add processes (and memory) that wait for a core: ``-j 5000`` is
#: run with this many per core instead of forking thousands.
MAX_WORKERS_PER_CORE = 4
#: Items handed to a worker at a time by default: enough that pickling costs little per item, few enough
#: that outcomes come back steadily.
CHUNK_ITEMS = 8


def worker_count(jobs: int) -> int:
    """Worker processes for ``jobs`` (``0``: one per core; at most ``MAX_WORKERS_PER_CORE`` per core; the
    output does not depend on it); ``CleanerError`` when they cannot all start."""
    cores = os.cpu_count() or 1
    asked = jobs
    if jobs == 0:
        jobs = cores
    jobs = min(jobs, MAX_WORKERS_PER_CORE * cores)
    if jobs <= 1:
        return 1
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):
        return jobs
    if soft != resource.RLIM_INFINITY:
        fit = max(1, (soft - FDS_RESERVED) // FDS_PER_WORKER)
        if jobs > fit:
            raise CleanerError(f"-j {asked}: only {fit} worker processes fit in the open-file limit "
                               f"(ulimit -n {soft}); use -j {fit}, or raise the limit")
    return jobs


_PARENT: int | None = None
_STATE: Any = None


def ignore_interrupts() -> None:
    """In a worker: Ctrl-C and SIGTERM are the parent's to handle (it stops handing out work and waits for
    the items in hand, each written whole), so a signal sent to the whole process group ends no write
    half-way and prints no traceback from a worker."""
    global _PARENT
    _PARENT = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def exit_if_orphaned() -> None:
    """In a worker, between two items: when the parent was killed (SIGKILL), stop instead of doing the work
    still queued; nothing is half-written at this point."""
    if _PARENT is not None and os.getppid() != _PARENT:
        os._exit(1)


def _fixed_chunks(items: Iterable[T]) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, CHUNK_ITEMS)):
        yield chunk


def _init_worker(state: Any) -> None:
    """Runs once in each worker process: ``state`` (a rule set and settings) is unpickled there once."""
    global _STATE
    ignore_interrupts()
    _STATE = state


def _run_chunk(task: tuple[Callable[[Any, Any], Any], list[Any]]) -> list[Any]:
    fn, chunk = task
    out = []
    for item in chunk:
        exit_if_orphaned()
        out.append(fn(_STATE, item))
    return out


def ordered_map(fn: Callable[[S, T], R], state: S, items: Iterable[T], jobs: int = 1,
                chunks: Callable[[Iterable[T]], Iterable[list[T]]] | None = None) -> Iterator[R]:
    """``fn(state, item)`` for every item, yielded in input order, as lazily as the items come.

    With ``jobs > 1`` (``0``: one per core) the items go to a process pool in chunks (``chunks`` groups
    them; by default ``CHUNK_ITEMS`` at a time): ``state`` is sent once per worker, ``fn`` (a module-level
    function) runs there, and only a few chunks per worker are in flight, so memory stays flat however many
    items come. Interrupted, or closed early by the consumer, the pool starts no new chunk and waits for
    those in hand. The output does not depend on ``jobs``.

    >>> list(ordered_map(divmod, 7, [1, 2, 3]))
    [(7, 0), (3, 1), (2, 1)]
    """
    jobs = worker_count(jobs)
    if jobs <= 1:
        for item in items:
            yield fn(state, item)
        return
    if chunks is None:
        chunks = _fixed_chunks
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(state,)) as pool:
        try:
            pending: deque[Future[list[R]]] = deque()
            for chunk in chunks(items):
                pending.append(pool.submit(_run_chunk, (fn, chunk)))
                if len(pending) >= jobs * IN_FLIGHT_PER_WORKER:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
