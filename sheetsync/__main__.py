"""`python -m sheetsync` runs the command line."""

from sheetsync.app.cli import main

main()
