"""Web accounts over the profiles: sign up, log in, claim a terminal profile with a password.

A terminal profile and a web account are one row of ``users``: an account is a profile with a
password. Passwords are kept as scrypt hashes (memory-hard, in the standard library). Failed
logins are counted by name in the database, so that every server process slows guessing down
alike: after ``FREE_FAILURES`` within ``WINDOW_S``, each try waits until ``wait_after`` of the
last failure has passed, doubling with each further failure.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

from ..errors import BadInput, NotSignedIn, TooManyAttempts
from ..profile_names import profile_key
from ..store.accounts import AccountStore
from ..store.library import LibraryStore

MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # a hash of a megabyte is work nobody needs to ask for
# scrypt at N=2^14, r=8: 16 MiB a pass (OWASP's minimum is N=2^17 with r=8, p=1, or
# the same memory as N=2^14, r=8, p=5); p=5 keeps the memory at 16 MiB, at ~0.2 s a hash here.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 5
FREE_FAILURES = 4  # the fifth wrong password in the window starts the waits
# One address guessing at many names, and making accounts. Generous: a class behind one
# school router (NAT) shares an address, typos and sign-ups at the start of a lesson included.
FREE_CLIENT_FAILURES = 100
SIGNUPS_PER_CLIENT = 60
WINDOW_S = 15 * 60
FIRST_WAIT_S = 30
LONGEST_WAIT_S = 15 * 60

# A hash to check against when the name has no account: a wrong name costs what a wrong
# password does, so timing does not say which names exist.
_DUMMY_SALT = b"learnplat-no-account"


@functools.cache
def _dummy_hash() -> str:
    return hash_password("no account has this password", _DUMMY_SALT)


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r + 2**20, dklen=32
    )


def check_password(password: str, stored: str) -> bool:
    try:
        method, n, r, p, salt, digest = stored.split("$")
        if method != "scrypt":
            return False
        given = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(given, base64.b64decode(digest))


def check_new_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise BadInput(
            f"the password is too short: at least {MIN_PASSWORD} characters",
            hint="a few words you will remember make a long password",
        )
    if len(password) > MAX_PASSWORD:
        raise BadInput(f"the password is too long: at most {MAX_PASSWORD} characters")
    return password


def wait_after(failures: int, free: int = FREE_FAILURES) -> int:
    """Seconds a login waits after the last of ``failures`` failures within the window."""
    if failures <= free:
        return 0
    return min(LONGEST_WAIT_S, FIRST_WAIT_S * 2 ** min(failures - free - 1, 16))


class Accounts:
    """Sign-ups and logins. Methods raise BadInput (a bad name or password), NotSignedIn (a
    name and password that do not match) and TooManyAttempts."""

    def __init__(
        self,
        store: AccountStore,
        profiles: LibraryStore,
        check_name: Callable[[str], str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.profiles = profiles
        self.check_name = check_name
        self.clock = clock

    def signup(self, name: str, password: str, client: str | None = None) -> str:
        """A new account named ``name``; its profile id. A name taken by an account, or by a
        terminal profile not yet claimed, is refused; so is a ``client`` (a web visitor's
        address) that made SIGNUPS_PER_CLIENT accounts within the window."""
        name = self.check_name(name)
        check_new_password(password)
        now = self.clock()
        since = int((now - WINDOW_S) * 1000)
        key = f"+{client}"[:64] if client else None
        if key is not None:
            made = self.store.attempts_since(key, since)
            if len(made) >= SIGNUPS_PER_CLIENT:
                left = int(made[0] / 1000 + WINDOW_S - now + 0.999)
                raise TooManyAttempts(
                    f"too many new accounts from your address: try again in {left} s",
                    hint=f"{SIGNUPS_PER_CLIENT} accounts can be made from one address in "
                    f"{WINDOW_S // 60} minutes",
                    retry_after_s=max(left, 1),
                )
        hashed = hash_password(password)
        existing = self._profile(name)
        if existing is not None and self.store.password_hash(existing) is None:
            raise BadInput(
                f"{existing!r} is a terminal profile on this server",
                hint=f"its owner claims it with `learnplat --user {existing} account "
                "password`, then logs in here",
            )
        if existing is not None:
            raise BadInput(f"the name {name!r} is taken", hint="choose another name")
        user = self.profiles.ensure_user(name)  # refuses a look-alike of another's name
        if not self.store.claim(user, hashed):  # another sign-up took it meanwhile
            raise BadInput(f"the name {name!r} is taken", hint="choose another name")
        if key is not None:
            self.store.add_attempt(key, int(now * 1000), since)  # counted like a failed login
        return user

    def _profile(self, name: str) -> str | None:
        """The profile ``name`` means (names are ASCII: the case aside), or None."""
        rows = self.profiles.database.rows(
            "SELECT id FROM users WHERE LOWER(id) = ? ORDER BY id", (name.lower(),)
        )
        exact = [str(r["id"]) for r in rows if r["id"] == name]
        return exact[0] if exact else (str(rows[0]["id"]) if rows else None)

    def login(self, name: str, password: str, client: str | None = None) -> str:
        """The profile id of the account ``name`` when ``password`` is its password.
        ``client`` (a web visitor's address) is slowed down too when it guesses at many
        names: after ``FREE_CLIENT_FAILURES`` failures in the window."""
        now = self.clock()
        since = int((now - WINDOW_S) * 1000)
        keys = [(profile_key(name.strip())[:64], FREE_FAILURES, f"for {name.strip()!r}")]
        if client:
            keys.append((f"@{client}"[:64], FREE_CLIENT_FAILURES, "from your address"))
        for key, free, whose in keys:
            failures = self.store.attempts_since(key, since)
            wait = wait_after(len(failures), free)
            left = int(failures[-1] / 1000 + wait - now + 0.999) if wait else 0
            if left > 0:
                raise TooManyAttempts(
                    f"too many wrong passwords {whose}: try again in {left} s",
                    hint="each further wrong password doubles the wait (up to 15 minutes)",
                    retry_after_s=left,
                )
        user = self._account(name)
        stored = self.store.password_hash(user) if user else None
        if stored is None:
            check_password(password, _dummy_hash())  # the same time spent: one hash
            ok = False
        else:
            ok = check_password(password, stored)
        if not ok or user is None:
            for key, _free, _whose in keys:
                self.store.add_attempt(key, int(now * 1000), since)
            raise NotSignedIn(
                "that name and password do not match an account",
                hint="check both; names are not case-sensitive",
            )
        self.store.clear_attempts(keys[0][0])  # the address keeps its count: others' names
        return user

    def _account(self, name: str) -> str | None:
        try:
            name = self.check_name(name)
        except BadInput:
            return None
        return self._profile(name)

    def set_password(self, user: str, password: str) -> None:
        """Give the profile ``user`` a (new) password: how a terminal profile is claimed by a
        web account. Only someone at the terminal with the data dir can."""
        check_new_password(password)
        self.store.set_password(user, hash_password(password))
