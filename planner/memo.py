"""One bounded memo for the planner's pure functions whose keys hold object identities (the same catalogue
items, week-wide exercise lists and candidate sets recur in every week; comparing them by content would cost
what the memo saves). Each entry keeps the objects whose ids are in its key alive, so no id in a live key can
belong to another object; a full memo is cleared, so a server's memory stays bounded."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Memo(Generic[V]):
    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._entries: dict[Hashable, tuple[object, V]] = {}

    def get(self, key: Hashable, keep: object, make: Callable[[], V]) -> V:
        """The value for `key`, made once by `make()`; `keep` holds every object whose id is in `key`."""
        hit = self._entries.get(key)
        if hit is not None:
            return hit[1]
        value = make()
        if len(self._entries) >= self._limit:
            self._entries.clear()
        self._entries[key] = (keep, value)
        return value

    def __len__(self) -> int:
        return len(self._entries)
