"""Checks across rows of the parsed workbook (odometer sequence, responsible driver, rates, hub)."""
