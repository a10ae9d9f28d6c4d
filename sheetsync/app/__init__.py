"""The application edge: the command line, the signed HTTP service, fleet runs and the menu's Apps Script."""
