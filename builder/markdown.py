"""The one configured Markdown renderer: CommonMark plus tables, strikethrough, footnotes and
heading anchors.

Raw HTML in articles is escaped (shown as text), not passed through: authors write Markdown,
and nothing in an article can inject markup or script into the site. Typographic
replacements stay off so the quote marks that authors typed reach the quote finder unchanged.
"""
from __future__ import annotations

import re
from functools import lru_cache

from typing import TYPE_CHECKING

from slugify import slugify

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Deeply nested input (e.g. 10 000 ">" in a row) would otherwise recurse without bound.
MAX_NESTING = 20


#: Ids that annotate.py gives cards and quotes; a heading never takes one of them.
_RESERVED_ID = re.compile(r"(card|quote)-\d+")


def heading_slug(title: str) -> str:
    slug = slugify(title) or "section"
    return f"section-{slug}" if _RESERVED_ID.fullmatch(slug) else slug


@lru_cache(maxsize=1)
def markdown_renderer() -> MarkdownIt:
    # imported here: a build whose articles all come from the cache never renders Markdown,
    # and a template edit should not wait for the import
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin
    from mdit_py_plugins.attrs import attrs_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                   "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=heading_slug, permalink=False)
    # Editors' inline marks: [the Secretary General]{entity="Mark Rutte"} links a phrase to an
    # entity, [“...”]{speaker="Mark Rutte"} marks a quote's speaker, [...]{.no-annotate}
    # keeps a phrase plain. Only these attributes survive, as data-* attributes: the
    # syntax must not become a way to put onclick= or style= into a page.
    md.use(attrs_plugin, spans=True)
    md.core.ruler.push("gloss_inline_marks", _keep_editorial_attributes)
    return md


#: {name=...} attribute -> the attribute it becomes in the HTML.
EDITORIAL_ATTRIBUTES = {"entity": "data-entity", "speaker": "data-speaker", "kind": "data-kind"}


def _keep_editorial_attributes(state) -> None:
    for block in state.tokens:
        for token in [block, *(block.children or ())]:
            if not token.attrs:
                continue
            kept = {}
            for name, value in token.attrs.items():
                if name in EDITORIAL_ATTRIBUTES and token.type == "span_open":
                    kept[EDITORIAL_ATTRIBUTES[name]] = str(value)
                elif name == "class" and token.type == "span_open":
                    classes = [c for c in str(value).split() if c == "no-annotate"]
                    if classes:
                        kept["class"] = " ".join(classes)
                elif name in ("href", "src", "alt", "title", "id", "start") and token.type != "span_open":
                    kept[name] = value  # what markdown-it itself sets (links, images, lists, headings)
                elif name == "style" and token.type in ("th_open", "td_open"):
                    kept[name] = value  # table column alignment
            token.attrs = kept


def render_markdown(body: str) -> str:
    return markdown_renderer().render(body)


#: Every level of nesting costs at least one character at the start of the line that reaches it
#: ("> > >", "- - -", indentation), so only a body with a long run of such characters at the
#: start of some line can come near MAX_NESTING (well below it, to be safe).
_DEEP_PREFIX = re.compile(r"^[ \t>*+\-0-9.)]{%d,}" % (MAX_NESTING // 3), re.MULTILINE)


def nesting_limit_line(body: str) -> int | None:
    """The 0-based line of the body where blocks nest MAX_NESTING deep, or None.

    Past that depth markdown-it stops parsing and leaves the inner text out (rather than
    recursing without bound); the limit shows in the tokens as a container that was opened at
    the deepest level and closed with nothing in it."""
    if not _DEEP_PREFIX.search(body):
        return None  # no line starts deep enough in containers: skip a second full parse
    tokens = markdown_renderer().parse(body)
    for token, following in zip(tokens, tokens[1:]):
        if token.nesting == 1 and token.level >= MAX_NESTING - 1 and following.nesting == -1:
            return token.map[0] if token.map else 0
    return None
