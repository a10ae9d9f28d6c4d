"""Scan-to-pay codes: the European Payments Council's QR code for a SEPA credit transfer
(EPC069-12: service tag BCD, version 002, character set 1 = UTF-8, SCT, BIC, name, IBAN,
amount in euros, remittance text), made with segno, as PNG or SVG."""

from __future__ import annotations

import io
from decimal import Decimal

import segno
from segno import helpers


def epc_code(name: str, iban: str, amount: Decimal, text: str, bic: str | None = None) -> segno.QRCode:
    """The EPC QR code paying `amount` euros to `name` at `iban` (and `bic`, optional) with `text`
    as the remittance text; ValueError when a field is out of the standard's bounds."""
    return helpers.make_epc_qr(
        name=name[:70],
        iban=iban.replace(" ", ""),
        amount=amount,
        text=text[:140],
        bic=bic or None,
        encoding="utf-8",
    )


def epc_png(code: segno.QRCode) -> bytes:
    """The code as a PNG image, large enough for a phone to read on a screen or on paper."""
    out = io.BytesIO()
    code.save(out, kind="png", scale=6, border=4)
    return out.getvalue()


def epc_svg_uri(code: segno.QRCode) -> str:
    """The code as an SVG data URI, for a web page (a few kilobytes)."""
    return code.svg_data_uri(scale=5, border=4)
