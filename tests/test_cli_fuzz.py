"""Fuzz tier: every CLI command, found in the Typer app so a new command is covered too, driven
with hostile strings, bytes-as-text, escape sequences and markup as its arguments. Whatever comes
in, a command exits 0, 1 or 2 without a traceback, prints no terminal control, and a refused
input (exit 2) leaves the library as it was. Bounded: a fixed number of examples, no deadline."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from learnplat.cli import app
from tests.test_game import NOTES
from tests.test_terminal_safety import CLEAR, MARKUP, OSC8, OSC52, UNSAFE

EXAMPLES_PER_COMMAND = 10  # 250 runs in all (25 commands): 25-45 s on two cores
# The full-screen app has its own Pilot tests; --play would sound through the speakers, and
# --provider/--data-dir would reach a network service or a folder outside the test's.
SKIPPED_COMMANDS = {("tui",)}
SKIPPED_OPTIONS = {"play", "provider", "data_dir"}
PIECES = [
    OSC52, OSC8, CLEAR, MARKUP, "\x1bc", "\x9b2J", "\x9d0;title\x9c", "\u202eevil\u202c",
    "\u2066x\u2069", "\x00", "\x07", "\r", "\x7f", "[/x]", "[link=http://evil.example/]C[/link]",
    ":b:", "a:b:c", "[bold red]x[/]", "\\", "%s{0}", "-", "--", "-x", "", " ", "\t", "\n",
    "\ud800", os.fsdecode(b"\xff\xfe"), "photosynthesis", "1", "0", "-1", "99999999999999999999",
    "x" * 3000,
]
MARKUPS = ["[/x]", "[/]", "[bold]", "[link=http://evil.example/]C[/link]", ":b:", "a:b:c", "\\["]
hostile_text = st.one_of(
    st.sampled_from(PIECES),
    st.sampled_from(MARKUPS),
    st.lists(st.sampled_from(PIECES), min_size=2, max_size=4).map("".join),
    st.text(max_size=30),
    st.binary(max_size=20).map(os.fsdecode),  # bytes that are not UTF-8, as argv carries them
)


@dataclass
class Command:
    path: tuple[str, ...]
    params: list[Any] = field(default_factory=list)  # Typer's parameters (its own click)


def commands() -> list[Command]:
    """Every leaf command of the CLI, from the Typer app itself."""
    found: list[Command] = []

    def walk(group: Any, path: tuple[str, ...]) -> None:
        for name, command in sorted(group.commands.items()):
            if hasattr(command, "commands"):
                walk(command, (*path, name))
            elif (*path, name) not in SKIPPED_COMMANDS:
                found.append(Command((*path, name), list(command.params)))

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = commands()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """One world for every command of the module (building it takes seconds)."""
    root = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEARNPLAT_HOME", str(root / "home"))
        patch.setenv("LEARNPLAT_SEMANTIC_GRADING", "off")
        yield build_world(root)


@pytest.fixture
def world(built: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The shared world, as home and working dir of this test."""
    monkeypatch.chdir(built["root"])  # type: ignore[arg-type]
    monkeypatch.setenv("LEARNPLAT_HOME", str(built["home"]))
    monkeypatch.setenv("LEARNPLAT_SEMANTIC_GRADING", "off")  # the meaning tier is not the target
    monkeypatch.setenv("COLUMNS", "100")
    return built


def build_world(tmp_path: Path) -> dict[str, object]:
    """A library with notes, someone else's hostile explanation and an imported hostile deck;
    files good and bad to pass as paths."""
    runner = CliRunner()
    files = tmp_path / "files"
    files.mkdir()
    notes = files / "notes.md"
    notes.write_text(NOTES, encoding="utf-8")
    hostile_notes = files / "hostile.md"
    hostile_notes.write_text(f"# {MARKUP} {OSC8}\n\n{OSC52}{NOTES}\n{CLEAR}", encoding="utf-8")
    deck = files / "deck.csv"
    deck.write_text(
        f"front,back\n{MARKUP},{OSC52}one\nb{CLEAR},two\nc {OSC8},three\nd,=4+4\n",
        encoding="utf-8",
    )
    batch = files / "batch.jsonl"
    batch.write_text(
        '{"id": 1, "reference": "Plants make sugar from light.", "answer": "Sugar from light"}\n'
        f'{{"id": "{MARKUP}", "reference": "a b c", "answer": "\\u001b]52;c;eA==\\u0007 b"}}\n',
        encoding="utf-8",
    )
    odd_name = files / os.fsdecode(b"odd\xff" + OSC52.encode() + b".txt")
    odd_name.write_text("Mitochondria make ATP.\n", encoding="utf-8")
    empty = files / "empty.txt"
    empty.write_text("")
    paths = [notes, hostile_notes, deck, batch, odd_name, empty, files, files / "missing.pdf",
             tmp_path / "out.md", tmp_path / "out.csv", tmp_path / "out.apkg", tmp_path / "out.wav"]
    setup = [
        ("--user", "ana", "ingest", notes),
        ("--user", "bo", "teach", "photosynthesis", "--text", f"{MARKUP} {OSC52} Plants "
         "turn light, water and carbon dioxide into sugar and oxygen."),
        ("--user", "ana", "cards", "import", deck),
        ("--user", "ana", "challenge", "next", "--doc", "1"),
    ]
    for args in setup:
        done = runner.invoke(app, [str(a) for a in args])
        assert done.exit_code == 0, done.output
    home = Path(os.environ["LEARNPLAT_HOME"])
    return {"runner": runner, "paths": paths, "root": tmp_path, "home": home,
            "db": home / "learnplat.db"}


def value_for(param: Any, draw: st.DrawFn, paths: list[Path]) -> list[str]:
    """Strings for one parameter: mostly hostile, sometimes well-formed."""
    kind = param.type.name  # "path", "int", "str", "boolean"
    if kind == "path":
        strategy = st.one_of(
            st.sampled_from([str(p) for p in paths]),
            hostile_text.map(lambda s: s.replace("/", "_").replace("..", "_")[:80] or "x"),
        )
    elif kind == "int":
        strategy = st.one_of(
            st.integers(-2, 4).map(str), st.sampled_from(["99999999999999999999", str(2**63)]),
            hostile_text,
        )
    else:
        strategy = hostile_text
    count = draw(st.integers(1, 2)) if param.multiple or param.nargs == -1 else 1
    return [draw(strategy) for _ in range(count)]


def arguments(command: Command, draw: st.DrawFn, paths: list[Path]) -> list[str]:
    args: list[str] = []
    for param in command.params:
        if param.name in SKIPPED_OPTIONS:
            continue
        if param.param_type_name == "argument":
            if param.required or draw(st.booleans()):
                args += value_for(param, draw, paths)
        elif param.is_flag:
            if draw(st.booleans()):
                args.append(param.opts[0])
        elif draw(st.booleans()):
            for value in value_for(param, draw, paths):
                args += [param.opts[0], value]
    if draw(st.integers(0, 9)) == 0:  # now and then an argument nobody asked for
        args.append(draw(hostile_text))
    return args


def test_every_command_enumerated_from_the_app() -> None:
    names = {" ".join(command.path) for command in COMMANDS}
    for expected in ("ingest", "search", "teach", "grade", "community", "upvote", "learn",
                     "challenge next", "challenge answer", "cards import", "play", "docs show"):
        assert expected in names


def run_hostile(world: dict[str, object], command: Command, draw: st.DrawFn) -> Outcome:
    """Run ``command`` once with hostile arguments drawn by ``draw``, as a random profile."""
    runner: CliRunner = world["runner"]  # type: ignore[assignment]
    paths: list[Path] = world["paths"]  # type: ignore[assignment]
    user = draw(st.sampled_from(["ana", "ana", "ana", "bo", OSC52]))
    args = ["--user", user, *command.path, *arguments(command, draw, paths)]
    # One connection across the call: data_version moves only when another connection commits.
    conn = sqlite3.connect(world["db"])  # type: ignore[arg-type]
    try:
        before = conn.execute("PRAGMA data_version").fetchone()[0]
        result = runner.invoke(app, args, input="")
        after = conn.execute("PRAGMA data_version").fetchone()[0]
    finally:
        conn.close()
    crash = result.exception if not isinstance(result.exception, SystemExit) else None
    return Outcome(args, result.exit_code, crash, result.stdout, result.stderr, before != after)


@dataclass
class Outcome:
    """One run: what was typed, and what came of it."""

    args: list[str]
    exit_code: int
    crash: BaseException | None  # an exception that escaped the CLI: a traceback
    stdout: str
    stderr: str
    library_changed: bool

    def problems(self) -> list[str]:
        """Each kind of thing wrong with the run ("unexpected error" is a bug the CLI caught)."""
        printed = self.stdout + self.stderr
        found = []
        if self.crash is not None or "Traceback" in printed:
            found.append("traceback")
        if self.exit_code not in (0, 1, 2):
            found.append("exit code")
        if UNSAFE.search(printed):
            found.append("control printed")
        if self.exit_code == 2 and self.library_changed:
            found.append("refused input changed the library")
        if "unexpected error" in self.stderr:
            found.append("unexpected error")
        return found


# Reported by bench/fuzz_census.py but not failed on here: huge ids and the like are issue 11 §3.
NOT_FAILED = {"unexpected error"}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command.path))
@settings(
    max_examples=EXAMPLES_PER_COMMAND,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
@given(data=st.data())
def test_hostile_arguments_never_crash_print_controls_or_change_the_library(
    world: dict[str, object], command: Command, data: st.DataObject
) -> None:
    outcome = run_hostile(world, command, data.draw)
    failures = [kind for kind in outcome.problems() if kind not in NOT_FAILED]
    shown = f"{outcome.args!r} exited {outcome.exit_code}:\n{outcome.stderr[-600:]}"
    if outcome.crash is not None:
        raise AssertionError(f"traceback from {shown}") from outcome.crash
    assert not failures, f"{', '.join(failures)}: {shown}\n{outcome.stdout[-600:]}"
