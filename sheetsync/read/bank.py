"""Bank details as members type them: an IBAN or a BIC, checked by schwifty, kept compact."""

from __future__ import annotations

# schwifty (with its country and bank registries) is loaded by the first IBAN or BIC read, not by
# every sync: it is a fifth of a small group's start


def parse_iban(text: str) -> str:
    """The IBAN in its compact form ("FR76 3000 …" -> "FR7630006…"); ValueError when its
    structure, country or check digits are wrong."""
    from schwifty import IBAN

    return IBAN(text).compact


def parse_bic(text: str) -> str:
    """The BIC (8 or 11 letters and digits) in its compact form; ValueError when it is malformed."""
    from schwifty import BIC

    return BIC(text).compact
