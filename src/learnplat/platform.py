"""The composition root: build every service once from Settings and hand them to the adapters."""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import paths
from .logs import configure_logging
from .services.cards import Cards
from .services.community import Community
from .services.game import Game
from .services.learning import Learning, Provider
from .services.lesson_cache import LessonCache
from .services.library import Library
from .services.speech import Speech
from .services.teachback import TeachBack
from .services.topic_store import open_topic_store
from .services.topics import TopicLibrary
from .settings import Settings
from .store.community import CommunityStore
from .store.database import Database
from .store.game import GameStore
from .store.library import LibraryStore
from .tutors.factory import make_client, make_grader, make_tutor


@dataclass
class Platform:
    """Everything an adapter (CLI, TUI, web) needs, built from one Settings."""

    settings: Settings
    database: Database
    library: Library
    learning: Learning
    speech: Speech
    community: Community
    teachback: TeachBack
    game: Game
    cards: Cards

    @classmethod
    def build(cls, settings: Settings) -> Platform:
        """Open and migrate the database, then wire the services. Raises StoreError."""
        configure_logging(settings.data_dir)
        database = Database(paths.database_file(settings.data_dir))
        library_store = LibraryStore(database)
        user = library_store.ensure_user(settings.user)  # "Ana" is the profile "ana"
        if user != settings.user:
            settings = replace(settings, user=user)
        library = Library(library_store, settings.data_dir, settings.user, settings.max_file_bytes)
        topic_store = open_topic_store(settings.topic_store, settings.data_dir)
        client = make_client(settings)
        learning = Learning(
            library,
            TopicLibrary(store=topic_store),
            make_tutor(settings, client),
            Provider(settings.provider, settings.model_id),
            LessonCache(topic_store),
        )
        speech = Speech.from_settings(
            settings.speech,
            region=settings.region,
            polly_engine=settings.polly_engine,
            polly_voice=settings.polly_voice,
            voice=settings.voice,
            audio_dir=paths.audio_dir(settings.data_dir),
        )
        community = Community(CommunityStore(database), settings.user)
        game = Game(GameStore(database), library, learning.tutor, settings.user)
        return cls(
            settings=settings,
            database=database,
            library=library,
            learning=learning,
            speech=speech,
            community=community,
            teachback=TeachBack(
                learning, community, make_grader(client, semantic=settings.semantic_grading)
            ),
            game=game,
            cards=Cards(game),
        )

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Platform:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
