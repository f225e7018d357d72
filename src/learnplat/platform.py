"""The composition root: build every service once from Settings and hand them to the adapters."""

from __future__ import annotations

from dataclasses import dataclass

from . import paths
from .logs import configure_logging
from .services.library import Library
from .settings import Settings
from .store.database import Database
from .store.library import LibraryStore


@dataclass
class Platform:
    """Everything an adapter (CLI, TUI, web) needs, built from one Settings."""

    settings: Settings
    database: Database
    library: Library

    @classmethod
    def build(cls, settings: Settings) -> Platform:
        """Open and migrate the database, then wire the services. Raises StoreError."""
        configure_logging(settings.data_dir)
        database = Database(paths.database_file(settings.data_dir))
        library_store = LibraryStore(database)
        library_store.ensure_user(settings.user)
        library = Library(library_store, settings.data_dir, settings.user, settings.max_file_bytes)
        return cls(settings=settings, database=database, library=library)

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Platform:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
