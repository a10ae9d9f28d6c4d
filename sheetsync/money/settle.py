"""Who pays whom: the fewest transfers (exact up to 20 balances), or everyone through a hub."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sheetsync.money.cents import CENT, from_cents, round_half_up, to_cents

EXACT_LIMIT = 20


@dataclass(frozen=True)
class Transfer:
    """One transfer that settles balances: who pays whom how much."""

    sender: str
    recipient: str
    amount: Decimal


@dataclass(frozen=True)
class Settlement:
    """The transfers that settle a group, the method that found them and their rounding."""

    transfers: list[Transfer]
    method: str  # "minimal", "greedy" (minimal asked, too many balances) or "hub"
    rounded_to: Decimal = CENT

    @property
    def exact(self) -> bool:
        return self.method != "greedy"


def settle(
    balances: dict[str, Decimal], method: str = "minimal", hub: str | None = None, round_to: Decimal = CENT
) -> Settlement:
    """Transfers that bring every balance to zero (balances must sum to zero).

    Amounts are then rounded to `round_to`; what rounding leaves stays in the balances.
    """
    cents = {name: to_cents(b) for name, b in balances.items() if b}
    if sum(cents.values()) != 0:
        raise ValueError("balances do not sum to zero")
    if method == "hub" and hub is not None:
        moves, used = _through_hub(cents, hub), "hub"
    elif len(cents) <= EXACT_LIMIT:
        moves, used = _fewest(cents), "minimal"
    else:
        moves, used = _greedy(cents), "greedy"
    transfers = []
    for sender, recipient, amount in moves:
        rounded = round_half_up(from_cents(amount), round_to)
        if rounded:
            transfers.append(Transfer(sender, recipient, rounded))
    return Settlement(transfers, used, round_to)


def _through_hub(cents: dict[str, int], hub: str) -> list[tuple[str, str, int]]:
    moves = []
    for name, amount in sorted(cents.items(), key=lambda kv: kv[1]):
        if name == hub:
            continue
        moves.append((name, hub, -amount) if amount < 0 else (hub, name, amount))
    return moves


def _pair_opposites(cents: dict[str, int]) -> tuple[list[tuple[str, str, int]], dict[str, int]]:
    """Transfers between exactly opposite balances (by name order), and the balances left."""
    moves, rest = [], {}
    waiting: dict[int, list[str]] = {}
    for name in sorted(cents):
        match = waiting.get(-cents[name])
        if match:
            other = match.pop(0)
            debtor, creditor = (name, other) if cents[name] < 0 else (other, name)
            moves.append((debtor, creditor, abs(cents[name])))
            del rest[other]
        else:
            waiting.setdefault(cents[name], []).append(name)
            rest[name] = cents[name]
    return moves, rest


def _greedy(cents: dict[str, int]) -> list[tuple[str, str, int]]:
    """Exactly opposite balances first, then the largest debtor pays the largest creditor."""
    moves, left = _pair_opposites(cents)
    while left:
        d = min(left, key=lambda n: (left[n], n))
        c = min(left, key=lambda n: (-left[n], n))
        amount = min(-left[d], left[c])
        moves.append((d, c, amount))
        for name, change in ((d, amount), (c, -amount)):
            left[name] += change
            if not left[name]:
                del left[name]
    return moves


def _fewest(cents: dict[str, int]) -> list[tuple[str, str, int]]:
    """The fewest transfers: n minus the largest number of disjoint zero-sum groups.

    Exactly opposite balances always form a group of their own in some best split, so they are
    paired first; the rest is solved exactly by a dynamic programme over subsets.
    """
    moves, rest = _pair_opposites(cents)
    names = list(rest)
    for group in zero_sum_groups(list(rest.values())):
        moves.extend(_greedy({names[i]: rest[names[i]] for i in group}))
    return moves


SMALL = 15  # up to this many balances, plain Python is quick enough (about 0.1 s) and numpy stays unloaded


def zero_sum_groups(values: list[int]) -> list[list[int]]:
    """A partition of the indices of `values` (summing to 0) into as many zero-sum groups as possible.

    best[mask] = the most zero-sum groups a chain of subsets ending at `mask` passes through:
    best[mask] = max over i in mask of best[mask without i], plus 1 if mask sums to zero.
    """
    n = len(values)
    if n == 0:
        return []
    best, zero = _chain_table(values) if n <= SMALL else _chain_table_numpy(values)
    # Walk back from the full set, cutting a group each time a zero-sum subset is passed.
    groups, mask, current = [], (1 << n) - 1, []
    while mask:
        for i in range(n):
            if mask >> i & 1 and best[mask ^ (1 << i)] == best[mask] - zero[mask]:
                break
        if zero[mask] and current:
            groups.append(current)
            current = []
        current.append(i)
        mask ^= 1 << i
    groups.append(current)
    return [sorted(g) for g in groups]


def _chain_table(values: list[int]) -> tuple[list[int], list[int]]:
    size = 1 << len(values)
    sums = [0] * size
    for i, v in enumerate(values):
        for mask in range(1 << i, 1 << (i + 1)):
            sums[mask] = sums[mask ^ (1 << i)] + v
    zero = [1 if x == 0 else 0 for x in sums]
    best = [0] * size
    bits = [1 << i for i in range(len(values))]
    for mask in range(1, size):  # every subset of mask is smaller than mask: already final
        best[mask] = max(best[mask ^ b] for b in bits if mask & b) + zero[mask]
    return best, zero


def _chain_table_numpy(values: list[int]):
    import numpy as np  # only for groups with many balances to settle

    n = len(values)
    size = 1 << n
    sums = np.zeros(size, dtype=np.int64)
    for i, v in enumerate(values):
        sums[1 << i : 1 << (i + 1)] = sums[: 1 << i] + v
    zero = (sums == 0).astype(np.int8)
    masks = np.arange(size, dtype=np.int64)
    popcount = np.zeros(size, dtype=np.int8)
    for i in range(n):
        popcount += ((masks >> i) & 1).astype(np.int8)
    best = np.zeros(size, dtype=np.int8)
    for k in range(1, n + 1):  # by number of members, so that every smaller subset is final
        layer = masks[popcount == k]
        top = np.full(layer.shape, -1, dtype=np.int8)
        for i in range(n):
            has = (layer >> i) & 1 == 1
            top[has] = np.maximum(top[has], best[layer[has] ^ (1 << i)])
        best[layer] = top + zero[layer]
    return best, zero
