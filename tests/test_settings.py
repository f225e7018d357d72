"""Settings precedence (flag > env > file > default), paths redirection and config errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnplat.errors import ConfigError
from learnplat.settings import load_settings


def write_config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text, encoding="utf-8")


def test_defaults_use_learnplat_home_for_data_and_config(isolated_home: Path) -> None:
    settings = load_settings()
    assert settings.data_dir == isolated_home.resolve()
    assert settings.config_path == isolated_home / "config.toml"
    assert settings.provider == "offline"
    assert settings.max_file_mb == 16
    assert settings.sources["provider"] == "default"


def test_flag_beats_env_beats_file(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(isolated_home, 'user = "from-file"\nprovider = "openai"\nmax_file_mb = 2\n')
    monkeypatch.setenv("LEARNPLAT_USER", "from-env")
    settings = load_settings({"user": "from-flag"})
    assert (settings.user, settings.sources["user"]) == ("from-flag", "flag")
    assert (settings.provider, settings.sources["provider"]) == ("openai", "file")
    assert settings.max_file_bytes == 2 * 1024 * 1024

    settings = load_settings()
    assert (settings.user, settings.sources["user"]) == ("from-env", "env")


def test_data_dir_flag_redirects_config_too(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    write_config(other, 'provider = "bedrock"\n')
    settings = load_settings({"data_dir": other})
    assert settings.data_dir == other.resolve()
    assert settings.provider == "bedrock"


def test_user_defaults_to_login_name(isolated_home: Path) -> None:
    settings = load_settings()
    assert settings.user
    assert settings.sources["user"] == "login"


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"provider": "gpt"}, "must be one of offline, bedrock, openai"),
        ({"user": "bad name!"}, "--user"),
        ({"max_file_mb": "-1"}, "greater than 0"),
    ],
)
def test_invalid_values_name_the_setting(flags: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(flags)


def test_invalid_env_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNPLAT_MAX_FILE_MB", "lots")
    with pytest.raises(ConfigError, match="LEARNPLAT_MAX_FILE_MB"):
        load_settings()


def test_broken_toml_is_a_config_error_with_a_hint(isolated_home: Path) -> None:
    write_config(isolated_home, "provider = \n")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert "not valid TOML" in raised.value.message
    assert raised.value.hint


def test_unknown_keys_warn_but_do_not_fail(isolated_home: Path) -> None:
    write_config(isolated_home, 'colour = "blue"\n')
    settings = load_settings()
    assert any("colour" in warning for warning in settings.warnings)


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("\u0430na", "'\u0430' (U+0430 CYRILLIC SMALL LETTER A) only looks like the Latin 'a'"),
        ("\uff41\uff4e\uff41", "'\uff41' (U+FF41 FULLWIDTH LATIN SMALL LETTER A) only looks like"),
        ("b\u03bfb", "'\u03bf' (U+03BF GREEK SMALL LETTER OMICRON) only looks like the Latin 'o'"),
    ],
    ids=["cyrillic", "full-width", "greek"],
)
def test_a_profile_name_with_letters_that_only_look_latin_says_which(name: str, named: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({"user": name})
    assert named in raised.value.message
    assert "type the name in Latin letters" in raised.value.message
