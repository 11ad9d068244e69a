"""The options of each command, from the command line and a TOML file, admitted once.

What belongs here: building each command's argparse parser from the options its exporter declares (plus the
shared inputs, look and output ones), reading a ``--config`` TOML file, and merging the three layers (defaults,
the file, the command line) into one dict of typed values, every value through ``Option.admit``. Python callers
give a dict to ``admitted`` and get the same checks.
"""

from __future__ import annotations

import argparse
import os
import stat
import tomllib
from collections.abc import Mapping
from typing import Any

from rendering.errors import UserError
from rendering.exporters import EXPORTERS, Exporter
from rendering.option import COMMAND_LINE, INPUTS, LOOK, OUTPUT, PYTHON, Option

DEFAULT_COMMAND = "video"
CONFIG_LIMIT = 1 << 20  # bytes; a file of options is a few hundred, so anything larger is a wrong path


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, as for every other user error
        raise UserError(f"{message} (see --help)")


def options_of(exporter: type[Exporter]) -> tuple[Option, ...]:
    """Every option of ``exporter``'s command: its own first, then the inputs, the look and the output."""
    return (*exporter.options, *INPUTS, *LOOK, *OUTPUT)


def parser_of(command: str) -> argparse.ArgumentParser:
    exporter = EXPORTERS[command]
    prog = "render.py" if command == DEFAULT_COMMAND else f"render.py {command}"
    others = ", ".join(f"`render.py {name}`" for name in EXPORTERS if name != DEFAULT_COMMAND)
    description = f"{exporter.summary[0].upper()}{exporter.summary[1:]}."
    if command == DEFAULT_COMMAND:
        description += f" Other outputs: {others} (each has its own --help)."
    parser = _Parser(prog=prog, description=description, argument_default=argparse.SUPPRESS)
    groups = {
        "own": parser,
        "inputs": parser.add_argument_group("inputs"),
        "look": parser.add_argument_group("look"),
        "output": parser.add_argument_group("output"),
    }
    sentence_or_tokens = groups["inputs"].add_mutually_exclusive_group()
    for group, options in (("own", exporter.options), ("inputs", INPUTS), ("look", LOOK), ("output", OUTPUT)):
        for option in options:
            target = sentence_or_tokens if option.name in ("sentence", "tokens") else groups[group]
            _add(target, option)
    return parser


def _add(parser, option: Option) -> None:
    shown = f"{option.help}"
    if option.positional:
        parser.add_argument(option.dest, nargs="*", metavar="SCENE", help=shown)
        return
    names = [option.flag] + ([option.short] if option.short else [])
    metavar = option.metavar or ("{" + ",".join(option.choices) + "}" if option.choices else None)
    if option.kind == "flag":
        parser.add_argument(*names, dest=option.dest, action="store_const", const=True, help=shown)
    elif option.kind == "list":
        parser.add_argument(*names, dest=option.dest, nargs="+", metavar=metavar or "VALUE", help=shown)
    else:
        parser.add_argument(*names, dest=option.dest, metavar=metavar, help=shown)


def command_of(argv: list[str]) -> tuple[str, list[str]]:
    """The command an argument list names (its first word, if a command's) and the rest."""
    if argv[:1] and argv[0] in EXPORTERS and argv[0] != DEFAULT_COMMAND:
        return argv[0], argv[1:]
    return DEFAULT_COMMAND, argv


def parse(argv: list[str]) -> tuple[str, dict[str, Any]]:
    """(command, options by dest): the defaults, under the --config file's values, under the command line's;
    every value admitted by its option."""
    command, rest = command_of(argv)
    given = vars(parser_of(command).parse_args(rest))
    if given.get("scenes") == []:
        del given["scenes"]  # nargs="*" gives [] when no scene is named: not a value the user set
    config = given.pop("config", None)
    layers: list[tuple[Mapping[str, Any], str]] = []
    if config is not None:
        config = _admit_config_path(config)
        layers.append((read_config(config, command), config))
    layers.append((given, COMMAND_LINE))
    return command, merged(command, layers)


def admitted(command: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The options Python code gives (by dest, e.g. ``deck_name``), admitted as the command line's are."""
    if command not in EXPORTERS:
        raise UserError(f"unknown command {command!r}; commands: {', '.join(EXPORTERS)}")
    known = {option.dest for option in options_of(EXPORTERS[command]) if not option.command_line_only}
    unknown = sorted(set(values) - known)
    if unknown:
        raise UserError(f"unknown option {unknown[0]!r} for {command}; known: {', '.join(sorted(known))}")
    return merged(command, [(values, PYTHON)])


def merged(command: str, layers: list[tuple[Mapping[str, Any], str]]) -> dict[str, Any]:
    options = options_of(EXPORTERS[command])
    values = {option.dest: option.default for option in options}
    for layer, where in layers:
        for option in options:
            if option.dest in layer:
                values[option.dest] = option.admit(layer[option.dest], where)
    if values.get("sentence") is not None and values.get("tokens") is not None:
        raise UserError("give --sentence or --tokens, not both")
    return values


def _admit_config_path(path: str) -> str:
    return Option("config", "str", None, "").admit(path, COMMAND_LINE)


def _not_a_file(mode: int) -> str | None:
    """Why a file of this mode is no config (None: a regular file): reading a FIFO waits for a writer, a
    device such as /dev/zero never ends."""
    if stat.S_ISREG(mode):
        return None
    return "is a folder" if stat.S_ISDIR(mode) else "is not a regular file (a FIFO, a device or a socket)"


def _config_bytes(path: str) -> bytes:
    """The bytes of the config file at ``path``: a regular file of at most CONFIG_LIMIT bytes, read without
    ever blocking (checked before it is opened, and again once open, in case it was swapped meanwhile)."""
    try:
        problem = _not_a_file(os.stat(path).st_mode)
        if problem is None:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
            with os.fdopen(fd, "rb") as fh:
                problem = _not_a_file(os.fstat(fd).st_mode)
                data = b"" if problem else fh.read(CONFIG_LIMIT + 1)
    except OSError as exc:
        raise UserError(f"cannot read --config {path}: {exc.strerror}") from None
    if problem:
        raise UserError(f"--config {path} {problem}; give a TOML file")
    if len(data) > CONFIG_LIMIT:
        raise UserError(f"--config {path} is larger than {CONFIG_LIMIT // 1024} KiB; a config is a short TOML file")
    return data


def read_config(path: str, command: str) -> dict[str, Any]:
    """A TOML file's options by dest; an unreadable or unknown file, key or value: UserError naming the file."""
    try:
        data = tomllib.loads(_config_bytes(path).decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"--config {path} is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"--config {path} is not valid TOML: {exc}") from None
    by_name = {option.name: option for option in options_of(EXPORTERS[command]) if not option.command_line_only}
    values = {}
    for key, value in data.items():
        option = by_name.get(key.replace("_", "-"))
        if option is None:
            raise UserError(f"--config {path}: unknown option {key!r} for {command}")
        values[option.dest] = value
    return values
