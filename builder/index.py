"""The cross-page index, built once from every article: who appears where, with whom, saying
what. Pure: records in, records out; the renderer only reads it.
"""
from __future__ import annotations

import heapq
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .content import ArticleSource
from .entities import Registry
from .records import ArticleEntities, Entity, Quote, SentenceFound, record

#: How many co-mentioned people and topics an entity page lists.
RELATED_LIMIT = 12


@record
class Article:
    """An article with everything its page needs, before annotation."""

    source: ArticleSource
    html: str  # the rendered Markdown
    text: str  # the analysed text (see builder.prose)
    entities: ArticleEntities
    sentences: tuple[SentenceFound, ...]

    @property
    def slug(self) -> str:
        return self.source.slug


@record
class Appearance:
    """One article in which an entity appears."""

    article: Article
    mentions: int
    first_sentence: str
    quotes: tuple[Quote, ...]  # said by the entity in this article


@record
class EntityPage:
    entity: Entity
    appearances: tuple[Appearance, ...]  # newest article first
    mentions: int
    related: tuple[tuple[Entity, int], ...]  # co-mentioned entities, most shared articles first
    # counted once: cards, the A-Z pages and the entity page all ask, for every entity
    quote_count: int = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "quote_count", sum(len(a.quotes) for a in self.appearances))


@record
class EntityInArticle:
    """A person or topic as an article's page lists it: the entity and its counts there."""

    entity: Entity
    mentions: int
    quotes: int


@record
class SiteIndex:
    articles: tuple[Article, ...]  # newest first
    entities: dict[str, EntityPage]  # by id, in id order

    def people(self) -> list[EntityPage]:
        return sorted((p for p in self.entities.values() if p.entity.is_person), key=_az)

    def topics(self) -> list[EntityPage]:
        return sorted((p for p in self.entities.values() if not p.entity.is_person), key=_az)


def _az(page: EntityPage) -> tuple:
    return (page.entity.name.casefold(), page.entity.id)


def sentence_around(text: str, sentences: tuple[SentenceFound, ...], position: int,
                    starts: list[int]) -> str:
    """The sentence the character at `position` is in (`starts`: the sentences' start offsets,
    computed once per article by the caller)."""
    index = bisect_right(starts, position) - 1
    if 0 <= index < len(sentences) and sentences[index].span.end >= position:
        span = sentences[index].span
        return " ".join(text[span.start:span.end].split())
    # no sentence data: the block (paragraph) around the position
    start = text.rfind("\n\n", 0, position)
    end = text.find("\n\n", position)
    return " ".join(text[start + 2 if start >= 0 else 0:end if end >= 0 else len(text)].split())


@record
class _Share:
    """What one article adds to the index: an appearance for each entity in it, and which
    entities it names together."""

    appearances: tuple[tuple[str, Appearance], ...]  # (entity id, appearance)
    present: tuple[str, ...]


def _share(article: Article) -> _Share:
    entities = article.entities
    counts = Counter(m.entity_id for m in entities.mentions)
    first: dict[str, int] = {}
    for mention in entities.mentions:
        first.setdefault(mention.entity_id, mention.span.start)
    for tag_id in entities.tag_ids:
        counts.setdefault(tag_id, 0)
    said: dict[str, list[Quote]] = defaultdict(list)
    for quote in entities.quotes:
        if quote.speaker_id:
            said[quote.speaker_id].append(quote)
            counts.setdefault(quote.speaker_id, 0)
    starts = [s.span.start for s in article.sentences]
    appearances = []
    for entity_id, count in counts.items():
        sentence = (sentence_around(article.text, article.sentences, first[entity_id], starts)
                    if entity_id in first else "")
        appearances.append((entity_id, Appearance(article, count, sentence, tuple(said[entity_id]))))
    return _Share(tuple(appearances), tuple(counts))


@dataclass
class IndexMemo:
    """What `build_index` keeps between the builds of one process (the preview server): the
    records of the last index, handed out again wherever an equal record would be made. Equal
    records, not just equal values: the page digests (builder.pagedigest) are memoised by
    record, so an unchanged article or entity page is not hashed again."""

    articles: dict[str, Article] = field(default_factory=dict)  # by slug
    shares: dict[str, tuple[Article, _Share]] = field(default_factory=dict)  # by slug
    pages: dict[str, EntityPage] = field(default_factory=dict)  # by entity id
    # the last call's registry, articles and result: the same records give the same index
    last: tuple[Registry, tuple[Article, ...], SiteIndex] | None = None

    def article(self, article: Article) -> Article:
        kept = self.articles.get(article.slug)
        return kept if kept is not None and kept == article else article

    def share(self, article: Article) -> _Share:
        kept = self.shares.get(article.slug)
        if kept is not None and kept[0] is article:
            return kept[1]
        return _share(article)

    def page(self, entity: Entity, appearances: tuple[Appearance, ...]) -> EntityPage | None:
        """The last index's page for this entity if it is made of the same records. The same
        appearances mean the same articles, so the same entities named with it, too."""
        page = self.pages.get(entity.id)
        if page is None or page.entity is not entity or len(page.appearances) != len(appearances):
            return None
        return page if all(a is b for a, b in zip(page.appearances, appearances)) else None


def build_index(articles: list[Article], registry: Registry, memo: IndexMemo | None = None) -> SiteIndex:
    if memo is not None:
        articles = [memo.article(article) for article in articles]
        if (memo.last is not None and memo.last[0] is registry and len(memo.last[1]) == len(articles)
                and all(a is b for a, b in zip(memo.last[1], articles))):
            return memo.last[2]
    given = tuple(articles)
    ordered = tuple(sorted(articles, key=lambda a: (a.source.date, a.slug), reverse=True))
    shares = [memo.share(article) if memo is not None else _share(article) for article in ordered]
    known = registry.entities
    appearances: dict[str, list[Appearance]] = defaultdict(list)
    present: dict[str, list[str]] = {}  # by article slug: the entities it names
    for article, share in zip(ordered, shares):
        for entity_id, appearance in share.appearances:
            if entity_id in known:
                appearances[entity_id].append(appearance)
        present[article.slug] = [e for e in share.present if e in known]
    pages = {}
    for entity_id, entity in known.items():
        if entity_id not in appearances:
            continue
        listed = tuple(appearances[entity_id])
        page = memo.page(entity, listed) if memo is not None else None
        if page is None or any(known.get(other.id) is not other for other, _ in page.related):
            together: Counter = Counter()
            for appearance in listed:
                together.update(present[appearance.article.slug])  # counted in C
            page = EntityPage(entity, listed, sum(a.mentions for a in listed), _related(entity_id, together, known))
        pages[entity_id] = page
    if memo is not None:
        memo.articles = {a.slug: a for a in ordered}
        memo.shares = {a.slug: (a, share) for a, share in zip(ordered, shares)}
        memo.pages = pages
    index = SiteIndex(ordered, pages)
    if memo is not None:
        memo.last = (registry, given, index)
    return index


def _related(entity_id: str, together: Counter, known: dict[str, Entity]) -> tuple[tuple[Entity, int], ...]:
    """The entities most often named with this one, most shared articles first, then by id."""
    # (-count, id) pairs compare in C; the entity itself is among them (with the highest count)
    best = heapq.nsmallest(RELATED_LIMIT + 1, [(-n, other) for other, n in together.items()])
    return tuple((known[other], -n) for n, other in best if other != entity_id)[:RELATED_LIMIT]
