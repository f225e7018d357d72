"""Grouping headings and blocks into numbered sections, for the kinds that have no pages."""

from __future__ import annotations

from .cleanup import HeadingStack, squash
from .model import HEADING, PARAGRAPH, Block, Unit


class SectionBuilder:
    """Collects blocks in reading order; every heading starts a new section.

    A section holding only headings so far is not closed by the next heading: a chapter title
    followed at once by its first subsection makes one section, not an empty-bodied one.
    """

    def __init__(self) -> None:
        self._units: list[Unit] = []
        self._blocks: list[Block] = []
        self._headings = HeadingStack()
        self.first_heading: str | None = None

    def heading(self, text: str, level: int) -> None:
        text = squash(text)
        if not text:
            return
        if any(not block.is_heading for block in self._blocks):
            self.end_section()
        if self.first_heading is None:
            self.first_heading = text
        self._blocks.append(Block(text, self._headings.push(text, level), HEADING))

    def paragraph(self, text: str, kind: str = PARAGRAPH) -> None:
        """Add a body block of ``kind``; ``text`` is in its final form (empty text is skipped)."""
        if text:
            self._blocks.append(Block(text, self._headings.path, kind))

    def end_section(self) -> None:
        if self._blocks:
            self._units.append(Unit(len(self._units) + 1, self._blocks))
            self._blocks = []

    def finish(self) -> list[Unit]:
        self.end_section()
        return self._units
