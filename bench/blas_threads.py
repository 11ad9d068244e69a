"""The BLAS thread settings the model benchmarks compare, shared: the option, and a child's environment for one."""

from __future__ import annotations

import argparse
import os


def blas_setting(value: str) -> str:
    if value != "inherit" and not (value.isdigit() and int(value) > 0):
        raise argparse.ArgumentTypeError(f"expected 'inherit' or a positive thread count, got {value!r}")
    return value


def add_blas_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--blas-threads",
        nargs="+",
        type=blas_setting,
        default=["inherit", "1"],
        metavar="N",
        help="BLAS thread settings to compare: 'inherit' (the environment as it is) or a count, set "
        "as OPENBLAS_NUM_THREADS and OMP_NUM_THREADS in the child (default: inherit 1)",
    )


def environment(setting: str) -> dict[str, str]:
    """This process's environment for a child, with the BLAS threads ``setting`` asks for."""
    env = dict(os.environ)
    if setting != "inherit":
        env.update(OPENBLAS_NUM_THREADS=setting, OMP_NUM_THREADS=setting)
    return env
