"""Exact money: cents as integers, largest-remainder allocation, half-up rounding."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import lcm
from typing import TypeVar

from sheetsync.model import CENT

K = TypeVar("K", bound=Hashable)
ZERO = Decimal("0.00")


def to_cents(amount: Decimal) -> int:
    """A whole number of cents as an int; a ValueError for a fraction of a cent."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of cents")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    """An int of cents as an amount with two decimals."""
    return (Decimal(cents) / 100).quantize(CENT)


def round_half_up(amount: Decimal, step: Decimal = CENT) -> Decimal:
    """`amount` rounded half up to a multiple of `step` (0.01, 0.1 or 1), with two decimals."""
    return ((amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).quantize(CENT)


def allocate(total: Decimal, weights: Mapping[K, Decimal | Fraction | int]) -> dict[K, Decimal]:
    """Split `total` (whole cents) in proportion to `weights`, in cents that add up exactly to it.

    Each share is computed exactly, floored to the cent, and the cents left over go one each
    to the largest remainders; equal remainders go to the larger weight, then to the smaller
    key, so the result never depends on the order of rows. Zero weights get nothing.
    Raises ValueError when the weights sum to zero and there is something to share.
    """
    cents = to_cents(total)
    if cents < 0:
        return {k: -v for k, v in allocate(-total, weights).items()}
    scaled = _as_integers(weights)
    whole = sum(scaled.values())
    if whole <= 0:
        if cents == 0:
            return {k: ZERO for k in weights}
        raise ValueError("nothing to share by")
    shares, remainders = {}, []
    for key, weight in scaled.items():
        floor, remainder = divmod(cents * weight, whole)
        shares[key] = floor
        remainders.append((-remainder, -weight, str(key), key))
    left = cents - sum(shares.values())
    for _, _, _, key in sorted(remainders, key=lambda r: r[:3])[:left]:
        shares[key] += 1
    return {k: from_cents(v) for k, v in shares.items()}


def _as_integers(weights: Mapping[K, Decimal | Fraction | int]) -> dict[K, int]:
    """The same proportions as whole numbers (exact: Decimals are scaled by a power of ten)."""
    exact = {k: w.as_integer_ratio() for k, w in weights.items()}  # in lowest terms, as Fraction(w)
    scale = lcm(*(d for _, d in exact.values())) if exact else 1
    return {k: n * (scale // d) for k, (n, d) in exact.items()}


# How amounts travel in JSON and CSV -------------------------------------------------------


def plain(amount: Decimal) -> str:
    """Two decimals, a point, no grouping: how amounts travel in JSON and CSV."""
    return f"{amount:.2f}"


def plain_rate(value: Decimal | None) -> str | None:
    """A rate with four decimals and a point, as it travels in JSON (None stays None)."""
    return None if value is None else f"{value:.4f}"


def km_value(km: Decimal) -> int | float:
    """Km as JSON holds them: an int when whole, else a float."""
    return int(km) if km == km.to_integral_value() else float(km)
