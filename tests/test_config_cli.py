"""`config set` and `config unset`: settings written into config.toml, checked first, the
rest of the file (comments, other settings, tables) kept as it was."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from typer.testing import CliRunner

from learnplat.cli import app
from learnplat.settings import load_settings

CONFIG = '# my settings\nuser = "ana"   # me\n\n[later]\nx = 1\n'


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_a_setting_is_written_checked_and_read_back(isolated_home: Path) -> None:
    config = isolated_home / "config.toml"
    isolated_home.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG, encoding="utf-8")
    assert run("config", "set", "max_file_mb", "32").exit_code == 0
    done = run("config", "set", "database_url", "postgresql://ana:secret@db/lp", "--json")
    assert done.exit_code == 0 and "secret" not in done.stdout  # the password is not shown
    assert json.loads(done.stdout)["value"] == "postgresql://ana:***@db/lp"
    assert run("config", "set", "max_file_mb", "48").exit_code == 0  # replaced, not repeated

    settings = load_settings({})
    assert settings.max_file_mb == 48.0 and settings.sources["max_file_mb"] == "file"
    assert settings.database_url == "postgresql://ana:secret@db/lp"
    text = config.read_text(encoding="utf-8")
    assert text.count("max_file_mb") == 1
    assert text.startswith('# my settings\nuser = "ana"   # me\n')  # comments kept
    assert text.endswith("[later]\nx = 1\n")  # and the table, after the settings
    assert stat.S_IMODE(config.stat().st_mode) == 0o600  # it may hold a password

    assert run("config", "unset", "max_file_mb").exit_code == 0
    gone = run("config", "unset", "max_file_mb", "--json")
    assert json.loads(gone.stdout)["removed"] is False
    assert load_settings({}).max_file_mb == 16.0  # the default again


def test_a_bad_key_or_value_is_refused_and_the_file_left_alone(isolated_home: Path) -> None:
    config = isolated_home / "config.toml"
    isolated_home.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG, encoding="utf-8")
    for args, message in (
        (("colour", "red"), "unknown setting 'colour'"),
        (("max_file_mb", "lots"), "max_file_mb 'lots' is invalid"),
        (("provider", "gpt"), "provider 'gpt' is invalid"),
    ):
        done = run("config", "set", *args)
        assert done.exit_code == 2 and message in done.stderr, done.output
    assert config.read_text(encoding="utf-8") == CONFIG


def test_a_config_file_that_is_not_toml_is_not_edited(isolated_home: Path) -> None:
    config = isolated_home / "config.toml"
    isolated_home.mkdir(parents=True, exist_ok=True)
    config.write_text("user = [unclosed\n", encoding="utf-8")
    done = run("config", "set", "max_file_mb", "32")
    assert done.exit_code == 2 and "is not valid TOML" in done.stderr
    assert config.read_text(encoding="utf-8") == "user = [unclosed\n"


def test_a_setting_goes_into_a_new_file(isolated_home: Path) -> None:
    assert run("config", "set", "user", "bo").exit_code == 0
    assert load_settings({}).user == "bo"
    assert (isolated_home / "config.toml").read_text(encoding="utf-8") == 'user = "bo"\n'
