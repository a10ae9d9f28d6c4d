"""`python -m sheetsync` runs the command line, as the `sheetsync` console script does."""

from sheetsync.app.console import main

main()
