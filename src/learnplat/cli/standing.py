"""Standing commands shared by Teach Back and Challenges: stats and leaderboard."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import BadInput
from . import output
from .choices import Board, Period
from .main import app, state

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command()
def stats(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Your standing: Teach Back points, explanations and votes; game points, level,
    accuracy, streaks and reviews due; your rank on each all-time board.

    Example: learnplat stats --json
    """
    session = state(ctx).session
    teach, game = session.community.stats(), session.game.stats()
    if as_json:
        output.emit_json({"teach": teach, "game": game})
        return
    average = f"{teach.average_score:.1f}" if teach.average_score is not None else "-"
    output.out.print(
        f"[bold]{output.literal(teach.display_name)}[/]\n"
        f"  Teach Back: {teach.points} points, {teach.explanations} explanations (average "
        f"{average}/10), ▲ {teach.upvotes_received} received, {teach.upvotes_given} given, "
        f"rank {_rank(teach.rank)}\n"
        f"  Challenges: {game.points} points, level {game.level} ({game.next_level_at} for the "
        f"next), {game.correct}/{game.answered} right ({game.accuracy:.0%}), streak "
        f"{game.current_streak} (best {game.best_streak}), rank {_rank(game.rank)}, "
        f"{game.reviews_due} reviews due",
        soft_wrap=True,
    )


def _rank(rank: int | None) -> str:
    return f"#{rank}" if rank else "-"


@app.command()
def leaderboard(
    ctx: typer.Context,
    board: Annotated[Board, typer.Option("--board", help="Teach Back or the game.")] = Board.teach,
    period: Annotated[
        Period, typer.Option("--period", help="All time, or this calendar week (from Monday UTC).")
    ] = Period.all,
    category: Annotated[
        str | None, typer.Option("--category", "-c", help="The game board of one category.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many.")] = 10,
    as_json: JsonFlag = False,
) -> None:
    """Who has earned the most points: teaching back, or in the game (ties: best streak,
    then who got there first).

    Examples:
      learnplat leaderboard --board teach --period week
      learnplat leaderboard --board game --category biology --json
    """
    session = state(ctx).session
    if board == Board.teach:
        if category is not None:
            raise BadInput("--category is for the game board", hint="--board game --category C")
        rows = session.community.leaderboard(period=period.value, limit=limit)
        if as_json:
            output.emit_json(rows)
            return
        for row in rows:
            me = " [green](you)[/]" if row.is_me else ""
            output.out.print(
                f"{row.rank:>3}. {output.literal(row.display_name):<20} {row.points:>6} points  "
                f"{row.explanations} explanations  ▲ {row.upvotes_received}{me}"
            )
        return
    game_rows = session.game.leaderboard(period=period.value, category=category, limit=limit)
    if as_json:
        output.emit_json(game_rows)
        return
    if not game_rows:
        output.note("nobody has points on this board yet: `learnplat play` to be the first")
    for game_row in game_rows:
        me = " [green](you)[/]" if game_row.is_me else ""
        output.out.print(
            f"{game_row.rank:>3}. {output.literal(game_row.display_name):<20}"
            f" {game_row.points:>6} points"
            f"  level {game_row.level}  {game_row.correct}/{game_row.answered} right"
            f"  best streak {game_row.best_streak}{me}"
        )
