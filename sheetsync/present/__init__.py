"""What people read: the generated tabs, the terminal's tables, JSON and CSV, formats in the group's language."""
