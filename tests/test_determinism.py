"""Same input, same output (property test): for any set of articles and any NLP findings,
the site's pages and data come out byte for byte the same, whatever order the articles are
read in. Everything after NLP is covered here; reproducible NLP and whole builds are tested in
test_publish.py."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from builder.build import PreparedArticle, prepare
from builder.config import ENTITY_KINDS, SiteConfig
from builder.content import ArticleSource
from builder.entities import ArticleInput, build_registry
from builder.index import Article, build_index
from builder.records import ArticleAnalysis, CharSpan, MentionFound, QuoteFound, SentenceFound
from builder.render import Renderer
from test_prose import PROPERTY_SETTINGS, markdown_documents

NAMES = ["Mark Rutte", "Rutte", "NATO", "Kyiv", "Volodymyr Zelenskyy", "Zelenskyy", "Dutch"]
LABELS = ["PERSON", "ORG", "GPE", "NORP"]


@st.composite
def articles(draw):
    count = draw(st.integers(1, 4))
    out = []
    for number in range(count):
        body = draw(markdown_documents()) + "\n\n" + " ".join(draw(st.lists(st.sampled_from(NAMES), max_size=5)))
        date = dt.datetime(2024, 1, 1) + dt.timedelta(days=draw(st.integers(0, 3)))  # ties on purpose
        source = ArticleSource(path=Path(f"content/a{number}.md"), slug=f"a{number}", title=f"Article {number}",
                               date=date, body=body, body_line=5, tags=tuple(draw(st.lists(
                                   st.sampled_from(["NATO", "Ukraine", "Defence"]), max_size=2, unique=True))))
        prepared = prepare(source)
        mentions = []
        for name in NAMES:  # every occurrence of a name, with a label the test picks
            start = prepared.text.find(name)
            if start >= 0 and not any(m.span.overlaps(CharSpan(start, start + len(name))) for m in mentions):
                mentions.append(MentionFound(CharSpan(start, start + len(name)), name, draw(st.sampled_from(LABELS))))
        mentions.sort(key=lambda m: m.span.start)
        quotes = ()
        if mentions and len(prepared.text) > 4:
            quotes = (QuoteFound((CharSpan(0, min(len(prepared.text), 4)),), prepared.text[:4],
                                 mentions[0].span, mentions[0].text, "PERSON", "say"),)
        sentences = (SentenceFound(CharSpan(0, len(prepared.text))),)
        out.append((prepared, ArticleAnalysis(tuple(mentions), quotes, sentences)))
    return out


def render_all(site: list[tuple[PreparedArticle, ArticleAnalysis]], root: Path) -> dict[str, str]:
    config = SiteConfig(root=root, title="Same", base_url="https://example.org/news/")
    registry = build_registry([ArticleInput(p.source.slug, p.text, a, p.source.tags, p.marks)
                               for p, a in site], ENTITY_KINDS)
    index = build_index([Article(p.source, p.html, p.text, registry.articles[p.source.slug], a.sentences)
                         for p, a in site], registry)
    renderer = Renderer(config, index)
    pages = dict(renderer.pages())
    pages["api/entities.json"] = renderer.entities_json()
    pages["api/quotes.json"] = renderer.quotes_json()
    return pages


@PROPERTY_SETTINGS
@given(articles(), st.randoms(use_true_random=False))
def test_same_input_gives_the_same_site_in_any_order(tmp_path_factory, site, random):
    root = tmp_path_factory.mktemp("same")
    first = render_all(site, root)
    shuffled = list(site)
    random.shuffle(shuffled)
    assert render_all(shuffled, root) == first


def test_a_memo_hands_back_the_last_index_for_the_same_records(tmp_path):
    from builder.index import IndexMemo
    site = [(prepare(ArticleSource(path=Path(f"content/{slug}.md"), slug=slug, title=slug, date=dt.datetime(2024, 1, day),
                                   body=f"{name} spoke.", body_line=5)), None) for slug, day, name in
            [("a", 1, "Mark Rutte"), ("b", 2, "Kyiv")]]
    site = [(p, ArticleAnalysis((MentionFound(CharSpan(0, p.text.index(" spoke")), p.text[:p.text.index(" spoke")],
                                              "PERSON"),), (), ())) for p, _ in site]
    registry = build_registry([ArticleInput(p.source.slug, p.text, a, p.source.tags, p.marks) for p, a in site],
                              ENTITY_KINDS)
    articles = lambda: [Article(p.source, p.html, p.text, registry.articles[p.source.slug], a.sentences)
                        for p, a in site]
    memo = IndexMemo()
    first = build_index(articles(), registry, memo)
    assert build_index(articles(), registry, memo) is first  # equal articles, the same registry
    assert [a.slug for a in build_index(articles()[:1], registry, memo).articles] == ["a"]
    other = build_registry([ArticleInput(p.source.slug, p.text, a, p.source.tags, p.marks) for p, a in site],
                           {"person"})
    assert build_index(articles(), other, memo) is not first
