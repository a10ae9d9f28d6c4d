"""Exact money: cents as integers, largest-remainder allocation, half-up rounding."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_cents(amount: Decimal) -> int:
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of cents")
    return int(cents)


def from_cents(cents: int) -> Decimal:
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
    exact = {k: Fraction(w) for k, w in weights.items()}
    whole = sum(exact.values(), Fraction(0))
    if whole <= 0:
        if cents == 0:
            return {k: ZERO for k in weights}
        raise ValueError("nothing to share by")
    shares, remainders = {}, []
    for key, weight in exact.items():
        portion = cents * weight / whole
        floor = portion.numerator // portion.denominator
        shares[key] = floor
        remainders.append((-(portion - floor), -weight, str(key), key))
    left = cents - sum(shares.values())
    for _, _, _, key in sorted(remainders, key=lambda r: r[:3])[:left]:
        shares[key] += 1
    return {k: from_cents(v) for k, v in shares.items()}
