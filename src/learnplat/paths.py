"""Where learnplat keeps things: functions over platformdirs, all redirected by LEARNPLAT_HOME."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

import platformdirs

APP_NAME = "learnplat"
HOME_ENV = "LEARNPLAT_HOME"
# The data dir holds text decrypted from password-protected PDFs: its owner's alone, whatever
# the umask says.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


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


def log_dir() -> Path:
    """Logs: ``LEARNPLAT_HOME/logs`` when set, else the platform's user log dir (on Linux
    ``~/.local/state/learnplat/log``)."""
    home = home_override()
    return home / "logs" if home else Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def log_file() -> Path:
    """The log file that takes library warnings (pypdf, PDFium) away from the terminal."""
    return log_dir() / "learnplat.log"


def cache_dir() -> Path:
    """What can be rebuilt (what was learnt about model servers): ``LEARNPLAT_HOME/cache`` when
    set, else the platform's user cache dir (on Linux ``~/.cache/learnplat``)."""
    home = home_override()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def model_servers_file() -> Path:
    return cache_dir() / "model-servers.json"


def shipped_data_dir() -> Path:
    """Shipped content: ``learnplat/data`` in the wheel, ``data/`` in a source checkout."""
    packaged = Path(__file__).resolve().parent / "data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"


def private_dir(path: Path) -> Path:
    """``path`` made if missing (with its parents) and set to 0700; returns it. Raises OSError
    when it cannot be made."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    _restrict(path, PRIVATE_DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """``path`` created empty if missing and set to 0600; returns it. Raises OSError when it
    cannot be created."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    _restrict(path, PRIVATE_FILE_MODE)  # the umask may have taken bits off a new file's mode
    return path


def restrict_if_present(path: Path, mode: int = PRIVATE_FILE_MODE) -> None:
    """Set an existing file's mode (a database's -wal and -shm files); a missing one is fine."""
    with contextlib.suppress(FileNotFoundError):
        _restrict(path, mode)


def shared_entries(root: Path) -> list[Path]:
    """The files and folders under ``root`` (itself included) that others than their owner may
    read, write or enter; symbolic links are not followed."""
    found = []
    for path in (root, *root.rglob("*")) if root.is_dir() else ():
        try:
            info = path.lstat()
        except FileNotFoundError:  # removed meanwhile
            continue
        if not stat.S_ISLNK(info.st_mode) and info.st_mode & 0o077:
            found.append(path)
    return found


def make_private(entries: list[Path]) -> None:
    """Folders to 0700, files to 0600. Raises OSError (a file someone else owns)."""
    for path in entries:
        os.chmod(path, PRIVATE_DIR_MODE if path.is_dir() else PRIVATE_FILE_MODE)


def _restrict(path: Path, mode: int) -> None:
    # Only when it differs, and never fatal: a data dir on a file system without modes, or a
    # file someone else owns, still works (the doctor reports what stays readable by others).
    current = stat.S_IMODE(path.stat().st_mode)
    if current != mode:
        try:
            os.chmod(path, mode)
        except PermissionError as exc:
            logging.getLogger("learnplat").warning("cannot make %s private: %s", path, exc)
