"""Reading the group's tabs: cells as people type them, tabs and headers however named, rows into records."""
