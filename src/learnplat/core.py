"""The composition root: a Core per process, a Session per user.

The Core is built once from Settings: the database (opened and migrated), and, on first use,
the tutor and grader, the topic library, the lesson cache, speech and the challenge bank
(synced into the store once). ``core.session(user)`` opens one user's Session: their Library,
Learning, TeachBack, Community, Game and Cards, each built on first use over the Core's parts.
Nothing user-specific lives in the Core, so a web adapter can open a Session per request.

Everything is built on first use and imported only then: ``learnplat docs list`` pays for the
Library alone, not for the tutors, the grader or speech.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Generic, TypeVar, overload

from . import paths
from .logs import configure_logging
from .settings import Settings

if TYPE_CHECKING:
    from .clients.base import ChatClient
    from .services.accounts import Accounts
    from .services.cards import Cards
    from .services.community import Community
    from .services.game import BankSync, Game
    from .services.learning import Learning
    from .services.lesson_cache import LessonCache
    from .services.library import Library
    from .services.speech import Speech
    from .services.teachback import TeachBack
    from .services.topic_store import TopicStore
    from .services.topics import TopicLibrary
    from .store.blobs import BlobStore
    from .store.community import CommunityStore
    from .store.database import Database
    from .store.game import GameStore
    from .store.library import LibraryStore
    from .tutors.base import Grader, Tutor

Owner = TypeVar("Owner")
T = TypeVar("T")


class part(Generic[Owner, T]):  # a decorator, like functools.cached_property
    """A part built on first use, once, by whichever thread asks first (the TUI's workers ask
    from several), then kept on the instance; a test may set it to a part of its own."""

    def __init__(self, build: Callable[[Owner], T]) -> None:
        self.build = build
        self.name = build.__name__
        self.__doc__ = build.__doc__

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> part[Owner, T]: ...
    @overload
    def __get__(self, instance: Owner, owner: type | None = None) -> T: ...
    def __get__(self, instance: Owner | None, owner: type | None = None) -> part[Owner, T] | T:
        if instance is None:
            return self
        with instance._lock:  # type: ignore[attr-defined]
            built = instance.__dict__
            if self.name not in built:
                built[self.name] = self.build(instance)
            return built[self.name]  # type: ignore[no-any-return]


class _Parts:
    def __init__(self) -> None:
        self._lock = threading.RLock()


class Core(_Parts):
    """What every user of one process shares. Raises StoreError when the database cannot be
    opened or migrated."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        from .store.database import open_database

        configure_logging()
        self.settings = settings
        self.database: Database = open_database(settings.database_url, settings.data_dir)

    # the store ------------------------------------------------------------------
    @part
    def library_store(self) -> LibraryStore:
        from .store.library import LibraryStore

        return LibraryStore(self.database)

    @part
    def community_store(self) -> CommunityStore:
        from .store.community import CommunityStore

        return CommunityStore(self.database)

    @part
    def game_store(self) -> GameStore:
        from .store.game import GameStore

        return GameStore(self.database)

    @part
    def blobs(self) -> BlobStore:
        """Where ingested originals are kept: the data dir, or a bucket several servers share."""
        from .store.blobs import open_blob_store

        return open_blob_store(self.settings.blob_store, self.settings.data_dir)

    @part
    def bank(self) -> BankSync:
        """The shipped challenge bank, synced into the store once per process."""
        from .services.game import BankSync

        return BankSync(self.game_store)

    @part
    def accounts(self) -> Accounts:
        """Web accounts: sign-ups, logins, and terminal profiles claimed with a password."""
        from .services.accounts import Accounts
        from .settings import check_profile_name
        from .store.accounts import AccountStore

        return Accounts(AccountStore(self.database), self.library_store, check_profile_name)

    # topics and lessons ---------------------------------------------------------
    @part
    def topic_store(self) -> TopicStore:
        from .services.topic_store import open_topic_store

        settings = self.settings
        return open_topic_store(settings.topic_store, settings.data_dir)

    @part
    def topics(self) -> TopicLibrary:
        from .services.topics import TopicLibrary

        return TopicLibrary(store=self.topic_store)

    @part
    def lesson_cache(self) -> LessonCache:
        from .services.lesson_cache import LessonCache

        return LessonCache(self.topic_store)

    # pedagogy -------------------------------------------------------------------
    @part
    def client(self) -> ChatClient | None:
        """The configured model's chat client; None offline."""
        from .tutors.factory import make_client

        return make_client(self.settings)

    @part
    def tutor(self) -> Tutor:
        from .tutors.factory import make_tutor

        return make_tutor(self.settings, self.client)

    @part
    def grader(self) -> Grader:
        from .tutors.factory import make_grader

        return make_grader(
            self.client, semantic=self.settings.semantic_grading, settings=self.settings
        )

    @part
    def speech(self) -> Speech:
        from .services.speech import Speech

        settings = self.settings
        return Speech.from_settings(
            settings.speech,
            region=settings.region,
            polly_engine=settings.polly_engine,
            polly_voice=settings.polly_voice,
            voice=settings.voice,
            audio_dir=paths.audio_dir(settings.data_dir),
        )

    # sessions -------------------------------------------------------------------
    def session(self, user: str | None = None) -> Session:
        """``user``'s Session (the configured profile by default), the profile made on first
        use; "Ana" is the profile "ana". Raises BadInput for a name no profile can have."""
        return Session(self, self.library_store.ensure_user(user or self.settings.user))

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Core:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class Session(_Parts):
    """One user's services over a Core. The CLI and the TUI open one; each call of a service
    method is its own unit of work."""

    def __init__(self, core: Core, user: str, *, owns_core: bool = False) -> None:
        super().__init__()
        self.core = core
        self.user = user
        self.settings = replace(core.settings, user=user)
        self._owns_core = owns_core

    @classmethod
    def open(cls, settings: Settings) -> Session:
        """A Core for this process and the Session of ``settings.user``; closing the Session
        closes the Core. Raises StoreError."""
        core = Core(settings)
        try:
            session = core.session(settings.user)
        except BaseException:
            core.close()
            raise
        session._owns_core = True
        return session

    @property
    def database(self) -> Database:
        return self.core.database

    @part
    def speech(self) -> Speech:
        return self.core.speech

    @part
    def library(self) -> Library:
        from .services.library import Library

        settings = self.settings
        return Library(
            self.core.library_store,
            settings.data_dir,
            self.user,
            settings.max_file_bytes,
            self.core.blobs,
        )

    @part
    def learning(self) -> Learning:
        from .services.learning import Learning, Provider

        core = self.core
        return Learning(
            self.library,
            core.topics,
            core.tutor,
            Provider(core.settings.provider, core.settings.model_id),
            core.lesson_cache,
        )

    @part
    def community(self) -> Community:
        from .services.community import Community

        return Community(self.core.community_store, self.user)

    @part
    def teachback(self) -> TeachBack:
        from .services.teachback import TeachBack

        return TeachBack(self.learning, self.community, self.core.grader)

    @part
    def game(self) -> Game:
        from .services.game import Game

        core = self.core
        return Game(
            core.game_store, lambda: self.library, lambda: core.tutor, self.user, bank=core.bank
        )

    @part
    def cards(self) -> Cards:
        from .services.cards import Cards

        return Cards(self.game)

    def close(self) -> None:
        """Closes the Core when this Session opened it (``Session.open``)."""
        if self._owns_core:
            self.core.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
