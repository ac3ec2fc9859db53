"""Chunked enumeration of index tuples for the exact searches in dimension ``d > 1`` (SMEA's
subsets and count vectors, MDA's subsets), and the :data:`MAX_ENUMERATION` guard."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from boundkit.errors import ParameterError

#: Largest number of subsets (or count vectors) enumerated in dimension ``d > 1``.
MAX_ENUMERATION = 5_000_000
#: Subsets per batched ``eigvalsh`` call.
CHUNK = 20_000


def _chunks(it: Iterator[tuple[int, ...]], width: int, size: int = CHUNK) -> Iterator[np.ndarray]:
    while True:
        flat = np.fromiter(itertools.chain.from_iterable(itertools.islice(it, size)), dtype=np.intp)
        if not flat.size:
            return
        yield flat.reshape(-1, width)


def _guard(count: int, what: str) -> None:
    if count > MAX_ENUMERATION:
        raise ParameterError(
            "n, f", f"at most {MAX_ENUMERATION} {what} to enumerate in dimension d > 1", count
        )
