"""Ordered parallel map for verification sweeps: serial, process pool, or Dask.

Every executor returns results in the order of its inputs, so a sweep's records are
identical whatever ran them.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import TypeVar

A = TypeVar("A")
R = TypeVar("R")


def map_ordered(
    func: Callable[..., R],
    items: Sequence[A],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    pool: Executor | None = None,
    **kwargs: object,
) -> Iterator[R]:
    """Yield ``func(item, **kwargs)`` for each item, in order.

    ``pool`` (from :func:`process_pool`, with ``workers`` processes) reuses one set of
    worker processes across several maps, so that what a worker has cached (exact
    suprema, attacks) serves the next map too; without it a pool of ``workers``
    processes lives for this map only.
    """
    call = functools.partial(func, **kwargs)
    if scheduler is not None:
        yield from _dask_map(call, items, scheduler)
    elif pool is not None:
        yield from pool.map(call, items, chunksize=_chunk(len(items), max(workers, 1)))
    elif workers <= 1:
        yield from map(call, items)
    else:
        with ProcessPoolExecutor(max_workers=workers) as own:
            yield from own.map(call, items, chunksize=_chunk(len(items), workers))


@contextlib.contextmanager
def process_pool(workers: int) -> Iterator[Executor | None]:
    """A process pool of ``workers`` for several :func:`map_ordered` calls (``None``, i.e.
    serial, when ``workers <= 1``)."""
    if workers <= 1:
        yield None
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield pool


def _chunk(count: int, workers: int) -> int:
    return max(1, count // (workers * 128))


def _dask_map(call: Callable[[A], R], items: Sequence[A], scheduler: str) -> Iterator[R]:
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        from boundkit.errors import ParameterError

        raise ParameterError(
            "scheduler", "needs the 'distributed' extra: pip install 'boundkit[distributed]'"
        ) from exc
    with Client(scheduler) as client:
        futures = client.map(call, items, pure=False)
        for future in futures:
            yield future.result()
