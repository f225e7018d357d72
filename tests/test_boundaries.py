"""Layering: services and store load no UI or transport library; one-shot commands stay light."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import learnplat.clients
import learnplat.services
import learnplat.store
import learnplat.tutors

FORBIDDEN = ("textual", "typer", "flask", "rich")


def _modules(package) -> list[str]:
    return [info.name for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]


def _loaded_after_importing(modules: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


def test_services_and_store_never_import_ui_or_transport() -> None:
    modules = [
        *_modules(learnplat.services),
        *_modules(learnplat.store),
        *_modules(learnplat.tutors),
        *_modules(learnplat.clients),
        "learnplat.core",
    ]
    assert "learnplat.services.library" in modules
    loaded = _loaded_after_importing(modules)
    assert not loaded & set(FORBIDDEN), loaded & set(FORBIDDEN)


def test_cli_import_does_not_load_textual_or_pdf_engines() -> None:
    loaded = _loaded_after_importing(["learnplat.cli"])
    assert "typer" in loaded
    assert not loaded & {"textual", "pypdfium2", "pypdf", "docx", "sqlite_utils", "boto3", "numpy"}


def test_tcss_ships_beside_the_app() -> None:
    assert (Path(learnplat.services.__file__).parents[1] / "learnplat.tcss").is_file()
