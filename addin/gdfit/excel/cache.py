"""Results of worksheet functions, remembered by content.

Excel recalculates a function whenever anything it depends on might have changed, and several
functions (``GD_FIT``, ``GD_HISTORY``, ``GD_PREDICT``...) on the same data need the same fit.
A fit is therefore stored under a digest of the numbers, the labels and the options, in a
least-recently-used table of bounded size: recalculating unchanged inputs costs a hash.
Failures are not stored, so fixing the data is seen at once.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

import numpy as np

__all__ = ["ResultCache", "content_key", "RESULTS"]


def _feed(digest: "hashlib._Hash", part: Any) -> None:
    if isinstance(part, np.ndarray):
        array = np.ascontiguousarray(part)
        digest.update(f"array{array.dtype.str}{array.shape}".encode())
        digest.update(array.tobytes())
    elif isinstance(part, (list, tuple)):
        digest.update(f"seq{len(part)}(".encode())
        for item in part:
            _feed(digest, item)
        digest.update(b")")
    else:
        # repr keeps types apart: 1 vs 1.0 vs "1" vs True.
        digest.update(f"{type(part).__name__}:{part!r};".encode())


def content_key(*parts: Any) -> str:
    """A digest of numpy arrays (dtype, shape, bytes) and plain values, in order."""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        _feed(digest, part)
    return digest.hexdigest()


class ResultCache:
    """A thread-safe LRU table: ``get(key, compute)`` returns the stored value or computes it."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()  # outside the lock: a long fit must not block other cells' lookups
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


#: The table every worksheet function shares (fits, comparisons, Solver runs).
RESULTS = ResultCache()
