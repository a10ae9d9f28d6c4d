"""The `sheetsync` console script (and `python -m sheetsync`): the command line, its modules
imported with the collector paused.

Importing the command makes a few hundred thousand objects that live until the process ends
(modules, classes, functions, the dataclasses' generated methods, the catalogues). The cyclic
collector's passes while they are made find nothing to free and cost about 5 ms of a small
sync, a twentieth of it. So the imports run with the collector off; what they made is then
frozen (later passes skip it) and the collector runs as usual for the command's own work.
"""

from __future__ import annotations

import gc


def command_line():
    """The command line's module (sheetsync.app.cli), imported with the collector paused."""
    gc.disable()
    try:
        from sheetsync.app import cli
    finally:
        gc.freeze()
        gc.enable()
    return cli


def main() -> None:
    """Import the command line with the collector paused, then run it."""
    command_line().main()
