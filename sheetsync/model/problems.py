"""Problem codes (stable), their severity, and their message and hint.

Messages are English message ids and `str.format` templates, translated by the catalogues
(sheetsync/i18n); the parameters are named after what they show.
"""

from __future__ import annotations

from dataclasses import dataclass

from sheetsync.i18n import N_, t
from sheetsync.model import Problem, Severity

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Template:
    """A problem code's severity, and its message and hint as English message ids."""

    severity: Severity
    message: str  # English message id, translated by the catalogues
    hint: str


PROBLEMS: dict[str, Template] = {
    "value.missing": Template(
        E,
        N_("{column} is empty."),
        N_("Fill in {column}, or delete the row if it is not used."),
    ),
    "value.number": Template(
        E,
        N_('"{value}" is not a number.'),
        N_("Type a number such as 12.5 or 1,234.50 (a currency sign is fine)."),
    ),
    "value.amount_implausible": Template(
        E,
        N_('"{value}" is not a plausible amount (a billion or more).'),
        N_("Check the cell: a reference number or a date may have landed in it."),
    ),
    "value.zero_amount": Template(
        W,
        N_("The amount is 0."),
        N_("Type the amount paid, or delete the row if nothing was paid."),
    ),
    "value.amount_ambiguous": Template(
        E,
        N_('"{value}" is ambiguous: three digits after the decimal sign.'),
        N_("Write {thousands} if it is over a thousand, or the amount with two decimals (such as {cents})."),
    ),
    "value.distance_ambiguous": Template(
        E,
        N_('"{value}" is ambiguous: three digits after the decimal sign.'),
        N_("Write {thousands} if it is over a thousand km, or the km with one decimal (such as {tenths})."),
    ),
    "value.other_currency": Template(
        E,
        N_('"{value}" is in {found}, but the group counts in {currency}.'),
        N_("Type the amount converted to {currency} (the original can go in a note)."),
    ),
    "value.yes_no": Template(
        W,
        N_('"{value}" is neither yes nor no.'),
        N_("Write yes or no (oui or non); an empty cell means yes."),
    ),
    "value.date_no_year": Template(
        E,
        N_('"{value}" has no year.'),
        N_("Type the date with its year (such as 03/01/{year}){or_tab}."),  # or_tab: where a tab's year is read
    ),
    "value.date": Template(
        E,
        N_('"{value}" is not a date.'),
        N_(
            "Type a date such as 12/03/2025 or 2025-03-12, optionally with a time (20:30). Dates typed as text are read {order}."
        ),
    ),
    "value.no_such_day": Template(
        E,
        N_('"{value}" is not a date: {month} has {days} days.'),
        N_("Correct the day, or the month. Dates typed as text are read {order}."),
    ),
    "value.date_implausible": Template(
        E,
        N_('"{value}" reads as {day}, which is not a plausible date.'),
        N_(
            "Type the whole date, such as 12/03/2025: sheetsync accepts dates from {earliest} to {latest} (a year after the as-of date). Dates typed as text are read {order}."
        ),
    ),
    "value.formula": Template(
        E,
        N_(
            "The formula {value} has no saved result: the file was saved by a program that does not calculate formulas."
        ),
        N_("Open the file in Excel or LibreOffice and save it again: the results are then saved with the formulas."),
    ),
    "value.merged": Template(
        E,
        N_("This cell is merged with the one on row {value}: the amount it shows is counted once, on that row."),
        N_("Unmerge the cells, and type each row's own amount in it."),
    ),
    "value.error": Template(
        E,
        N_("The cell shows the error {value}: its value is unknown."),
        N_("Correct the formula or type the value; until then this row is left out."),
    ),
    "value.loading": Template(
        E,
        N_("The cell was still being computed when sheetsync read it ({value}): its value is unknown."),
        N_(
            "Run again in a minute; if it still shows {value}, check its formula (a value taken from another "
            "sheet needs access to it). Until then this row is left out."
        ),
    ),
    "ref.member": Template(
        E,
        N_('"{value}" is not in the Members tab.'),
        N_("{suggestion}Add them to the Members tab, or correct the spelling."),
    ),
    "ref.vehicle": Template(
        E,
        N_('"{value}" is not in the Vehicles tab.'),
        N_("{suggestion}Use a vehicle name exactly as in the Vehicles tab."),
    ),
    "ref.vehicle_missing": Template(
        E,
        N_("No vehicle given, and the group has several."),
        N_("Fill in {column} with one of: {choices}."),
    ),
    "ref.no_vehicle": Template(
        E,
        N_("No vehicle can be used: every row of the {vehicles_tab} tab has an error."),
        N_("Correct the {vehicles_tab} tab first (see its errors); this row counts once a vehicle does."),
    ),
    "ref.respondent": Template(
        E,
        N_('"{value}" is not the Email of any member.'),
        N_("Fill in each member's Email in the Members tab, as the form records it."),
    ),
    "tab.generated_name": Template(
        E,
        N_('The tab "{name}" bears the name of a tab sheetsync writes: sync stops until it is renamed.'),
        N_('Rename your tab (sheetsync writes its own "{name}" tab); nothing of yours is ever overwritten.'),
    ),
    "tab.unread": Template(
        W,
        N_('The tab "{name}" looks like a logbook but is not read.'),
        N_(
            "List it in the Settings key logbook_tabs with the other logbook tabs, or give it a logbook's columns: Date, Driver, and the odometer readings or Km."
        ),
    ),
    "ref.category": Template(
        E,
        N_('"{value}" is not a known category.'),
        N_("{suggestion}Use one of: {choices}."),
    ),
    "member.duplicate": Template(
        E,
        N_('"{value}" is already listed on row {other_row}.'),
        N_("Keep one row per member; tell namesakes apart (Marie D., Marie L.)."),
    ),
    "member.iban": Template(
        E,
        N_('"{value}" is not a valid IBAN.'),
        N_("Copy the IBAN from your bank's statement (FR76 3000 …): a wrong letter or digit breaks its check digits."),
    ),
    "member.email": Template(
        W,
        N_('"{value}" is not an email address.'),
        N_("Write one address, such as name@example.org: until then, {member} gets no notice."),
    ),
    "member.bic": Template(
        E,
        N_('"{value}" is not a valid BIC.'),
        N_("A BIC has 8 or 11 letters and digits (AGRIFRPP or AGRIFRPPXXX); leave it empty if unsure."),
    ),
    "entry.already_saved": Template(
        E,  # only ever on a phone's entry, which it stops (api.submit_entry)
        N_("This entry is already in the workbook ({saved_tab}, row {saved_row})."),
        N_("It was saved the first time: nothing more to do. If it is a second one, give its time."),
    ),
    "entry.makes_another_wrong": Template(
        E,  # only ever on a phone's entry, which it stops (api.submit_entry)
        N_("With this entry, the one at {saved_tab}, row {saved_row} would be wrong: {said}"),
        N_("Check the date and the odometer readings of yours: a vehicle's readings go up with time."),
    ),
    "entry.after_today": Template(
        W,  # only ever on a phone's entry, which asks before saving it (api.submit_entry)
        N_("{day} is after today: this entry counts only from that day."),
        N_("Check the day, the month and the year; save it anyway if it is meant for that day."),
    ),
    "entry.large_payment": Template(
        W,  # only ever on a phone's entry, which asks before saving it (api.submit_entry)
        N_("This payment ({amount}) is ten times what {member} owes ({owed}) or more."),
        N_("Check the amount: a decimal sign may have been missed ({typed} for {meant})."),
    ),
    "entry.cancels_series": Template(
        W,  # only ever on a phone's entry, which asks before saving it (api.submit_entry)
        N_("The booking of {vehicle} repeats ({every}): cancelling it cancels every one to come, not only the next."),
        N_("Save anyway to cancel them all; to keep some of its days, book them again afterwards."),
    ),
    "entry.rows_above_header": Template(
        E,  # only ever on a phone's entry, which it stops (api.submit_entry)
        N_("The {name} tab has rows above its header: an entry cannot be added there without moving them."),
        N_(
            "Tell the treasurer: its title must be on its first row and its header on the second (or the header first)."
        ),
    ),
    "entry.empty_entries_tab": Template(
        E,  # only ever on a phone's entry, which it stops (api.submit_entry)
        N_("The {name} tab is empty: sheetsync makes it, with its title and header, at the first entry."),
        N_("Tell the treasurer: delete that empty tab, then send again."),
    ),
    "entry.missing_column": Template(
        E,  # only ever on a phone's entry, which it stops (api.submit_entry)
        N_("The {name} tab has no column {column}, which this entry fills."),
        N_("Tell the treasurer: add a column headed {column} at the end of its header, then send again."),
    ),
    "entry.no_such_booking": Template(
        W,  # it cancels nothing and counts for nothing; a phone refuses it (api.submit_entry)
        N_("No booking of {member} at {value} to cancel."),
        N_(
            "Name in {column}, as TAB!ROW, a booking of {member} still counted (not another member's, nor one "
            "cancelled, deleted or moved since), or delete this line."
        ),
    ),
    "entry.cancellation_empty": Template(
        W,  # as entry.no_such_booking: it cancels nothing and counts for nothing
        N_("{column} is empty: this cancellation cancels nothing."),
        N_("Fill in {column}, or delete this line."),
    ),
    "vehicle.duplicate": Template(
        E,
        N_('"{value}" is already listed on row {other_row}.'),
        N_("Give each vehicle its own name."),
    ),
    "vehicle.shares": Template(
        E,
        N_("The owners' shares add up to {total} %, not 100 %."),
        N_('Write the owners as "Anne 50%, Bruno 50%", or one name.'),
    ),
    "vehicle.no_rate": Template(
        E,
        N_("Fixed-rate mode, but no rate per km for {vehicle}."),
        N_(
            "Fill in Rate per km for this vehicle, or rate_per_km in Settings. Its costs are shared at real cost meanwhile."
        ),
    ),
    "trip.odometer_backwards": Template(
        E,
        N_("Odometer end {end} is below odometer start {start}."),
        N_("Check both readings; they may have been swapped."),
    ),
    "trip.km_mismatch": Template(
        E,
        N_("Km says {km}, but the odometer says {end} − {start} = {diff}."),
        N_("Correct Km or one of the odometer readings, or leave Km empty."),
    ),
    "trip.gap": Template(
        W,
        N_(
            "{km} km not recorded: the previous reading of {vehicle} was {previous} km{where}, this trip starts at {start} km."
        ),
        N_("Add the missing trip, or correct the reading. Unrecorded km are shared by nobody."),
    ),
    "trip.overlap": Template(
        E,
        N_("This trip starts at {start} km, before the trip on row {other_row} ended ({previous} km)."),
        N_("One of the two readings is wrong: correct it."),
    ),
    "trip.other_vehicle": Template(
        E,
        N_(
            "This trip's readings ({start} → {end} km) follow on from {other}'s trip on row {other_row}, not from {vehicle}'s logbook."
        ),
        N_("If it was in {other}, correct its vehicle; if not, its readings."),
    ),
    "trip.misdated": Template(
        E,
        N_(
            "The odometer readings of this trip ({start} → {end} km) do not fit its date {day}: they come between the trips of {near}."
        ),
        N_("Check this row's date: it may be mistyped. Dates typed as text are read {order}."),
    ),
    "trip.outside_membership": Template(
        W,
        N_("{driver} drove on {day}, outside their membership ({span})."),
        N_("Check the date, the driver, or the Joined and Left dates in the Members tab."),
    ),
    "trip.in_progress": Template(
        I,
        N_("A trip still out: started at {start} km on {day}, no end reading yet. Not counted yet."),
        N_("Fill in the end reading when the car is back."),
    ),
    "trip.return_before_departure": Template(
        W,
        N_("The return ({end}) is before the departure ({start}): the trip is counted on its departure day."),
        N_("Correct the date or the time of the return."),
    ),
    "trip.implausible": Template(
        W,
        N_("{km} km in {days}: more than {limit} km a day."),
        N_("Check the odometer readings and the dates."),
    ),
    "expense.negative": Template(
        E,
        N_("The amount {value} is negative."),
        N_(
            "A refund lowers a shared cost (insurance, repair…), not a toll or a fine; money handed back between members goes in the Payments tab."
        ),
    ),
    "expense.several_categories": Template(
        E,
        N_('"{value}" names several categories ({categories}): its amount cannot be split without a guess.'),
        N_("Write one row per category, each with its own amount."),
    ),
    "expense.refund_category": Template(
        E,
        N_('The refund "{value}" does not say which cost it lowers.'),
        N_('Write the category after the word, e.g. "Remboursement assurance" or "refund repair".'),
    ),
    "expense.copied": Template(
        W,
        N_("This expense repeats {other} exactly; each copy is counted."),
        N_("If the row was copied by mistake, delete it; if both are real, add a note to one to tell them apart."),
    ),
    "payment.copied": Template(
        W,
        N_("This payment repeats {other} exactly; each copy is counted."),
        N_("If the row was copied by mistake, delete it; if both are real, add a note to one to tell them apart."),
    ),
    "expense.no_responsible": Template(
        E,
        N_("Who is responsible for this {category}?"),
        N_("Fill in Responsible: no single trip of {vehicle} on {day} says who drove."),
    ),
    "period.no_km": Template(
        W,
        N_("{vehicle} drove no km in {period}: its shared costs ({amount}) are charged to the owner."),
        N_("Record the trips of that period, if there were any."),
    ),
    "booking.end_before_start": Template(
        E,
        N_("The booking ends ({end}) before it starts ({start})."),
        N_("Check the dates and times; a booking past midnight ends the next day."),
    ),
    "booking.until_before_start": Template(
        E,
        N_("The last day of the repeat ({until}) is before the booking starts ({start})."),
        N_("Correct the last day, or the start; leave the last day empty for a repeat with no end."),
    ),
    "booking.repeat": Template(
        E,
        N_('"{value}" is not a repeat sheetsync knows.'),
        N_(
            "Use daily, weekly, every two weeks or monthly (quotidien, hebdomadaire, toutes les deux semaines, mensuel)."
        ),
    ),
    "booking.no_trip": Template(
        W,
        N_("{member}'s booking of {vehicle} ({when}) has no trip in the logbook."),
        N_("Record the trip (odometer at departure and return), or delete the booking if the car was not used."),
    ),
    "trip.unbooked": Template(
        I,
        N_("No booking covers this trip of {vehicle} on {day}."),
        N_("Book the car in the Bookings tab before taking it, so nobody else counts on it."),
    ),
    "trip.outside_booking": Template(
        I,
        N_("{driver} drove {vehicle} on {day}, when it was booked by {others}."),
        N_("Check who drove; a fine must reach the right driver."),
    ),
    "booking.conflict": Template(
        W,
        N_("{vehicle} is also booked by {other} on row {other_row} ({when})."),
        N_("{verdict}"),
    ),
    "payment.self": Template(
        E,
        N_("{value} pays themself."),
        N_("From and To must be two different members."),
    ),
    "payment.negative": Template(
        E,
        N_("The amount {value} is negative."),
        N_("Swap From and To and type the amount without a minus sign."),
    ),
    "settings.unknown_key": Template(
        W,
        N_('"{value}" is not a setting sheetsync knows; it is ignored.'),
        N_("{suggestion}See the settings in the README."),
    ),
    "settings.bad_value": Template(
        E,
        N_('"{value}" is not a valid value for {key}; the default ({default}) is used.'),
        N_("Use one of: {choices}."),
    ),
    "row.summary": Template(
        I,
        N_("A total line: skipped."),
        N_("sheetsync computes totals itself; this row is not counted."),
    ),
    "row.hidden": Template(
        I,
        N_("A hidden row: counted."),
        N_("To leave hidden rows out, add the setting hidden_rows = skip."),
    ),
    "row.hidden_skipped": Template(
        I,
        N_("A hidden row: skipped (Settings hidden_rows = skip)."),
        N_("Unhide the row, or delete it if it is not used."),
    ),
    "row.table_total": Template(
        I,
        N_("The totals row of the table {table}: skipped."),
        N_("sheetsync computes totals itself; this row is not counted."),
    ),
    "row.sum": Template(
        I,
        N_("A row of sums of the rows above: skipped."),
        N_("sheetsync computes totals itself; this row is not counted."),
    ),
    "row.heading": Template(
        I,
        N_('A heading row ("{value}"): skipped.'),
        N_("Headings between rows are fine; this row is not counted."),
    ),
    "column.duplicate": Template(
        W,
        N_('Two columns mean the same: "{used}" is read, "{value}" (further right) is ignored.'),
        N_(
            "Rename or delete one of them; to read the other one instead, add column.{tab_id}.{field} = {value} to Settings."
        ),
    ),
    "column.same_header": Template(
        W,
        N_('Two columns are named "{used}": the first is read, the one further right is ignored.'),
        N_("Rename or delete one of them."),
    ),
    "column.duplicate_money": Template(
        E,  # the amounts typed in it are not counted: every balance and amount asked may be wrong
        N_(
            'Two columns mean the same: "{used}" is read, "{value}" (further right) is ignored, and the amounts '
            "typed in it, {amount} in all, are left out of the figures."
        ),
        N_('Move those amounts into "{used}", then delete the other column.'),
    ),
    "column.unread_money": Template(
        E,  # the expenses typed in it are in no figure, as a second money column's: notices wait
        N_(
            "sheetsync reads no column of this name: the amounts typed in it, {amount} in all, are in none of the figures."
        ),
        N_(
            "To share these costs, enter each as an expense in {expenses}. If each driver bears their own, take "
            "the currency out of the header."
        ),
    ),
    "tab.duplicate": Template(
        W,
        N_('The tabs "{used}" and "{value}" are read as the same tab: "{used}" is used, "{value}" is ignored.'),
        N_("Move the rows of one into the other and delete it, or rename the one that is not for sheetsync."),
    ),
    "fuel.over_tank": Template(
        W,
        N_("{litres} L is more than the tank of {vehicle} holds ({tank} L)."),
        N_("Check the litres on the receipt, or the tank size in the Vehicles tab."),
    ),
    "fuel.consumption": Template(
        W,
        N_(
            "{l_per_100km} l/100 km since the last full tank ({litres} L over {km} km): outside the usual {low} to {high} l/100 km."
        ),
        N_(
            "Check this fill and the ones before: a fill left out, or a partial one not marked no in Full tank? The band is set in Settings (consumption_min, consumption_max)."
        ),
    ),
    "fuel.price": Template(
        W,
        N_("{price} per litre, far from the {median} per litre usual for {vehicle}."),
        N_("Check the amount and the litres against the receipt: a misplaced decimal comma (72.4 typed 7.24)?"),
    ),
    "settlement.greedy": Template(
        I,
        N_(
            "{count} members have a balance: settlements use the quick method, which may take a few more transfers than the fewest possible."
        ),
        N_("Settle more often, or use settlement = hub."),
    ),
}


# errors that change no amount: a member's bank details (the member still counts, without a
# scan-to-pay code); the bookings' errors change none either (Report.amounts_in_doubt)
CHANGE_NO_AMOUNT = frozenset({"member.iban", "member.bic"})


def problem(code: str, lang: str, tab: str, row: int | None, column: str | None, **params: object) -> Problem:
    """A Problem for `code`, its message and hint rendered in `lang` from `params`."""
    template = PROBLEMS[code]
    params.setdefault("column", column or "")
    params.setdefault("suggestion", "")
    if params["suggestion"] and not str(params["suggestion"]).endswith(" "):
        params["suggestion"] = t(lang, "Did you mean {suggestion}? ", suggestion=params["suggestion"])
    return Problem(
        template.severity, code, tab, row, column, t(lang, template.message, **params), t(lang, template.hint, **params)
    )
