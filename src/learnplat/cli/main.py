"""The root command: global options, error handling, and the config / doctor / tui commands."""

from __future__ import annotations

import inspect
import logging
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from .. import __version__
from ..errors import DiskFull, LearnplatError, is_disk_full
from ..services.safe_text import safe_text
from ..settings import OPTIONS, Settings, hide_password, load_settings
from . import output
from .choices import Provider

if TYPE_CHECKING:
    from ..core import Session


class LearnplatGroup(TyperGroup):
    """Turn a LearnplatError anywhere below into one line plus a hint, and its exit code."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except TyperException as exc:  # a bad global option
            raise _cleaned(exc) from None

    def invoke(self, ctx: Any) -> Any:
        """With ``--json`` a failure also writes ``{"error", "hint", "code"}`` on stdout (the
        code is the exit status), so that a script reads it where it reads the results."""
        from .activity import model_status

        as_json = _wants_json(ctx.args)
        try:
            with model_status(quiet=as_json):
                return super().invoke(ctx)
        except LearnplatError as exc:
            _fail(exc.message, exc.hint, exc.exit_code, as_json)
        except TyperException as exc:  # usage errors
            cleaned = _cleaned(exc)
            if as_json:
                output.emit_json(
                    {"error": cleaned.format_message(), "hint": None, "code": cleaned.exit_code}
                )
            raise cleaned from None
        except (typer.Exit, typer.Abort):  # --help, exit codes
            raise
        except KeyboardInterrupt:  # Ctrl-C: a model's connection is closed on the way out
            output.error("stopped (Ctrl-C)")
            raise SystemExit(130) from None
        except Exception as exc:  # a bug: keep the traceback in the log, not on the terminal
            if is_disk_full(exc):  # a write the services did not expect to fail
                where = getattr(exc, "filename", None)
                full = DiskFull(Path(where).parent if where else ctx.obj.settings.data_dir)
                _fail(full.message, full.hint, full.exit_code, as_json)
            logging.getLogger("learnplat").exception("unexpected error")
            _fail(
                f"unexpected error: {exc.__class__.__name__}: {exc}",
                "the traceback is in the log file; `learnplat doctor` shows the data dir",
                1,
                as_json,
            )


def _wants_json(args: Sequence[str]) -> bool:
    """Whether the command line asks for JSON (``--json`` before any ``--``)."""
    words = list(args)
    return "--json" in (words[: words.index("--")] if "--" in words else words)


def _fail(message: str, hint: str | None, code: int, as_json: bool) -> NoReturn:
    output.error(message, hint)
    if as_json:
        shown = safe_text(hint) if hint else None
        output.emit_json({"error": safe_text(message), "hint": shown, "code": code})
    raise SystemExit(code) from None


def _cleaned(exc: TyperException) -> TyperException:
    """A usage error quotes what was typed; Typer escapes C0 controls in it but not all."""
    exc.message = safe_text(exc.message)
    return exc


@dataclass
class CliState:
    """Global options, and the Session built from them on first use."""

    flags: dict[str, Any]
    _settings: Settings | None = None
    _session: Session | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.flags)
        return self._settings

    @property
    def session(self) -> Session:
        if self._session is None:
            from ..core import Session

            self._session = Session.open(self.settings)
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


def state(ctx: typer.Context) -> CliState:
    return ctx.ensure_object(CliState)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"learnplat {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=LearnplatGroup,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="learnplat: learn from your own notes in the terminal, offline.\n\n"
    'Example: learnplat ingest notes.pdf && learnplat search "light reactions"',
)


@app.callback()
def root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Data dir (database, files, config); default LEARNPLAT_HOME "
            "or the platform's user data dir.",
            show_default=False,
        ),
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="Profile to act as.")] = None,
    provider: Annotated[Provider | None, typer.Option("--provider", help="Tutor backend.")] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Global options go before the command: learnplat --user ana search photosynthesis"""
    chosen = provider.value if provider else None
    cli_state = CliState({"data_dir": data_dir, "user": user, "provider": chosen})
    ctx.obj = cli_state
    ctx.call_on_close(cli_state.close)


config_app = typer.Typer(
    help="Show and change the settings, and where they come from.", no_args_is_help=True
)
app.add_typer(config_app, name="config")


@config_app.command("show")
def config_show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show each setting, its value and its source (flag, env, file, default).

    Example: learnplat config show --json
    """
    settings = state(ctx).settings
    values = settings.as_dict()
    rows = [
        {
            "key": o.key,
            "value": hide_password(values[o.key]) if o.key == "database_url" else values[o.key],
            "source": settings.sources.get(o.key, "default"),
            "env": o.env_var,
            "help": o.help,
        }
        for o in OPTIONS
    ]
    if as_json:
        output.emit_json(
            {
                "config_file": str(settings.config_path),
                "settings": rows,
                "warnings": list(settings.warnings),
            }
        )
        return
    from rich.table import Table

    table = Table(
        title=f"config file: {output.literal(settings.config_path)}", title_justify="left"
    )
    for column in ("key", "value", "source", "env var"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(output.literal(row[key]) for key in ("key", "value", "source", "env")))
    output.out.print(table)
    for warning in settings.warnings:
        output.note(f"warning: {output.literal(warning)}")


@config_app.command("set")
def config_set(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", help="A setting (see config show).")],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="Its new value.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Write a setting into the config file, checked first; comments and other settings stay.

    Examples:
      learnplat config set max_file_mb 32
      learnplat config set database_url postgresql://ana@db.internal/learnplat
    """
    from ..settings import set_config

    path = state(ctx).settings.config_path
    value_read = set_config(path, key, value)
    shown = hide_password(str(value_read)) if "://" in str(value_read) else value_read
    if as_json:
        output.emit_json({"key": key, "value": shown, "config_file": str(path)})
        return
    output.note(f"{key} = {output.literal(shown)} in {output.literal(path)}")


@config_app.command("unset")
def config_unset(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", help="A setting (see config show).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Remove a setting from the config file: its default (or its LEARNPLAT_ variable) applies.

    Example: learnplat config unset max_file_mb
    """
    from ..settings import unset_config

    path = state(ctx).settings.config_path
    removed = unset_config(path, key)
    if as_json:
        output.emit_json({"key": key, "removed": removed, "config_file": str(path)})
        return
    said = "removed from" if removed else "was not set in"
    output.note(f"{key} {said} {output.literal(path)}")


@config_app.command("path")
def config_path(ctx: typer.Context) -> None:
    """Print the config file's path (it need not exist yet).

    Example: $EDITOR "$(learnplat config path)"
    """
    output.write(f"{state(ctx).settings.config_path}\n")


@app.command()
def doctor(
    ctx: typer.Context,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="Also repair what is safe to: remove copies of ingested files that no document "
            "uses (left by a crash mid-ingest) once they are an hour old, and make the data "
            "dir's files readable by you alone.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check the data dir, database, stored files, config, provider and PDF engines.

    Example: learnplat doctor --fix
    """
    from ..services.doctor import run_checks

    checks = run_checks(state(ctx).settings, fix=fix)
    if as_json:
        output.emit_json(checks)
    else:
        marks = {"ok": "[green]ok[/]  ", "warn": "[yellow]warn[/]", "fail": "[red]FAIL[/]"}
        for check in checks:
            output.out.print(
                f"{marks[check.status]} {check.name:<12} {output.literal(check.detail)}",
                soft_wrap=True,
            )
    if any(check.status == "fail" for check in checks):
        raise typer.Exit(1)


@app.command()
def tui(ctx: typer.Context) -> None:
    """Open the full-screen app (Learn, Teach Back, Challenges, Library, Progress).

    Example: learnplat --user ana tui
    """
    from ..app import LearnplatApp

    LearnplatApp(state(ctx).session).run()


# The module that registers each command. A command line imports and builds only its own
# command's module (building every command costs ~20 ms a start); no command, `--help`, or a
# word not here registers them all, so help and "No such command" see every command.
COMMAND_MODULES: dict[str, str] = {
    "play": "game", "challenge": "game", "cards": "game",
    "learn": "learn", "ask": "learn", "topics": "learn",
    "ingest": "library", "search": "library", "docs": "library",
    "speak": "speech",
    "db": "database",
    "serve": "web", "account": "web",
    "stats": "standing", "leaderboard": "standing",
    "teach": "teach", "grade": "teach", "community": "teach", "upvote": "teach", "unvote": "teach",
}  # fmt: skip
# The root's options that take a value (the word after them is not the command).
VALUE_OPTIONS = frozenset({"--data-dir", "--user", "--provider"})


def register_commands(modules: Iterable[str] | None = None) -> None:
    """Import the command modules (all of them by default); each registers its commands on
    ``app`` once, on its first import."""
    from importlib import import_module

    for module in sorted(set(COMMAND_MODULES.values()) if modules is None else set(modules)):
        import_module(f".{module}", __package__)
    _keep_example_lines(app)


def _keep_example_lines(typer_app: typer.Typer) -> None:
    """Mark each command's example paragraphs so that --help prints them line by line (Click
    rewraps a paragraph unless its first line is a lone \\b)."""
    for command in typer_app.registered_commands:
        if command.callback is not None and command.callback.__doc__:
            command.callback.__doc__ = keep_example_lines(command.callback.__doc__)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _keep_example_lines(group.typer_instance)


def keep_example_lines(doc: str) -> str:
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(
        f"\b\n{paragraph}" if paragraph.startswith("Example") else paragraph
        for paragraph in paragraphs
    )


def command_word(argv: Sequence[str]) -> str | None:
    """The command a command line names: its first word that is not a root option or the
    value of one; None when it has none."""
    words = iter(argv)
    for word in words:
        if word == "--":
            return next(words, None)
        if word.startswith("-"):
            if word in VALUE_OPTIONS:
                next(words, None)
            continue
        return word
    return None


def main() -> None:
    """Console-script entry point."""
    module = COMMAND_MODULES.get(command_word(sys.argv[1:]) or "")
    register_commands(None if module is None else [module])
    app()
