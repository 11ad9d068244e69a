"""The command line: options declared once and admitted once, then handed to the exporters.

What belongs here: parsing the command line and TOML files (``options``), the one admission check of a request
(``admission``), checks of the file system before work starts (``checks``), and the entry points (``main``).
"""

from rendering.cli.main import main, run

__all__ = ["main", "run"]
