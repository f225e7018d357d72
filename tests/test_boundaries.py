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


def test_each_command_is_registered_by_the_module_the_entry_point_imports_for_it() -> None:
    from typer.main import get_command_name

    from learnplat.cli import app
    from learnplat.cli.main import COMMAND_MODULES

    registered = {
        command.name or get_command_name(command.callback.__name__): command.callback.__module__
        for command in app.registered_commands
    }
    for group in app.registered_groups:
        (module,) = {
            command.callback.__module__ for command in group.typer_instance.registered_commands
        }
        registered[group.name] = module
    lazy = {name: module for name, module in registered.items() if module != "learnplat.cli.main"}
    assert {name: f"learnplat.cli.{module}" for name, module in COMMAND_MODULES.items()} == lazy


def test_the_entry_point_finds_the_command_after_the_root_options() -> None:
    from typer.main import get_command

    from learnplat.cli import app
    from learnplat.cli.main import VALUE_OPTIONS, command_word

    root_options = {
        name
        for param in get_command(app).params
        if not getattr(param, "is_flag", True)
        for name in param.opts
    }
    assert root_options == VALUE_OPTIONS
    assert command_word(["--user", "docs", "--data-dir", "x", "stats", "--json"]) == "stats"
    assert command_word(["--user=ana", "-h"]) is None
    assert command_word(["--", "ask", "what"]) == "ask"
    assert command_word([]) is None


def test_a_command_line_runs_with_only_its_own_command_module_loaded(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "sys.argv = ['learnplat', '--user', 'ana', 'stats']\n"
        "from learnplat.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('learnplat.cli.'))))\n"
    )
    env = {**os.environ, "LEARNPLAT_HOME": str(tmp_path), "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert "Teach Back:" in done.stdout  # the stats ran
    loaded = done.stdout.strip().splitlines()[-1].split()
    assert "learnplat.cli.standing" in loaded
    assert not {"learnplat.cli.game", "learnplat.cli.teach", "learnplat.cli.learn"} & set(loaded)


def test_the_layer_contracts_hold() -> None:
    """import-linter's contracts in pyproject.toml: adapters > core > services > tutors >
    clients | store > domain, no UI library below the adapters, no database driver in the
    services or tutors."""
    root = Path(__file__).resolve().parents[1]
    lint = Path(sys.executable).with_name("lint-imports")
    command = [str(lint)] if lint.exists() else [sys.executable, "-m", "importlinter.cli"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), *sys.path])}
    done = subprocess.run(
        [*command, "--no-cache"], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout
