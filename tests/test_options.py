"""Every option, from the command line and from a --config TOML file, admitted by the same check: a hostile value
is refused in one line naming the option (and the file), exit 2, nothing written, never a traceback."""

from __future__ import annotations

import pytest

from rendering.cli.main import main
from rendering.cli.options import options_of
from rendering.errors import UserError
from rendering.exporters import EXPORTERS
from rendering.option import Option

CONTROL = "a\u0007b"


def hostile(option: Option) -> list[tuple[object, str | None]]:
    """(TOML value, the same value as command-line text, or None where the command line cannot say it)."""
    cases: list[tuple[object, str | None]] = []
    if option.kind == "int":
        cases += [("seven", "seven"), (2.5, "2.5"), (10**30, str(10**30)), (-(10**30), str(-(10**30)))]
        if option.low is not None:
            cases.append((option.low - 1, str(option.low - 1)))
        if option.high is not None:
            cases.append((option.high + 1, str(option.high + 1)))
    elif option.kind == "flag":
        cases += [("no", "no"), (1, "1")]
    elif option.kind == "str":
        cases += [(5, None), ([], None), ("", ""), (CONTROL, CONTROL), ("x" * 300, "x" * 300)]
        if option.choices:
            cases.append(("bogus", "bogus"))
    elif option.kind == "list":
        cases += [("a b", None), ([1, 2], None), ([CONTROL], CONTROL)]
        if option.choices:
            cases.append((["bogus"], "bogus"))
    elif option.kind == "size":
        cases += [("12,x", "12,x"), ([1280], None), ("15,720", "15,720"), (True, None)]
    return cases


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04X}" for c in value) + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return repr(value)


ACCEPTED = {  # values that are fine for these options (a long sentence is drawn, shortened on screen)
    ("sentence", repr("x" * 300)),
    ("out", repr("x" * 300)),
}
CASES = [
    (command, option, toml, text)
    for command, exporter in EXPORTERS.items()
    for option in options_of(exporter)
    if not option.command_line_only and not option.positional and option.name not in ("dry-run",)
    for toml, text in hostile(option)
    if (option.name, repr(toml)) not in ACCEPTED
]


def refused(capsys, argv, out) -> str:
    code = main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2, f"{argv[:4]}: exit {code}, stderr {err}"
    assert len(err) == 1 and err[0].startswith("render.py: "), err
    assert "Traceback" not in err[0]
    assert not out.exists(), f"{argv[:4]} wrote {list(out.rglob('*'))}"
    return err[0]


@pytest.mark.parametrize(
    ("command", "option", "toml", "text"),
    CASES,
    ids=[f"{c}-{o.name}-{n}" for n, (c, o, _, _) in enumerate(CASES)],
)
def test_a_hostile_value_is_refused_alike_from_the_command_line_and_a_file(
    capsys, tmp_path, command, option, toml, text
):
    prefix = [] if command == "video" else [command]
    out = tmp_path / "out"
    base = [*prefix, "--out", str(out), "--dry-run"] if option.name != "out" else [*prefix, "--dry-run"]
    if option.name == "out":
        out = tmp_path / "never"
    config = tmp_path / "options.toml"
    config.write_text(f"{option.name} = {toml_value(toml)}\n", encoding="utf-8")
    from_file = refused(capsys, [*base, "--config", str(config)], out)
    try:
        option.admit(toml, str(config))
    except UserError:  # refused by the option's own check: the line names the file and the key
        assert str(config) in from_file and option.name in from_file, from_file
    if text is not None:
        flag = [f"--{option.name}={text}"] if option.kind == "flag" else [f"--{option.name}", text]
        refused(capsys, [*base, *flag], out)


@pytest.mark.parametrize(
    "document",
    [b"\xff\xfed = 3\n", b"d = \n", b"[d]\nx = 1\n", b"unknown_key = 1\n", b'sentence = "a\\u0000b"\n'],
    ids=["not-utf8", "no-value", "a-table", "unknown-key", "nul"],
)
def test_a_broken_config_file_is_one_line(capsys, tmp_path, document):
    config = tmp_path / "bad.toml"
    config.write_bytes(document)
    line = refused(capsys, ["--config", str(config), "--out", str(tmp_path / "out"), "--dry-run"], tmp_path / "out")
    assert str(config) in line


def test_python_callers_get_the_same_check():
    from rendering.cli.options import admitted

    assert admitted("figures", {"width": 800})["width"] == 800
    with pytest.raises(UserError, match="width must be 16 to 16384"):
        admitted("figures", {"width": 3})
    with pytest.raises(UserError, match="transparent is a switch"):
        admitted("video", {"transparent": "no"})
    with pytest.raises(UserError, match="unknown option"):
        admitted("deck", {"widht": 3})
