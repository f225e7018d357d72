"""Web mode from the terminal: ``serve`` runs the web app; ``account password`` gives a
terminal profile a password, which is how a web account claims it."""

from __future__ import annotations

import errno
import getpass
import sys
from typing import Annotated

import typer

from ..errors import BadInput, ConfigError
from . import output
from .main import app, state

account_app = typer.Typer(help="Web accounts: give your profile a password.", no_args_is_help=True)
app.add_typer(account_app, name="account")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", "-p", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", "-w", help="Worker processes (about one per core).", min=1, max=64
        ),
    ] = 2,
) -> None:
    """Serve the web app (Library, Learn, Teach Back, Challenges, Progress) with accounts.

    Examples:
      learnplat serve
      learnplat serve --host 0.0.0.0 --port 8080 --workers 4
    """
    if sys.platform == "win32":
        raise ConfigError("web mode runs on Linux and macOS (gunicorn)", hint="use WSL")
    try:
        import flask  # noqa: F401
        import gunicorn  # noqa: F401
    except ImportError:
        raise ConfigError(
            "web mode needs Flask and gunicorn", hint="pip install 'learnplat[web]'"
        ) from None
    from ..web.serve import run

    settings = state(ctx).settings
    if host not in ("127.0.0.1", "localhost", "::1"):
        output.note(
            f"listening on {host}: others on the network can reach it; put it behind TLS "
            "(a reverse proxy) and set LEARNPLAT_SECURE_COOKIES=1"
        )

    def ready(url: str) -> None:
        output.err.print(
            f"learnplat is serving {url}  ({workers} worker{'s' * (workers != 1)}, data in "
            f"{output.literal(str(settings.data_dir))}; Ctrl-C stops)",
            soft_wrap=True,
        )

    try:
        run(settings, host, port, workers, on_ready=ready)
    except OSError as exc:
        taken = exc.errno == errno.EADDRINUSE
        raise BadInput(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="another program uses that port: try --port 8001"
            if taken
            else "--host takes an address of this machine, such as 127.0.0.1 or 0.0.0.0",
        ) from None


@account_app.command("password")
def account_password(
    ctx: typer.Context,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set the current profile's web password: the web account of that name is then this
    profile, with its documents, explanations and progress.

    Examples:
      learnplat --user ana account password
      echo "$PW" | learnplat --user ana account password --password-stdin
    """
    session = state(ctx).session
    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"New web password for {session.user}: ")
        if getpass.getpass("Again: ") != password:
            raise BadInput("the two passwords differ", hint="type the same password twice")
    session.core.accounts.set_password(session.user, password)
    output.out.print(
        f"{output.literal(session.user)} can now log in to `learnplat serve` with this password"
    )
