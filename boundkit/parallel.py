"""Ordered parallel map for verification sweeps: serial, process pool, or Dask.

Every executor returns results in the order of its inputs, so a sweep's records are
identical whatever ran them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

A = TypeVar("A")
R = TypeVar("R")


def map_ordered(
    func: Callable[..., R],
    items: Sequence[A],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    **kwargs: object,
) -> Iterator[R]:
    """Yield ``func(item, **kwargs)`` for each item, in order."""
    call = functools.partial(func, **kwargs)
    if scheduler is not None:
        yield from _dask_map(call, items, scheduler)
    elif workers <= 1:
        yield from map(call, items)
    else:
        chunk = max(1, len(items) // (workers * 128))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(call, items, chunksize=chunk)


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
