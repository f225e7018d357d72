"""The database commands: db copy (move a library to PostgreSQL, or to another file)."""

from __future__ import annotations

from typing import Annotated

import typer

from . import output
from .main import app, state

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]

db_app = typer.Typer(
    help="Move your library to another database (PostgreSQL for several servers).",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")


@db_app.command("copy")
def db_copy(
    ctx: typer.Context,
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="URL",
            help="The empty database to copy into: postgresql://user:password@host:5432/db "
            "or sqlite:///path.db.",
        ),
    ],
    blob_store: Annotated[
        str | None,
        typer.Option(
            "--blob-store",
            metavar="STORE",
            help="Copy the original files too, into this store (s3://bucket/prefix, or local); "
            "by default both databases share the current one.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Copy every profile's documents, passages, explanations, votes, questions, answers,
    boards and review cards into an empty database, checking each table's count; the
    original files go to --blob-store when given. Nothing here changes: set database_url (and
    blob_store) to use the copy.

    Example: learnplat db copy --to postgresql://learnplat@db.internal/learnplat --blob-store s3://notes-bucket/learnplat
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..services.database_copy import copy_library
    from ..settings import hide_password

    session = state(ctx).session
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        console=output.err,
        transient=True,
        disable=not output.err.is_terminal or as_json,
    ) as progress:
        tasks: dict[str, object] = {}

        def on_progress(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = progress.add_task(f"copying {what}", total=total or 1)
            progress.update(tasks[what], completed=done if total else 1)  # type: ignore[arg-type]

        report = copy_library(session.settings, session.database, to, blob_store, on_progress)
    if as_json:
        output.emit_json(report)
        return
    files = (
        f"the original files stay in {report.blob_store}, shared by both"
        if report.files_shared
        else f"{report.files:,} original files ({report.file_bytes / 1e6:,.1f} MB) copied to "
        f"{report.blob_store}"
    )
    output.note(
        f"copied {report.rows:,} rows into {output.literal(report.target)} ({report.backend}), "
        f"each table's count checked; {output.literal(files)}"
    )
    for table, rows in report.tables.items():
        output.note(f"  {table}: {rows:,}")
    store = "" if report.files_shared else f' and blob_store = "{report.blob_store}"'
    output.note(
        f'to use it: set database_url = "{hide_password(to)}"{store} in '
        f"{output.literal(session.settings.config_path)} (or LEARNPLAT_DATABASE_URL)"
    )
