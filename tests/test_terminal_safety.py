"""Text from other people and from files never reaches a terminal raw: terminal controls are
removed where text enters the store and again where it is printed, markup and emoji codes print
literally, and exports stay inert in browsers and spreadsheets."""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnplat.cli import app
from learnplat.domain.model import Lesson, Section, Statement
from learnplat.services.export import export_lesson
from tests.test_game import NOTES

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # writes "rm -rf ~" to the clipboard
OSC8 = "\x1b]8;;http://evil.example/\x1b\\click me\x1b]8;;\x1b\\"  # a hidden hyperlink
CLEAR = "\x1b[2J\x1b[H"
MARKUP = "[/x] [link=http://evil.example/]Click[/link] a:b:c [bold]"
HOSTILE = (
    f"{MARKUP} Photosynthesis is how plants make food {OSC52}from light. Chlorophyll in the "
    f"leaves {OSC8} absorbs sunlight {CLEAR}and the plant turns carbon dioxide and water into "
    "glucose\u202e and oxygen\x9b2J is released\x07 into the air\x00 we breathe.\r\nThe end."
)
# What no printed byte may be: C0 controls but newline and tab, DEL, C1, bidi overrides/isolates.
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_terminal_safe(text: str) -> None:
    found = UNSAFE.search(text)
    assert found is None, f"{found.group()!r} printed in {text[: found.start() + 40]!r}"
    assert "Traceback" not in text


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: object, user: str = "ana", input: str | None = None):
        result = runner.invoke(app, ["--user", user, *(str(a) for a in args)], input=input)
        assert_terminal_safe(result.stdout)
        assert_terminal_safe(result.stderr)
        return result

    return invoke


def database(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "learnplat.db")


def test_a_hostile_explanation_reaches_another_user_as_plain_text(run, isolated_home: Path) -> None:
    taught = run("teach", "photosynthesis", "--text", HOSTILE, "--json", user="bo")
    assert taught.exit_code == 0, taught.output
    stored = database(isolated_home).execute("SELECT transcript FROM explanations").fetchone()[0]
    assert UNSAFE.search(stored) is None  # cleaned on the way in...
    assert "from light" in stored and "The end." in stored and "rm -rf" not in stored
    assert MARKUP in stored  # ...and nothing a reader could see was lost

    feed = run("community")
    assert feed.exit_code == 0, feed.output
    assert "[/x]" in feed.stdout and "a:b:c" in feed.stdout
    assert "[link=http://evil.example/]Click[/link]" in feed.stdout
    as_json = run("community", "--json")
    assert json.loads(as_json.stdout)[0]["excerpt"].startswith(MARKUP)


def test_text_stored_before_cleaning_is_cleaned_on_the_way_out(run, isolated_home: Path) -> None:
    assert run("teach", "photosynthesis", "--text", "Plants make sugar from light.", user="bo")
    with database(isolated_home) as conn:
        conn.execute("UPDATE explanations SET transcript = ?, topic = ?", (HOSTILE, OSC52 + "x"))
    feed = run("community")  # run() fails on any unsafe byte in stdout or stderr
    assert feed.exit_code == 0 and "from light" in feed.stdout and "[/x]" in feed.stdout
    as_json = run("community", "--json")  # the JSON still carries the text, escaped as JSON
    item = json.loads(as_json.stdout)[0]
    assert item["topic"] == OSC52 + "x" and OSC52 in item["excerpt"]


def test_imported_cards_are_cleaned_and_served_literally(
    run, tmp_path: Path, isolated_home: Path
) -> None:
    deck = tmp_path / f"deck{CLEAR}.csv"
    deck.write_text(
        "front,back\n"
        f"[bold]{OSC52}el perro[/bold],the dog{CLEAR}\n"
        f"el gato a:b:c,[/x] the cat\n"
        f"la casa {OSC8},the house\u202e\n"
        "el libro,the book\n",
        encoding="utf-8",
    )
    imported = run("cards", "import", deck)
    assert imported.exit_code == 0, imported.output
    rows = database(isolated_home).execute(
        "SELECT question, correct_answer, options, explanation, title FROM challenges"
        " WHERE source = 'cards'"
    ).fetchall()
    assert len(rows) == 4
    assert all(UNSAFE.search(field) is None for row in rows for field in row)
    shown = set()
    for _ in range(8):
        served = run("challenge", "next", "--category", "cards")
        assert served.exit_code == 0, served.output
        shown.add(served.stdout)
    printed = "".join(shown)
    assert "[bold]el perro[/bold]" in printed or "[/x] the cat" in printed


def test_markup_in_a_query_or_a_title_prints_literally(run, tmp_path: Path) -> None:
    searched = run("search", "[/x]")
    assert searched.exit_code == 0 and "[/x]" in searched.stderr
    notes = tmp_path / "markup.md"
    notes.write_text(NOTES.replace("# Plate tectonics", "# Markup [/x] a:b:c"), encoding="utf-8")
    assert run("ingest", notes).exit_code == 0
    served = run("challenge", "next", "--doc", "1")
    assert served.exit_code == 0, served.output
    as_json = run("challenge", "next", "--doc", "1", "--json")
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout)["question_set"]["title"] == "Markup [/x] a:b:c"
    listed = run("docs", "list")
    assert "Markup [/x] a:b:c" in listed.stdout


def test_a_title_never_becomes_a_live_hyperlink_in_an_error(run, tmp_path: Path) -> None:
    notes = tmp_path / "link.md"
    notes.write_text("# [link=http://evil.example/]Click[/link]\n\n" + NOTES, encoding="utf-8")
    assert run("ingest", notes).exit_code == 0
    missing = run("docs", "show", "1", "--page", "99")
    assert missing.exit_code == 2
    assert "[link=http://evil.example/]Click[/link] has no text" in missing.stderr
    # On a colour terminal too: styles are allowed, hyperlinks (OSC 8) are not.
    env = {**os.environ, "FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "200"}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    coloured = subprocess.run(
        [sys.executable, "-m", "learnplat", "--user", "ana", "docs", "show", "1", "-p", "99"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )
    assert coloured.returncode == 2
    assert "\x1b[" in coloured.stderr  # it really was styled
    assert "\x1b]" not in coloured.stderr and "Traceback" not in coloured.stderr
    assert "[link=http://evil.example/]Click[/link]" in coloured.stderr


def test_file_names_and_titles_are_cleaned_on_ingest(run, tmp_path: Path) -> None:
    notes = tmp_path / f"notes{OSC52}{CLEAR}\u202e.txt"  # any byte but "/" can name a file
    notes.write_text("Mitochondria make ATP from glucose.\n\u202eReversed text here.\n")
    added = run("ingest", notes, "--json")
    assert added.exit_code == 0, added.output
    document = json.loads(run("docs", "list", "--json").stdout)[0]
    assert UNSAFE.search(document["title"] + document["filename"]) is None
    assert document["filename"].startswith("notes") and document["filename"].endswith(".txt")
    assert run("docs", "list").exit_code == 0
    assert run("docs", "show", "1").exit_code == 0


def test_markdown_export_escapes_raw_html_and_script_links(tmp_path: Path) -> None:
    statements = (
        Statement("Cells <script>alert(1)</script> divide."),
        Statement('See <img src=x onerror="alert(1)"> the figure.'),
        Statement("Read [the guide](javascript:alert(1)) and <javascript:alert(2)>."),
        Statement("Keep 3 < 4 and a > b."),
    )
    lesson = Lesson(
        topic="cells",
        level="beginner",
        format="chat",
        title="Cells <b onmouseover=alert(3)>",
        sections=[Section("Division", (statements,))],
        key_terms=[],
    )
    path = export_lesson(lesson, tmp_path / "cells.md")
    text = path.read_text(encoding="utf-8")
    for live in ("<script", "<img", "<b ", "](javascript:", "<javascript:"):
        assert live not in text
    assert "alert(1)" in text and "3 &lt; 4" in text and "# Cells" in text  # shown, not run


def test_csv_export_neutralises_formula_cells(run, tmp_path: Path) -> None:
    deck = tmp_path / "formulas.csv"
    deck.write_text(
        "front,back\n"
        '"=HYPERLINK(""http://evil.example"",""x"")",first\n'
        "+1+1,second\n"
        "-2+3,third answer\n"
        "@SUM(A1),fourth one\n"
        "plain,=cmd|' /C calc'!A0\n",
        encoding="utf-8",
    )
    assert run("cards", "import", deck).exit_code == 0
    out = tmp_path / "out.csv"
    assert run("cards", "export", "--out", out).exit_code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert cells and not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells and "'+1+1" in cells
