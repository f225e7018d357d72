"""Flashcards in and out: the learner's questions as an Anki deck or CSV, and simple front/back
decks turned into multiple-choice challenges."""

from __future__ import annotations

import csv
import hashlib
import heapq
import html
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import BadInput, DocumentError
from ..store.game import GameStore
from ..store.records import ChallengeRecord
from .anki_collection import MAX_NOTES, note_fields, unpack_collection
from .challenge_bank import question_row
from .community import timestamp, utc_now
from .game import Game, question_source
from .learning import source_of
from .library import read_file
from .safe_text import safe_text, spreadsheet_cell

CardFormat = Literal["anki", "csv"]
FORMATS: tuple[CardFormat, ...] = ("anki", "csv")
# Named as Anki's Basic note type names its fields (Anki matches them case-sensitively).
CSV_COLUMNS = ("Front", "Back", "Source", "Options", "Category", "Difficulty", "Tags")
# Anki's text-import header lines (its manual, "Importing > Text files > File headers"): with
# them Anki needs no choice made (a CSV whose options hold "|" had it guess "|" as separator).
_SEPARATORS = {
    "comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":",
}  # fmt: skip
CARDS_CATEGORY = "cards"
MIN_CARDS = 4
MAX_ANSWER_CHARS = 200
# Backs looked at for one card's wrong options before it is skipped: only a deck whose backs
# nearly all contain each other gets this far.
MAX_OPTIONS_LOOKED_AT = 1000
IMPORT_LIMIT_BYTES = 16 * 1024 * 1024
POINTS, TIME_LIMIT = 20, 45
# Anki ids must stay the same from one export to the next, so that importing a deck again
# updates its notes instead of adding copies.
MODEL_ID = 1_607_392_319
FLASHCARDS_PER_DOCUMENT = 50
_TAG = re.compile(r"<[^>]+>")
# The options our own export lists under a question: not part of the card's front.
_OPTIONS = re.compile(r'<ol class="options">.*?</ol>', re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>|</div>|</p>", re.IGNORECASE)


@dataclass(frozen=True)
class Card:
    """One exported card: the question (or term) and its answer, with where it comes from."""

    front: str
    back: str
    source: str
    options: tuple[str, ...] = ()
    category: str = ""
    difficulty: str = ""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: CardFormat
    cards: int


@dataclass(frozen=True)
class ImportResult:
    """What came of an import: challenges added or updated, the cards skipped, by reason, and
    what the cards held that a question cannot ("image": 2, "sound": 1)."""

    path: Path
    imported: int
    skipped: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)


def _stable_id(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big") | 1 << 30


class Cards:
    """The current user's cards. Raises BadInput for a bad path, format or deck."""

    def __init__(self, game: Game) -> None:
        self.game = game
        self.store: GameStore = game.store

    # export -------------------------------------------------------------------
    def cards(self, doc_id: int | None = None) -> list[Card]:
        """The user's questions and flashcards: from ``doc_id`` only (made now if need be),
        else the questions they have answered, their imported cards, and the questions and
        term cards of every document they have made questions from."""
        library = self.game.library
        if doc_id is not None:
            self.game.question_set(doc_id)
            documents = [doc_id]
        else:
            documents = [document.id for document in library.documents()]
        rows = self.store.questions_of(
            owner_id=self.game.user,
            document_ids=documents,
            answered_by=None if doc_id is not None else self.game.user,
        )
        if doc_id is not None:
            rows = [row for row in rows if row.document_id == doc_id]
        played = {row.document_id for row in rows if row.document_id is not None}
        terms = [card for document in sorted(played) for card in self._term_cards(document)]
        return [_card(row) for row in rows] + terms

    def _term_cards(self, doc_id: int) -> list[Card]:
        passages = self.game.library.passages(doc_id)
        sources = [source_of(passage) for passage in passages]
        return [
            Card(card.front, card.back, card.citation.label, category="notes", difficulty="term")
            for card in self.game.tutor.flashcards(sources, FLASHCARDS_PER_DOCUMENT)
        ]

    def export(self, path: Path, format: str, doc_id: int | None = None) -> ExportResult:
        """Write the user's questions to ``path`` as an Anki deck (.apkg) or CSV.
        Raises BadInput for an unknown format, nothing to export, or an unwritable path."""
        if format not in FORMATS:
            raise BadInput(f"unknown card format {format!r}", hint="one of: anki, csv")
        cards = self.cards(doc_id)
        if not cards:
            raise BadInput(
                "you have no questions to export yet",
                hint="play a round first (`learnplat play`), or export one document's "
                "questions with --doc ID",
            )
        path = path.expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if format == "anki":
                _write_anki(path, cards, deck_name=self._deck_name(doc_id))
            else:
                _write_csv(path, cards)
        except OSError as exc:
            raise BadInput(f"cannot write {path}: {exc.strerror or exc}") from exc
        return ExportResult(path, "anki" if format == "anki" else "csv", len(cards))

    def _deck_name(self, doc_id: int | None) -> str:
        if doc_id is None:
            return f"learnplat: {self.game.user}"
        return f"learnplat: {self.game.library.document(doc_id).title}"

    # import -------------------------------------------------------------------
    def import_deck(self, path: Path) -> ImportResult:
        """Turn the front/back cards of a CSV file or an Anki .apkg into multiple-choice
        challenges (category "cards"): the back is the answer, the backs of other cards of
        similar length the distractors. Importing the same deck again updates it in place.
        Raises BadInput for a missing, unreadable or unsupported file or too few cards."""
        path = path.expanduser()
        data = read_file(path, IMPORT_LIMIT_BYTES)
        skipped: Counter[str] = Counter()
        left_out: Counter[str] = Counter()
        if zipfile.is_zipfile(io.BytesIO(data)):
            pairs = _anki_pairs(path, data, skipped, left_out)
        elif path.suffix.lower() == ".apkg":
            raise DocumentError(f"{path.name} is not an Anki package (not a zip file)")
        else:
            pairs = _csv_pairs(path, data, left_out)
        usable: dict[str, tuple[str, str]] = {}
        for front, back in ((safe_text(f, one_line=True), safe_text(b, one_line=True))
                            for f, b in pairs):
            if not front or not back:
                skipped["empty front or back"] += 1
            elif len(back) > MAX_ANSWER_CHARS:
                skipped[f"back longer than {MAX_ANSWER_CHARS} characters"] += 1
            elif front.lower() in usable:
                skipped["same front as another card"] += 1
            else:
                usable[front.lower()] = (front, back)
        deck = safe_text(path.name, one_line=True)
        rows = _challenge_rows(list(usable.values()), self.game.user, deck, skipped)
        if len(rows) < 1:
            raise BadInput(
                f"{path.name} has no cards that can become questions",
                hint=f"a deck needs at least {MIN_CARDS} cards with different short backs, "
                "to use as each other's wrong options",
            )
        self.store.upsert_questions(rows, timestamp(utc_now()))
        return ImportResult(path, len(rows), dict(skipped), dict(left_out))


def _card(challenge: ChallengeRecord) -> Card:
    source = question_source(challenge)
    label = source.label if source else f"learnplat {challenge.category} challenge"
    explained = challenge.explanation and challenge.source != "cards"
    return Card(
        front=challenge.question,
        back=challenge.correct_answer + (f"\n\n{challenge.explanation}" if explained else ""),
        source=label,
        options=tuple(json.loads(challenge.options)),
        category=challenge.category,
        difficulty=challenge.difficulty,
    )


def _write_csv(path: Path, cards: Sequence[Card]) -> None:
    """Anki's header lines, then one line per card: front, back, source, options (" | "
    between them), category, difficulty, and the last two again as Anki tags."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write("#separator:Comma\n#html:false\n")
        handle.write(f"#columns:{','.join(CSV_COLUMNS)}\n#tags column:{len(CSV_COLUMNS)}\n")
        writer = csv.writer(handle)
        for card in cards:
            labels = (card.category, card.difficulty)
            tags = " ".join(tag.replace(" ", "_") for tag in labels if tag)
            cells = (card.front, card.back, card.source, " | ".join(card.options),
                     card.category, card.difficulty, tags)
            writer.writerow(spreadsheet_cell(cell) for cell in cells)


def _write_anki(path: Path, cards: Sequence[Card], deck_name: str) -> None:
    import genanki  # imported here: it is only needed to write decks

    model = genanki.Model(
        MODEL_ID,
        "learnplat question",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'
                '<div class="source">{{Source}}</div>',
            }
        ],
        css=".card { font-family: sans-serif; font-size: 20px; }"
        " .source { margin-top: 1em; font-size: 14px; color: #777; }",
    )
    deck = genanki.Deck(_stable_id(deck_name), deck_name)
    for card in cards:
        front = html.escape(card.front)
        if card.options:
            listed = "".join(f"<li>{html.escape(o)}</li>" for o in card.options)
            front += f'<ol class="options">{listed}</ol>'
        back = html.escape(card.back).replace("\n", "<br>")
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[front, back, html.escape(card.source)],
                guid=genanki.guid_for(card.front, card.back),
                tags=[tag for tag in (card.category, card.difficulty) if tag],
            )
        )
    partial = path.with_name(f".{path.name}.partial")
    genanki.Package(deck).write_to_file(str(partial))
    partial.replace(path)


def _outside(pattern: re.Pattern[str], text: str, end: str, by: str = "") -> str:
    """``text`` with the matches of ``pattern`` (each ending with ``end``) replaced ``by``.
    Only the text up to the last ``end`` is searched: no match ends past it, and the regex
    engine would rescan the rest from every opening ("<<<<…"), quadratic in a crafted field."""
    cut = text.rfind(end) + len(end) if end in text else 0
    return pattern.sub(by, text[:cut]) + text[cut:]


def _plain(field_html: str) -> str:
    text = _outside(_BREAK, _outside(_OPTIONS, field_html, "</ol>"), ">", "\n")
    return " ".join(html.unescape(_outside(_TAG, text, ">")).split())


def _anki_pairs(
    path: Path, data: bytes, skipped: Counter[str], left_out: Counter[str]
) -> list[tuple[str, str]]:
    """The cards of every note of an Anki package: a basic note's first two fields, and one
    card per blank of a cloze note; a note that cannot be a card is counted in ``skipped``, the
    images and sounds cards cannot show in ``left_out``. Raises DocumentError for a damaged or
    crafted package."""
    collection = unpack_collection(data, path.name, IMPORT_LIMIT_BYTES * 8)
    pairs = []
    for flds in note_fields(collection, path.name, skipped):
        parts = flds.split("\x1f", 2)
        blanks = _clozes(parts[0])
        if blanks:
            pairs += [
                (_field(front, left_out), _field(back, left_out))
                for front, back in _cloze_cards(parts[0], blanks)
            ]
            continue
        pairs.append(
            (_field(parts[0], left_out), _field(parts[1], left_out) if len(parts) > 1 else "")
        )
    return pairs


# A cloze: {{c1::answer}} or {{c1::answer::hint}}.
Cloze = tuple[int, int, int, str, str]  # start, end, number, answer, hint


def _clozes(text: str) -> list[Cloze]:
    """The clozes of a field, in order. Read by hand in one pass (each "}}" is looked for
    once), not by a regex that a field of many unclosed "{{c" would make quadratic."""
    found: list[Cloze] = []
    at, close = 0, -1
    while (start := text.find("{{c", at)) >= 0:
        if close < start:
            close = text.find("}}", start + 3)
        if close < 0:
            break
        number, sep, rest = text[start + 3 : close].partition("::")
        if sep and number.isdigit() and len(number) <= 3:
            answer, _, hint = rest.partition("::")
            found.append((start, close + 2, int(number), answer, hint))
            at = close + 2
        else:
            at = start + 3
    return found


def _cloze_cards(text: str, blanks: list[Cloze]) -> list[tuple[str, str]]:
    """One card per cloze number, as Anki makes them: that number's clozes blanked ("[...]",
    or "[hint]"), the others shown; the back is what fills the blanks."""
    cards = []
    for number in sorted({blank[2] for blank in blanks}):
        front, at, answers = [], 0, []
        for start, end, which, answer, hint in blanks:
            front.append(text[at:start])
            if which == number:
                front.append(f"[{hint or '...'}]")
                answers.append(answer)
            else:
                front.append(answer)
            at = end
        front.append(text[at:])
        cards.append(("".join(front), ", ".join(answers)))
    return cards


_SOUND = re.compile(r"\[sound:[^\]\n]{0,1000}\]")


def _field(field_html: str, left_out: Counter[str]) -> str:
    """A field as plain text: its sounds and images, which a question cannot play or show,
    left out and counted."""
    sounds = len(_SOUND.findall(field_html))
    if sounds:
        left_out["sound"] += sounds
        field_html = _SOUND.sub(" ", field_html)
    images = field_html.lower().count("<img")
    if images:
        left_out["image"] += images
    return _plain(field_html)


def _anki_headers(text: str) -> tuple[dict[str, str], str]:
    """The ``#key:value`` lines Anki reads at the top of a text file, and the text after them."""
    headers: dict[str, str] = {}
    at = 0
    while text.startswith("#", at):
        end = text.find("\n", at)
        end = len(text) if end < 0 else end + 1
        key, sep, value = text[at + 1 : end].partition(":")
        if not sep:
            break
        headers[key.strip().lower()] = value.strip("\r\n")
        at = end
    return headers, text[at:]


def _csv_pairs(path: Path, data: bytes, left_out: Counter[str]) -> list[tuple[str, str]]:
    """front,back per line; a header row naming "front" and "back" may say which columns, as
    may Anki's header lines (``#columns:``, with ``#separator:`` and ``#html:``)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path.name} is not UTF-8 text", hint="save it as UTF-8 CSV") from exc
    headers, text = _anki_headers(text)
    named = headers.get("separator", "")
    separator = _SEPARATORS.get(named.lower(), named if len(named) == 1 else "")
    dialect: type[csv.Dialect] | csv.Dialect
    if separator:
        dialect = type("AnkiText", (csv.excel,), {"delimiter": separator})
    else:
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
            if len(rows) > MAX_NOTES:
                raise DocumentError(
                    f"{path.name} has more than {MAX_NOTES:,} cards; the limit is {MAX_NOTES:,}",
                    hint="split it into smaller files and import each",
                )
    except csv.Error as exc:
        raise DocumentError(
            f"{path.name} line {reader.line_num}: {_csv_problem(exc)}",
            hint="each line is front,back; put a field with commas or line breaks in quotes",
        ) from exc
    if not rows:
        raise DocumentError(f"{path.name} is empty")
    columns = [name.strip().lower() for name in headers.get("columns", "").split(separator or ",")]
    header = [cell.strip().lower() for cell in rows[0]]
    front_at, back_at = 0, 1
    if "front" in columns and "back" in columns:
        front_at, back_at = columns.index("front"), columns.index("back")
    elif "front" in header and "back" in header:
        front_at, back_at = header.index("front"), header.index("back")
        rows = rows[1:]
    elif max(len(row) for row in rows) < 2:
        raise DocumentError(
            f"{path.name} has one column", hint="each line needs a front and a back: front,back"
        )
    as_html = headers.get("html", "").lower() == "true"

    def cell(row: list[str], at: int) -> str:
        value = row[at] if len(row) > at else ""
        return _field(value, left_out) if as_html else " ".join(value.split())

    return [(cell(row, front_at), cell(row, back_at)) for row in rows]


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"a field is longer than {csv.field_size_limit():,} characters"
    return str(exc)


def _wrong_options(pairs: list[tuple[str, str]]) -> Callable[[str, str], list[str]]:
    """For a card, the three other backs closest to its back in length (alphabetical among
    equals) that neither contain it, nor are contained in it or in its front.

    Backs are grouped by length and read outwards from the card's own, so that a card looks at
    a few neighbours rather than at every other card (which made a large deck quadratic)."""
    by_length: dict[int, list[str]] = {}
    for other in sorted({back for _front, back in pairs}):
        by_length.setdefault(len(other), []).append(other)
    longest = max(by_length, default=0)
    lowered = {other: other.lower() for others in by_length.values() for other in others}

    def pick(front: str, back: str) -> list[str]:
        front_l, back_l = front.lower(), back.lower()
        found: list[str] = []
        looked = 0
        for distance in range(longest + 1):
            lengths = {len(back) - distance, len(back) + distance}
            for other in heapq.merge(*(by_length.get(n, ()) for n in sorted(lengths))):
                other_l = lowered[other]
                looked += 1
                if (
                    other_l != back_l
                    and other_l not in back_l
                    and back_l not in other_l
                    and other_l not in front_l
                ):
                    found.append(other)
                    if len(found) == 3:
                        return found
                if looked > MAX_OPTIONS_LOOKED_AT:
                    return found
        return found

    return pick


def _challenge_rows(
    pairs: list[tuple[str, str]], user: str, deck: str, skipped: Counter[str]
) -> list[dict[str, object]]:
    """Multiple-choice rows: each card's back among three other backs closest in length."""
    rows: list[dict[str, object]] = []
    if len(pairs) < MIN_CARDS:
        skipped[f"fewer than {MIN_CARDS} cards in the deck"] += len(pairs)
        return rows
    wrong_options = _wrong_options(pairs)
    for front, back in pairs:
        others = wrong_options(front, back)
        if len(others) < 3:
            skipped["too few different backs for wrong options"] += 1
            continue
        options = [back, *others]
        seed = hashlib.sha256(front.encode("utf-8")).digest()
        order = sorted(range(4), key=lambda i: seed[i])
        shuffled = [options[i] for i in order]
        rows.append(
            question_row(
                slug="cards-" + hashlib.sha256(f"{user}\x1f{front}".encode()).hexdigest()[:16],
                title=f"From {deck}",
                question=front,
                answer=back,
                options=shuffled,
                explanation=f"The card's back: {back}",
                category=CARDS_CATEGORY,
                difficulty="intermediate",
                points=POINTS,
                time_limit=TIME_LIMIT,
                source="cards",
                owner_id=user,
                source_title=deck,
            )
        )
    return rows
