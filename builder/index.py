"""The cross-page index, built once from every article: who appears where, with whom, saying
what. Pure: records in, records out; the renderer only reads it.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass

from .content import ArticleSource
from .entities import Registry
from .records import ArticleEntities, Entity, Quote, SentenceFound

#: How many co-mentioned people and topics an entity page lists.
RELATED_LIMIT = 12


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Appearance:
    """One article in which an entity appears."""

    article: Article
    mentions: int
    first_sentence: str
    quotes: tuple[Quote, ...]  # said by the entity in this article


@dataclass(frozen=True, slots=True)
class EntityPage:
    entity: Entity
    appearances: tuple[Appearance, ...]  # newest article first
    mentions: int
    related: tuple[tuple[Entity, int], ...]  # co-mentioned entities, most shared articles first

    @property
    def quote_count(self) -> int:
        return sum(len(a.quotes) for a in self.appearances)


@dataclass(frozen=True, slots=True)
class EntityInArticle:
    """A person or topic as an article's page lists it: the entity and its counts there."""

    entity: Entity
    mentions: int
    quotes: int


@dataclass(frozen=True, slots=True)
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


def build_index(articles: list[Article], registry: Registry) -> SiteIndex:
    ordered = tuple(sorted(articles, key=lambda a: (a.source.date, a.slug), reverse=True))
    appearances: dict[str, list[Appearance]] = defaultdict(list)
    totals: Counter = Counter()
    together: dict[str, Counter] = defaultdict(Counter)
    for article in ordered:
        counts = Counter(m.entity_id for m in article.entities.mentions)
        first: dict[str, int] = {}
        for mention in article.entities.mentions:
            first.setdefault(mention.entity_id, mention.span.start)
        for tag_id in article.entities.tag_ids:
            counts.setdefault(tag_id, 0)
        said: dict[str, list[Quote]] = defaultdict(list)
        for quote in article.entities.quotes:
            if quote.speaker_id:
                said[quote.speaker_id].append(quote)
                counts.setdefault(quote.speaker_id, 0)
        starts = [s.span.start for s in article.sentences]
        for entity_id, count in counts.items():
            if entity_id not in registry.entities:
                continue
            sentence = (sentence_around(article.text, article.sentences, first[entity_id], starts)
                        if entity_id in first else "")
            appearances[entity_id].append(Appearance(article, count, sentence, tuple(said[entity_id])))
            totals[entity_id] += count
        present = [e for e in counts if e in registry.entities]
        for entity_id in present:
            together[entity_id].update(present)  # counted in C; the entity itself is dropped below
    pages = {}
    for entity_id, entity in registry.entities.items():
        if entity_id not in appearances:
            continue
        related = sorted(((other, n) for other, n in together[entity_id].items() if other != entity_id),
                         key=lambda item: (-item[1], item[0]))
        pages[entity_id] = EntityPage(
            entity, tuple(appearances[entity_id]), totals[entity_id],
            tuple((registry.entities[other], n) for other, n in related[:RELATED_LIMIT]))
    return SiteIndex(ordered, pages)
