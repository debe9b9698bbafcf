"""What a process keeps of the latest entries it used: a mapping bounded by its number of entries, the least recently
used leaving first, safe across the threads of one process."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator


class Recent:
    """The `limit` entries used last."""

    def __init__(self, limit: int):
        self.limit, self.entries, self.lock = limit, OrderedDict(), threading.Lock()

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Hashable]:
        return iter(list(self.entries))

    def get_many(self, keys: Iterable[Hashable]) -> dict:
        """The entries held among `keys`, each now the latest used."""
        with self.lock:
            found = {key: self.entries[key] for key in keys if key in self.entries}
            for key in found:
                self.entries.move_to_end(key)
        return found

    def put_many(self, items: Iterable[tuple[Hashable, object]]) -> None:
        """Hold `items` ((key, value) pairs), the least recently used leaving past `limit`."""
        with self.lock:
            self.entries.update(items)
            while len(self.entries) > self.limit:
                self.entries.popitem(last=False)

    def get(self, key: Hashable, compute: Callable[[], object]):
        """The entry `key`, else `compute()` held under it (computed outside the lock: two threads may both compute
        it, the later one held)."""
        found = self.get_many([key])
        if key in found:
            return found[key]
        value = compute()
        self.put_many([(key, value)])
        return value
