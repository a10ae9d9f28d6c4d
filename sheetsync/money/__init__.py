"""The money rules: exact cents, periods, who used what, who bears what, balances, settlement, advances."""
