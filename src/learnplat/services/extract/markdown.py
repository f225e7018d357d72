"""Markdown reader: CommonMark blocks (markdown-it) into typed blocks, sections at headings.

Before parsing, the markup of site generators that CommonMark does not know is removed: YAML
front matter, kramdown attribute lines (``{: .callout}``) and table rules (``|=====``), Liquid
(``{{ page.root }}``, ``{% … %}``) and pandoc fenced-div lines (``::::: challenge``); simple
inline TeX becomes its symbols ("$$\\sigma$$" is "σ", ``texsymbols.py``). HTML never reaches a
block: tags are dropped, their text kept, an image's alt text becomes a caption.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from .cleanup import clean_text, is_caption, normalise_newlines, squash
from .htmltext import html_parts, tag_name
from .markup import caption, code_blocks, list_blocks, quote_block, table_blocks
from .model import CAPTION, CODE, LIST, PARAGRAPH, QUOTE, TABLE, Unit
from .sections import SectionBuilder
from .texsymbols import plain_math

if TYPE_CHECKING:
    from markdown_it.token import Token

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTE_PREFIX = re.compile(r"^(?:\s{0,3}>)*\s?")
_IAL_LINE = re.compile(r"^((?:\s{0,3}>)*)\s*\{:[^}]*\}\s*$")
_IAL = re.compile(r"\{:[^}\n]*\}")
# Pandoc attributes after an image, link or heading: {alt='…'} gives the alt text, the rest goes.
_ATTRIBUTE_ALT = re.compile(r"!\[[^\]]*\]\(([^)]*)\)\{[^{}\n]*?\balt=(['\"])(.*?)\2[^{}\n]*\}")
_ATTRIBUTES = re.compile(r"(?<=\))\{[^{}\n]*\}|\s*\{[#.][^{}\n]*\}\s*$")
_LIQUID = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_DIV_FENCE = re.compile(r"^ {0,3}:{3,}")
_KRAMDOWN_RULE = re.compile(r"^\s*\|[=+-]*=[=+-]*\|?\s*$")
_LEFTOVER_REFERENCE = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?])(?=\s|$)")
_FOOTNOTE_MARK = re.compile(r"^\W?\d{1,3}\W?$|^[*†‡§]+$")


class MarkdownResult(NamedTuple):
    units: list[Unit]
    title: str | None


def read_markdown(text: str) -> MarkdownResult:
    """Split Markdown into sections at its headings.

    The title is the front matter's ``title:``, else the first heading.
    """
    from markdown_it import MarkdownIt

    lines = clean_text(normalise_newlines(text)).replace("\f", "\n").split("\n")
    start, title = _front_matter(lines)
    source = "\n".join(_strip_site_markup(lines[start:]))
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    walker = _Walker()
    walker.walk(parser.parse(source))
    return MarkdownResult(walker.builder.finish(), title or walker.builder.first_heading)


def _front_matter(lines: list[str]) -> tuple[int, str | None]:
    """Skip a leading YAML front matter block; return where the body starts and its title."""
    if not lines or lines[0].strip() != "---":
        return 0, None
    for index, line in enumerate(lines[1:200], start=1):
        if line.strip() in ("---", "..."):
            titles = [
                squash(entry.split(":", 1)[1]).strip("\"'")
                for entry in lines[1:index]
                if entry.lower().startswith("title:")
            ]
            return index + 1, (titles[0] or None) if titles else None
    return 0, None


def _strip_site_markup(lines: list[str]) -> list[str]:
    """Remove kramdown, Liquid and pandoc-div markup outside code; code is left as written."""
    kept: list[str] = []
    fence: str | None = None
    for line in lines:
        bare = _QUOTE_PREFIX.sub("", line, count=1)
        opening = _FENCE.match(bare)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            kept.append(line)
            continue
        if opening:
            fence = opening.group(1)
            kept.append(line)
            continue
        attribute = _IAL_LINE.match(line)
        if attribute:
            # Keep the quote markers so that a quote goes on past its attribute line.
            kept.append(attribute.group(1))
        elif _DIV_FENCE.match(line) or _KRAMDOWN_RULE.match(line):
            kept.append("")
        else:
            if "{" in line:
                line = _ATTRIBUTE_ALT.sub(r"![\3](\1)", line)
                line = _ATTRIBUTES.sub("", _LIQUID.sub("", _IAL.sub("", line)))
            kept.append(plain_math(line))
    return kept


class _Inline(NamedTuple):
    text: str
    captions: list[str]
    only_anchors: bool  # nothing but links to anchors in this document: an index, not content


class _Walker:
    """Walks markdown-it's token stream, keeping track of quotes, lists and tables."""

    def __init__(self) -> None:
        self.builder = SectionBuilder()
        self.quote_depth = 0
        self.lists: list[dict[str, Any]] = []
        self.items: list[str] = []
        self.item_anchors: list[bool] = []
        self.item_open = False
        self.rows: list[list[str]] = []
        self.row: list[str] = []

    def walk(self, tokens: list[Token]) -> None:
        for index, token in enumerate(tokens):
            handler = getattr(self, "_" + token.type, None)
            if handler is not None:
                handler(token, tokens[index + 1] if index + 1 < len(tokens) else None)
        self._flush_list()

    # --- containers ---

    def _blockquote_open(self, token: Token, following: Token | None) -> None:
        self.quote_depth += 1

    def _blockquote_close(self, token: Token, following: Token | None) -> None:
        self.quote_depth -= 1

    def _bullet_list_open(self, token: Token, following: Token | None) -> None:
        self.lists.append({"ordered": False})

    def _ordered_list_open(self, token: Token, following: Token | None) -> None:
        self.lists.append({"ordered": True})

    def _bullet_list_close(self, token: Token, following: Token | None) -> None:
        self.lists.pop()
        if not self.lists:
            self._flush_list()

    _ordered_list_close = _bullet_list_close

    def _list_item_open(self, token: Token, following: Token | None) -> None:
        ordered = self.lists[-1]["ordered"] if self.lists else False
        marker = f"{token.info}{token.markup} " if ordered else "- "
        self.items.append(marker)
        self.item_anchors.append(True)
        self.item_open = True

    def _list_item_close(self, token: Token, following: Token | None) -> None:
        self.item_open = False

    # --- leaf blocks ---

    def _heading_open(self, token: Token, following: Token | None) -> None:
        self._flush_list()
        inline = _render_inline(following)
        self.builder.heading(inline.text, int(token.tag[1]))
        self._captions(inline.captions)

    def _paragraph_open(self, token: Token, following: Token | None) -> None:
        inline = _render_inline(following)
        if self.lists and self.items:
            separator = "" if self.items[-1].endswith(" ") else " "
            self.items[-1] += separator + inline.text
            self.item_anchors[-1] = self.item_anchors[-1] and inline.only_anchors
            self._captions(inline.captions)
            return
        self._flush_list()
        if inline.only_anchors:
            return
        if self.quote_depth:
            self.builder.paragraph(quote_block(inline.text), QUOTE)
        else:
            self.builder.paragraph(inline.text, CAPTION if is_caption(inline.text) else PARAGRAPH)
        self._captions(inline.captions)

    def _fence(self, token: Token, following: Token | None) -> None:
        self._flush_list()
        for block in code_blocks(token.content.split("\n")):
            self.builder.paragraph(block, CODE)

    _code_block = _fence

    def _html_block(self, token: Token, following: Token | None) -> None:
        self._flush_list()
        for kind, text in html_parts(token.content):
            self.builder.paragraph(caption(text) if kind == CAPTION else text, kind)

    def _tr_open(self, token: Token, following: Token | None) -> None:
        self.row = []

    def _th_open(self, token: Token, following: Token | None) -> None:
        self.row.append(_render_inline(following).text)

    _td_open = _th_open

    def _tr_close(self, token: Token, following: Token | None) -> None:
        self.rows.append(self.row)

    def _table_open(self, token: Token, following: Token | None) -> None:
        self._flush_list()
        self.rows = []

    def _table_close(self, token: Token, following: Token | None) -> None:
        if any(any(cell for cell in row) for row in self.rows):
            for block in table_blocks(self.rows):
                self.builder.paragraph(block, TABLE)
        self.rows = []

    # --- helpers ---

    def _captions(self, captions: list[str]) -> None:
        for text in captions:
            self.builder.paragraph(caption(text), CAPTION)

    def _flush_list(self) -> None:
        items = [item for item in self.items if item.strip() not in ("-", "")]
        if items and not all(self.item_anchors):
            for block in list_blocks(items):
                self.builder.paragraph(block, LIST)
        self.items, self.item_anchors = [], []


def _render_inline(token: Token | None) -> _Inline:
    """An inline token's text without markup, the alt texts of its images, and whether it is
    nothing but links to anchors of this document."""
    if token is None or token.type != "inline":
        return _Inline("", [], False)
    parts: list[str] = []
    captions: list[str] = []
    anchors = 0
    anchor_depth = 0
    superscript = False
    loose_text = False
    removed = False
    for child in token.children or []:
        kind = child.type
        if kind == "text" or kind == "code_inline":
            content = child.content
            if superscript and _FOOTNOTE_MARK.match(content.strip()):
                continue
            parts.append(content)
            if not anchor_depth and re.search(r"\w", content):
                loose_text = True
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "link_open":
            if str(child.attrs.get("href", "")).startswith("#"):
                anchors += 1
                anchor_depth += 1
        elif kind == "link_close":
            anchor_depth = max(0, anchor_depth - 1)
        elif kind == "image":
            captions.append(child.content)
            removed = True
        elif kind == "html_inline":
            removed = True
            name, closing, alt = tag_name(child.content)
            if name == "img" and alt:
                captions.append(alt)
            elif name == "sup":
                superscript = not closing
            elif name in ("br", "p", "div", "li"):
                parts.append(" ")
    text = squash("".join(parts))
    if removed:
        # An image or a tag taken out of a sentence leaves a space before its punctuation.
        text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
    if "][" in text:
        text = _LEFTOVER_REFERENCE.sub(r"\1", text)
    return _Inline(text, [alt for alt in captions if squash(alt)], anchors > 0 and not loose_text)
