"""The shapes extraction returns: typed blocks of light-Markdown text grouped into numbered units.

The text contract (what passages and the offline engine read)
-------------------------------------------------------------
Every block's ``text`` says what kind of block it is by its form alone, so that a passage (block
texts joined by a blank line, "\\n\\n") can be split back into its blocks and each one recognised
without the Block objects:

- ``paragraph``: plain prose on one line, wrapped lines joined, no Markdown markup.
- ``heading``: plain text on one line, its own block; ``heading_path`` holds it with the headings
  above it. Never a math fragment, a table-of-contents line or a page furniture line.
- ``list``: one item per line, each starting with its marker as written ("- ", "1. ", "a) ");
  bullets of any shape ("•", "▪", "*") are written "- ".
- ``table``: pipe rows, the first row a header followed by a separator line::

      | Stage | Output |
      | --- | --- |
      | Light | oxygen |

  A "|" inside a cell is written "\\|". A long table is cut into blocks of rows, each repeating
  the header and separator.
- ``code``: the lines as written between fence lines of three backticks ("```" alone on the
  first and the last line; no language name). Blank lines inside are dropped so that a code block
  never holds "\\n\\n".
- ``quote``: every line starts with "> ".
- ``caption``: one line starting "Figure: " (an image's alt text), or a printed caption as it
  stands ("Figure 1.2: …", "Table 3. …").
- ``math``: display mathematics that could not be read as prose, on one line between "$$ " and
  " $$". Never glued into a paragraph.

No block text contains "\\n\\n", HTML tags or entities, Liquid/kramdown markup, or private-use
glyphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SUPPORTED_EXTENSIONS = frozenset({".pdf", ".docx", ".txt", ".text", ".md", ".markdown"})

PARAGRAPH = "paragraph"
HEADING = "heading"
LIST = "list"
TABLE = "table"
CODE = "code"
QUOTE = "quote"
CAPTION = "caption"
MATH = "math"
BLOCK_KINDS = frozenset({PARAGRAPH, HEADING, LIST, TABLE, CODE, QUOTE, CAPTION, MATH})


@dataclass(frozen=True)
class Block:
    """One paragraph, heading, list, table, code block, quote, caption or display formula."""

    text: str
    # Headings in force at this block, outermost first; a heading block includes itself.
    heading_path: tuple[str, ...]
    kind: str = PARAGRAPH

    @property
    def is_heading(self) -> bool:
        return self.kind == HEADING


@dataclass
class Unit:
    """A numbered piece of a document: a PDF page, or a section of the other kinds."""

    number: int
    blocks: list[Block]
    # The page number printed on a PDF page ("23", "xii") where it differs from ``number``.
    label: str | None = None

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
