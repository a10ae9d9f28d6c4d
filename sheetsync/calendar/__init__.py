"""The bookings calendar: repeats, clashes, the logbook against the calendar, who drove, the ICS feed."""
