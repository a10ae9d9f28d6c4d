"""sheetsync: a car-sharing group's spreadsheet as its logbook, ledger and calendar."""

__version__ = "0.1.0"
