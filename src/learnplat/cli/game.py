"""Challenges commands: play (a round in the terminal), challenge next/answer/categories (for
scripts), cards export/import."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import BadInput
from ..projections import question_set_json, served_json
from . import output
from .choices import CardFormat
from .countdown import ask_with_countdown
from .main import app, state

if TYPE_CHECKING:
    from rich.console import Console

    from ..services.game import Game
    from ..services.game_model import AnswerResult, QuestionSet, RoundSummary, ServedQuestion

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]
CategoryFlag = Annotated[
    str | None,
    typer.Option("--category", "-c", help="A bank category (see `challenge categories`) or cards."),
]
DifficultyFlag = Annotated[
    str | None, typer.Option("--difficulty", "-d", help="beginner, intermediate or advanced.")
]
DocFlag = Annotated[
    int | None, typer.Option("--doc", help="Questions made from this document of yours.")
]
RefreshFlag = Annotated[
    bool,
    typer.Option(
        "--refresh", help="With --doc: make its questions again, with the provider set now."
    ),
]
ReviewFlag = Annotated[
    bool, typer.Option("--review", help="What is due for review first (spaced repetition).")
]

challenge_app = typer.Typer(
    help="One question at a time, for scripts: next prints a token, answer answers it.",
    no_args_is_help=True,
)
app.add_typer(challenge_app, name="challenge")
cards_app = typer.Typer(help="Flashcards: export your questions, import front/back decks.",
                        no_args_is_help=True)
app.add_typer(cards_app, name="cards")






def _prepare(
    game: Game, doc: int | None, refresh: bool = False, provider: str = "offline"
) -> QuestionSet | None:
    """Make (or read back, or with ``refresh`` make again) the questions of ``doc``, with a
    spinner while they are made; say when another provider than ``provider`` made them."""
    if doc is None:
        if refresh:
            raise BadInput("--refresh remakes a document's questions", hint="add --doc ID")
        return None
    with output.err.status("making questions from your notes…"):
        made = game.question_set(doc, refresh=refresh)
    for notice in made.notices:
        output.notice(notice)
    if made.generator != provider and not refresh:
        output.notice(
            f"these questions were made by {made.generator}; --refresh makes them again "
            f"with {provider}"
        )
    return made


# scripted ----------------------------------------------------------------------------


@challenge_app.command("next")
def challenge_next(
    ctx: typer.Context,
    category: CategoryFlag = None,
    difficulty: DifficultyFlag = None,
    doc: DocFlag = None,
    refresh: RefreshFlag = False,
    review: ReviewFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Serve a question and start its clock; answer it with `challenge answer TOKEN ANSWER`.

    The JSON never holds the answer. With --doc it also holds the question set: how many
    questions were made from the document and how many the checks dropped.

    Examples:
      learnplat challenge next --category biology --difficulty beginner --json
      learnplat challenge next --doc 3 --json
      learnplat --provider openai challenge next --doc 3 --refresh --json
    """
    game = state(ctx).session.game
    made = _prepare(game, doc, refresh, state(ctx).settings.provider)
    served = game.next(category=category, difficulty=difficulty, doc_id=doc, review_first=review)
    if as_json:
        data = served_json(served)
        if made is not None:
            data["question_set"] = question_set_json(made)
        output.emit_json(data)
        return
    _print_question(served)
    output.out.print(f"[dim]token:[/] {output.literal(served.token)}")


@challenge_app.command("answer")
def challenge_answer(
    ctx: typer.Context,
    token: Annotated[str, typer.Argument(help="The token `challenge next` printed.")],
    answer: Annotated[str, typer.Argument(help="The option's number (1-4), letter or text.")],
    as_json: JsonFlag = False,
) -> None:
    """Answer a served question (once). The time taken is measured from when it was served.

    Example: learnplat challenge answer Qx3... 2 --json
    """
    result = state(ctx).session.game.answer(token, answer)
    if as_json:
        output.emit_json(result)
    else:
        _print_result(result)


@challenge_app.command("categories")
def challenge_categories(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """The bank's categories and how many questions each has per difficulty.

    Example: learnplat challenge categories
    """
    categories = state(ctx).session.game.categories()
    if as_json:
        output.emit_json(categories)
        return
    for category in categories:
        counts = ", ".join(f"{n} {level}" for level, n in category.questions.items())
        output.out.print(f"[bold]{output.literal(category.name):<18}[/] {output.literal(counts)}")


# interactive -----------------------------------------------------------------------------


def _print_question(
    served: ServedQuestion,
    number: int | None = None,
    total: int = 0,
    console: Console | None = None,
) -> None:
    console = console or output.out
    where = f"Question {number}/{total} · " if number else ""
    review = " · review" if served.mode == "review" else ""
    console.print()
    console.print(
        f"[bold]{where}{output.literal(served.category)} · {output.literal(served.difficulty)}"
        f" · {served.points} points"
        f" · {served.time_limit} s{review}[/]"
    )
    if served.notice:
        output.note(f"[dim]{output.literal(served.notice)}[/]")
    console.print(f"[bold]{output.literal(served.question)}[/]")
    for index, option in enumerate(served.options, 1):
        console.print(f"  [cyan]{index}[/]) {output.literal(option)}")


def _print_result(result: AnswerResult, console: Console | None = None) -> None:
    console = console or output.out
    if result.outcome == "correct":
        bonus = ""
        if result.streak_bonus:
            bonus = f" ({result.speed_points} + {result.streak_bonus} streak)"
        console.print(
            f"[bold green]✓ Correct[/] +{result.points}{bonus} in {result.time_taken_s:.1f} s"
        )
    elif result.outcome == "timeout":
        console.print(
            "[bold yellow]⏱ Time's up[/] — the answer is"
            f" [bold]{output.literal(result.correct_answer)}[/]"
        )
    else:
        console.print(
            f"[bold red]✗ Wrong[/] — the answer is [bold]{output.literal(result.correct_answer)}[/]"
        )
    if result.explanation:
        from rich.padding import Padding

        console.print(Padding(output.literal(result.explanation), (0, 0, 0, 2)))
    if result.source is not None:
        console.print(f"  [dim]from {output.literal(result.source.label)}[/]")
    up = " [bold magenta]level up![/]" if result.leveled_up else ""
    console.print(
        f"  [dim]streak {result.streak} (best {result.best_streak}) · {result.total_points}"
        f" points · level {result.level}{up} (level {result.level + 1} at"
        f" {result.next_level_at})[/]"
    )


def _print_summary(summary: RoundSummary) -> None:
    output.out.print()
    output.out.print(
        f"[bold]Round over:[/] {summary.correct}/{summary.answered} right"
        f" ({summary.accuracy:.0%}), {summary.timed_out} out of time, +{summary.points} points,"
        f" best streak {summary.best_streak}, {summary.average_time_s:.1f} s a question"
    )
    up = " — level up!" if summary.leveled_up else ""
    output.out.print(f"Level {summary.level}, {summary.total_points} points in all{up}")


@app.command()
def play(
    ctx: typer.Context,
    category: CategoryFlag = None,
    difficulty: DifficultyFlag = None,
    doc: DocFlag = None,
    refresh: RefreshFlag = False,
    review: ReviewFlag = False,
    count: Annotated[int, typer.Option("--count", "-n", help="Questions in the round.")] = 10,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the round's answers and summary as JSON.")
    ] = False,
) -> None:
    """Play a timed round: answer with 1-4 (or A-D) before the countdown ends; q stops.

    Examples:
      learnplat play --category biology --difficulty beginner --count 10
      learnplat play --doc 3
      learnplat play --review
    """
    from ..services.game_model import summarize

    if not 1 <= count <= 100:
        raise BadInput(f"--count must be between 1 and 100, got {count}")
    game = state(ctx).session.game
    made = _prepare(game, doc, refresh, state(ctx).settings.provider)
    if made is not None and not as_json:
        output.note(
            f"{made.kept} questions from {output.literal(made.title)}, made by {made.generator}"
            f" ({made.candidates - made.kept} of {made.candidates} dropped by the checks)"
        )
    results: list[AnswerResult] = []
    for number in range(1, count + 1):
        served = game.next(
            category=category, difficulty=difficulty, doc_id=doc, review_first=review
        )
        # With --json the round is played on stderr: stdout holds the JSON alone.
        console = output.err if as_json else output.out
        _print_question(served, number, count, console)
        reply = ask_with_countdown(served.options, served.time_limit)
        if reply.quit:
            # The question stays unanswered: it earns nothing and breaks no streak.
            output.note("stopped")
            break
        result = game.answer(served.token, reply.answer)
        results.append(result)
        _print_result(result, console)
    summary = summarize(results)
    if as_json:
        output.emit_json({"answers": results, "summary": summary})
    elif results:
        _print_summary(summary)


# cards ------------------------------------------------------------------------------------


@cards_app.command("export")
def cards_export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="The file to write.")],
    format: Annotated[
        CardFormat | None,
        typer.Option("--format", "-f", help="An Anki .apkg or CSV; default by --out's suffix."),
    ] = None,
    doc: DocFlag = None,
    as_json: JsonFlag = False,
) -> None:
    """Export your questions with their sources as an Anki deck or CSV.

    Examples:
      learnplat cards export --format anki --out biology.apkg
      learnplat cards export --doc 3 --out notes.csv
    """
    chosen = format.value if format else ("anki" if out.suffix.lower() == ".apkg" else "csv")
    result = state(ctx).session.cards.export(out, chosen, doc_id=doc)
    if as_json:
        output.emit_json(result)
        return
    output.note(f"wrote {result.cards} cards to {output.literal(result.path)} ({result.format})")


@cards_app.command("import")
def cards_import(
    ctx: typer.Context,
    deck: Annotated[Path, typer.Argument(help="A CSV (front,back per line) or an Anki .apkg.")],
    as_json: JsonFlag = False,
) -> None:
    """Turn a deck's front/back cards into challenges you can play (category "cards").

    Example: learnplat cards import spanish.csv && learnplat play --category cards
    """
    result = state(ctx).session.cards.import_deck(deck)
    if as_json:
        output.emit_json(result)
        return
    skipped = output.literal(", ".join(f"{n} {why}" for why, n in result.skipped.items()))
    left_out = ", ".join(
        f"{n} {what}{'' if n == 1 else 's'}" for what, n in result.left_out.items()
    )
    output.note(
        f"imported {result.imported} cards from {output.literal(result.path.name)}"
        + (f"; skipped {skipped}" if skipped else "")
        + (f"; left out {left_out} a question cannot show or play" if left_out else "")
        + " — play them with: learnplat play --category cards"
    )
