"""``learnplat serve``: the web app under gunicorn (never Flask's development server).

The parent process opens the database once (migrations, the cookie key) and forks the
workers; each worker builds its own Core. Each worker runs threads (gthread), so that a
lesson streaming to one browser does not hold up another's answer.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from ..settings import Settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
THREADS = 8


def prepare(settings: Settings) -> None:
    """What must exist before workers start: the database (migrated) and the cookie key.
    Raises StoreError, ConfigError."""
    from ..core import Core
    from .app import secret_key

    with Core(settings) as core:
        core.bank.ensure()
    secret_key(settings.data_dir)


def check_port(host: str, port: int) -> None:
    """Raise OSError now when ``host:port`` cannot be listened on (taken, or not an address
    of this machine): gunicorn would retry for seconds and then log it in its own words."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def run(
    settings: Settings,
    host: str,
    port: int,
    workers: int,
    *,
    threads: int = THREADS,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until stopped (SIGINT or SIGTERM). Raises OSError when the port is taken,
    StoreError or ConfigError when the database cannot be opened."""
    from gunicorn.app.base import BaseApplication

    check_port(host, port)
    prepare(settings)
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}"

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                "timeout": 0,  # a lesson from a slow model may take minutes; gthread keeps alive
                "graceful_timeout": 10,
                "keepalive": 5,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "proc_name": "learnplat-serve",
                "when_ready": lambda _arbiter: on_ready(url) if on_ready else None,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from .app import create_app

            app = create_app(settings)
            # Each worker loads what a first lesson needs before its first visitor asks.
            core = app.extensions["learnplat.core"]
            core.topics.all()
            warm = getattr(core.tutor, "warm_up", None)
            if warm is not None:
                warm()
            return app

    Server().run()
