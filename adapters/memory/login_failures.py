from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Sequence
from datetime import datetime


class InMemoryLoginFailures:
    """Failures per key in this process: the real adapter for one `serve` process (its
    counts are not shared with other processes) and the twin of any shared one.

    Memory stays bounded under a flood of addresses: at most `max_keys` keys (the least
    recently failed are forgotten first) and `max_per_key` failures each.
    """

    def __init__(self, max_keys: int = 100_000, max_per_key: int = 256) -> None:
        self._failures: OrderedDict[str, deque[datetime]] = OrderedDict()
        self._max_keys, self._max_per_key = max_keys, max_per_key

    async def recent(self, key: str, since: datetime) -> Sequence[datetime]:
        times = self._failures.get(key)
        if times is None:
            return []
        while times and times[0] <= since:
            times.popleft()
        return list(times)

    async def record(self, key: str, at: datetime) -> None:
        times = self._failures.pop(key, None) or deque(maxlen=self._max_per_key)
        times.append(at)
        self._failures[key] = times  # now the most recent key
        while len(self._failures) > self._max_keys:
            self._failures.popitem(last=False)

    async def clear(self, key: str) -> None:
        self._failures.pop(key, None)
