"""The one configured Markdown renderer: CommonMark plus tables, strikethrough, footnotes and
heading anchors.

Raw HTML in articles is escaped (shown as text), not passed through: authors write Markdown,
and nothing in an article can inject markup or script into the site. Typographic
replacements stay off so the quote marks that authors typed reach the quote finder unchanged.
"""
from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from slugify import slugify

# Deeply nested input (e.g. 10 000 ">" in a row) would otherwise recurse without bound.
MAX_NESTING = 20


#: Ids that annotate.py gives cards and quotes; a heading never takes one of them.
_RESERVED_ID = re.compile(r"(card|quote)-\d+")


def heading_slug(title: str) -> str:
    slug = slugify(title) or "section"
    return f"section-{slug}" if _RESERVED_ID.fullmatch(slug) else slug


@lru_cache(maxsize=1)
def markdown_renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                   "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=heading_slug, permalink=False)
    return md


def render_markdown(body: str) -> str:
    return markdown_renderer().render(body)
