"""Anki both ways, checked with the official `anki` library (the same Rust core as the desktop
app): decks Anki exports (its default zstd package and the "Support older Anki versions" one)
come in as questions, cloze notes as blanks, with sounds and images left out and counted; our
.apkg and CSV go into Anki with the same fields and no choice to make."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnplat.cli import app
from learnplat.core import Core
from learnplat.settings import load_settings

anki_collection = pytest.importorskip("anki.collection", reason="the anki package (test extra)")

BASIC = [
    ("What is ATP?", "The energy currency of the cell [sound:atp.mp3]"),
    ("Where does the Calvin cycle run?", 'In the stroma <img src="stroma.png">'),
    ("What splits water?", "Photosystem II"),
    ("What makes NADPH?", "Photosystem I"),
    ("What fixes carbon dioxide?", "RuBisCO"),
]
CLOZE = "The {{c1::mitochondria}} make {{c2::ATP::a molecule}} from glucose."


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--user", "ana", *map(str, args)])
    return result.exit_code, result.stdout + (result.stderr or "")


def anki_deck(folder: Path, *, legacy: bool) -> Path:
    """A deck made and exported by Anki itself: five basic notes and one cloze note."""
    collection = anki_collection.Collection(str(folder / "anki" / "collection.anki2"))
    try:
        deck = collection.decks.id("Biology")
        for front, back in BASIC:
            note = collection.new_note(collection.models.by_name("Basic"))
            note["Front"], note["Back"] = front, back
            collection.add_note(note, deck)
        cloze = collection.new_note(collection.models.by_name("Cloze"))
        cloze["Text"] = CLOZE
        collection.add_note(cloze, deck)
        out = folder / f"biology{'-legacy' if legacy else ''}.apkg"
        collection.export_anki_package(
            out_path=str(out),
            options=anki_collection.ExportAnkiPackageOptions(legacy=legacy, with_media=True),
            limit=anki_collection.DeckIdLimit(deck_id=deck),
        )
    finally:
        collection.close()
    return out


@pytest.mark.parametrize("legacy", [False, True], ids=["anki-default-zstd", "older-versions"])
def test_a_deck_anki_exports_comes_in_with_cloze_blanks_and_media_counted(
    isolated_home: Path, tmp_path: Path, legacy: bool
) -> None:
    (tmp_path / "anki").mkdir()
    deck = anki_deck(tmp_path, legacy=legacy)
    code, out = run("cards", "import", deck, "--json")
    assert code == 0, out
    result = json.loads(out)
    assert result["imported"] == 7  # five basic cards and one per cloze number
    assert result["left_out"] == {"sound": 1, "image": 1}
    with Core(load_settings({"user": "ana"})) as core:
        rows = core.database.rows(
            "SELECT question, correct_answer, options FROM challenges WHERE source = 'cards'"
        )
    cards = {row["question"]: row["correct_answer"] for row in rows}
    assert cards["The [...] make ATP from glucose."] == "mitochondria"
    assert cards["The mitochondria make [a molecule] from glucose."] == "ATP"
    assert cards["What is ATP?"] == "The energy currency of the cell"
    assert cards["Where does the Calvin cycle run?"] == "In the stroma"
    # Anki's placeholder note ("Please update to the latest Anki version") is not a card.
    assert not any("update" in question.lower() for question in cards)
    assert all("[sound:" not in row["options"] and "<img" not in row["options"] for row in rows)


def test_our_decks_go_into_anki_with_the_same_fields(isolated_home: Path, tmp_path: Path) -> None:
    table = tmp_path / "cards.csv"
    table.write_text(
        "front,back\n" + "".join(f'"{front}","{back}"\n' for front, back in BASIC[2:])
        + '"Which gas do plants take in?","Carbon dioxide"\n'
        '"What is glucose made of? (a formula, with | in it)","C6 | H12 | O6"\n',
        encoding="utf-8",
    )
    assert run("cards", "import", table)[0] == 0
    with Core(load_settings({"user": "ana"})) as core:
        ours = core.session("ana").cards.cards()
    assert len(ours) == 5
    package, sheet = tmp_path / "ours.apkg", tmp_path / "ours.csv"
    assert run("cards", "export", "--out", package)[0] == 0
    assert run("cards", "export", "--out", sheet)[0] == 0

    collection = anki_collection.Collection(str(tmp_path / "into-anki.anki2"))
    try:
        collection.import_anki_package(
            anki_collection.ImportAnkiPackageRequest(package_path=str(package))
        )
        notes = [collection.get_note(nid) for nid in collection.find_notes("")]
        assert {note["Back"] for note in notes} == {card.back for card in ours}
        assert all(note["Source"] for note in notes)
        assert {note["Front"].split("<ol")[0] for note in notes} == {card.front for card in ours}

        before = set(collection.find_notes(""))
        # What Anki's import dialog would choose, from the file's header lines alone.
        metadata = collection.get_csv_metadata(path=str(sheet), delimiter=None)
        assert metadata.delimiter == anki_collection.Delimiter.COMMA  # not "|", from options
        log = collection.import_csv(
            anki_collection.ImportCsvRequest(path=str(sheet), metadata=metadata)
        )
        assert len(log.log.new) == 5 and not log.log.empty_first_field
        added = [collection.get_note(nid) for nid in set(collection.find_notes("")) - before]
        assert sorted((note["Front"], note["Back"]) for note in added) == sorted(
            (card.front, card.back) for card in ours
        )
        assert all(set(note.tags) == {"cards", "intermediate"} for note in added)
    finally:
        collection.close()
