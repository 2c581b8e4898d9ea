"""Assigning judges to entries (pure: no Flask, no database).

Every entry gets k distinct judges it has no conflict with; each judge stays
within their cap; loads are as even as the panel allows. This is a bipartite
b-matching, solved as a maximum flow in phases: first every judge up to
⌊nk/m⌋, then up to ⌈nk/m⌉, then up to their own cap. Flow into a judge never
decreases along an augmenting path, so when an assignment with loads within
one of each other exists, this finds one. A greedy pass (least-loaded judge
first) does most of the work; augmenting paths repair the rest. Ties are broken
by a shuffle seeded by the caller, so the result is deterministic."""
from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

INF = math.inf


@dataclass(frozen=True)
class Shortfall:
    entry: Hashable
    needed: int
    got: int
    reason: str          # "conflicts" (too few judges without a conflict) | "capacity"
    eligible: int        # judges this entry has no conflict with


@dataclass
class Assignment:
    judges_of: dict[Hashable, list[Hashable]]
    loads: dict[Hashable, int]
    shortfalls: list[Shortfall] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.shortfalls

    @property
    def spread(self) -> int:
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0


class _Solver:
    def __init__(self, entries, judges, k, conflicts, caps, seed):
        rng = random.Random(seed)
        self.judges = list(judges)
        rng.shuffle(self.judges)
        self.rank = {j: i for i, j in enumerate(self.judges)}
        self.entries = list(entries)
        rng.shuffle(self.entries)
        self.k = k
        self.cap = {j: (caps.get(j) if caps.get(j) is not None else INF) for j in self.judges}
        self.eligible = {e: [j for j in self.judges if (j, e) not in conflicts] for e in self.entries}
        self.assigned: dict[Hashable, set] = {e: set() for e in self.entries}
        self.holds: dict[Hashable, set] = {j: set() for j in self.judges}
        self.limit: dict[Hashable, float] = {}

    def load(self, j) -> int:
        return len(self.holds[j])

    def need(self, e) -> int:
        return self.k - len(self.assigned[e])

    def link(self, e, j) -> None:
        self.assigned[e].add(j)
        self.holds[j].add(e)

    def unlink(self, e, j) -> None:
        self.assigned[e].discard(j)
        self.holds[j].discard(e)

    def greedy(self) -> None:
        for e in self.entries:
            if self.need(e) <= 0:
                continue
            for j in sorted(self.eligible[e], key=lambda j: (self.load(j), self.rank[j])):
                if self.need(e) == 0:
                    break
                if j not in self.assigned[e] and self.load(j) < self.limit[j]:
                    self.link(e, j)

    def augment(self) -> None:
        """Augmenting paths from every entry still short of judges."""
        while True:
            sources = [e for e in self.entries if self.need(e) > 0]
            if not sources or not self._one_path(sources):
                return

    def _one_path(self, sources) -> bool:
        parent_of_judge: dict = {}      # judge -> entry that reached it
        parent_of_entry: dict = {}      # entry -> judge it would be taken from
        seen_entries = set(sources)
        queue = deque(sources)
        while queue:
            e = queue.popleft()
            for j in self.eligible[e]:
                if j in parent_of_judge or j in self.assigned[e]:
                    continue
                parent_of_judge[j] = e
                if self.load(j) < self.limit[j]:
                    self._apply(j, parent_of_judge, parent_of_entry)
                    return True
                for e2 in self.holds[j]:
                    if e2 not in seen_entries:
                        seen_entries.add(e2)
                        parent_of_entry[e2] = j
                        queue.append(e2)
        return False

    def _apply(self, j, parent_of_judge, parent_of_entry) -> None:
        while True:
            e = parent_of_judge[j]
            self.link(e, j)
            if e not in parent_of_entry:
                return
            j = parent_of_entry[e]
            self.unlink(e, j)

    def run(self) -> None:
        total = len(self.entries) * self.k
        m = len(self.judges)
        low = total // m if m else 0
        high = low + (1 if m and total % m else 0)
        for bound in (low, high, INF):
            self.limit = {j: min(self.cap[j], bound) for j in self.judges}
            self.greedy()
            self.augment()


def assign(entries: Iterable[Hashable], judges: Iterable[Hashable], k: int | None,
           conflicts: Iterable[tuple[Hashable, Hashable]] = (), caps: Mapping[Hashable, int | None] | None = None,
           seed: int = 0) -> Assignment:
    """k judges per entry (None: every judge without a conflict)."""
    conflicts = set(conflicts)
    caps = dict(caps or {})
    entries, judges = list(entries), list(judges)
    if k is None:
        judges_of = {e: [j for j in judges if (j, e) not in conflicts] for e in entries}
        loads = {j: sum(1 for e in entries if (j, e) not in conflicts) for j in judges}
        shortfalls = [Shortfall(e, 1, 0, "conflicts", 0) for e, js in judges_of.items() if not js]
        shortfalls += [Shortfall(e, 1, len(judges_of[e]), "capacity", len(judges_of[e])) for e in entries
                       if any(caps.get(j) is not None and loads[j] > caps[j] for j in judges_of[e])
                       and judges_of[e]]
        return Assignment(judges_of, loads, shortfalls)
    solver = _Solver(entries, judges, k, conflicts, caps, seed)
    solver.run()
    shortfalls = []
    for e in entries:
        got = len(solver.assigned[e])
        if got < k:
            eligible = len(solver.eligible[e])
            shortfalls.append(Shortfall(e, k, got, "conflicts" if eligible < k else "capacity", eligible))
    judges_of = {e: sorted(solver.assigned[e], key=lambda j: solver.rank[j]) for e in entries}
    return Assignment(judges_of, {j: solver.load(j) for j in judges}, shortfalls)
