#!/usr/bin/env python3
"""The command line for the three uses; see rendering/cli/main.py, or run `python render.py --help`
and `python render.py figures --help` for every option."""

from rendering.cli.main import run

if __name__ == "__main__":
    run()
