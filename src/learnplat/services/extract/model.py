"""The shapes extraction returns: blocks of text grouped into numbered units."""

from __future__ import annotations

from dataclasses import dataclass, field

SUPPORTED_EXTENSIONS = frozenset({".pdf", ".docx", ".txt", ".text", ".md", ".markdown"})


@dataclass(frozen=True)
class Block:
    """One paragraph, heading or group of table rows, whitespace-normalised."""

    text: str
    # Headings in force at this block, outermost first; a heading block includes itself.
    heading_path: tuple[str, ...]
    is_heading: bool = False


@dataclass
class Unit:
    """A numbered piece of a document: a PDF page, or a section of the other kinds."""

    number: int
    blocks: list[Block]

    @property
    def text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)

    @property
    def heading_path(self) -> tuple[str, ...]:
        return self.blocks[0].heading_path if self.blocks else ()

    @property
    def words(self) -> int:
        return sum(len(block.text.split()) for block in self.blocks)


@dataclass
class Extracted:
    """Everything read from one file: its real kind, title, units in order and user notes."""

    kind: str
    unit_name: str
    title: str
    units: list[Unit]
    warnings: list[str] = field(default_factory=list)
    page_count: int = 0
