"""Where learnplat keeps things: functions over platformdirs, all redirected by LEARNPLAT_HOME."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "learnplat"
HOME_ENV = "LEARNPLAT_HOME"


def home_override() -> Path | None:
    """The directory named by ``LEARNPLAT_HOME``, if set: it then holds data and config alike."""
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def default_data_dir() -> Path:
    """The user data dir: ``LEARNPLAT_HOME`` when set, else the platform's user data dir."""
    return home_override() or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The user config dir: ``LEARNPLAT_HOME`` when set, else the platform's user config dir."""
    return home_override() or Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    """The TOML config file (it need not exist)."""
    return config_dir() / "config.toml"


def database_file(data_dir: Path) -> Path:
    """The SQLite database inside a data dir."""
    return data_dir / "learnplat.db"


def originals_dir(data_dir: Path) -> Path:
    """Where copies of ingested files live, so lessons can cite them after the user moves them."""
    return data_dir / "originals"


def audio_dir(data_dir: Path) -> Path:
    """Where spoken lessons are saved when no output path is given."""
    return data_dir / "audio"


def log_file(data_dir: Path) -> Path:
    """The log file that takes library warnings (pypdf, PDFium) away from the terminal."""
    return data_dir / "logs" / "learnplat.log"


def shipped_data_dir() -> Path:
    """Shipped content: ``learnplat/data`` in the wheel, ``data/`` in a source checkout."""
    packaged = Path(__file__).resolve().parent / "data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"
