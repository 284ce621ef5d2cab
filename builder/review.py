"""What an editor should look at: the NLP's likely mistakes, each with its file and line.

`check` prints these after the broken links. None of them stops a build: they are the places
where a word in data/entities.toml or an inline mark (see the README) makes the site right.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from slugify import slugify

from .config import KIND_BY_LABEL
from .entities import fold
from .errors import Diagnostic
from .index import Article

#: Names at least this similar (0..1), of the same kind, are probably one entity.
DUPLICATE_SIMILARITY = 0.86


@dataclass(frozen=True)
class Finding:
    category: str  # "one-word person", "no speaker", "kind differs", "likely duplicate"
    diagnostic: Diagnostic

    def __str__(self) -> str:
        return f"{self.diagnostic} [{self.category}]"


def line_of(article: Article, needle: str) -> int:
    """The file line where `needle` first appears in the article's body (the body's first
    line when it cannot be found, e.g. across Markdown markup)."""
    body = article.source.body
    at = -1
    for probe in (needle, needle[:40]):
        match = re.search(rf"(?<!\w){re.escape(probe)}(?!\w)", body) if probe else None
        if match:
            at = match.start()
            break
    return article.source.body_line + (body.count("\n", 0, at) if at >= 0 else 0)


def _diagnostic(article: Article, needle: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(Path(article.source.path), line_of(article, needle), message, "warning", hint)


def one_word_people(site) -> list[Finding]:
    findings = []
    for article in site.index.articles:
        seen = set()
        for mention in article.entities.mentions:
            entity = site.registry.entities[mention.entity_id]
            if entity.is_person and len(entity.name.split()) == 1 and entity.id not in seen:
                seen.add(entity.id)
                findings.append(Finding("one-word person", _diagnostic(
                    article, mention.text, f"'{entity.name}' is a person known by one word only",
                    hint="add an [[entity]] with the full name and this alias to data/entities.toml")))
    return findings


def unattributed_quotes(site) -> list[Finding]:
    findings = []
    for article in site.index.articles:
        for quote in article.entities.quotes:
            # an unnamed source ("a senior aide said") is the article's choice, not a miss
            if quote.speaker_id is None and quote.source is None and len(quote.text.split()) >= 4:
                start = article.text[quote.pieces[0].start:quote.pieces[0].end]
                words = " ".join(quote.text.split()[:8])
                findings.append(Finding("no speaker", _diagnostic(
                    article, start.strip()[:60], f"quote “{words}…” has no speaker",
                    hint='mark it: [“...”]{speaker="Name"}')))
    return findings


def kinds_that_differ(site) -> list[Finding]:
    """Entities that a whole article reads as another kind than the rest of the site does
    ("Kharkiv" an organisation in one article, a place everywhere else). A stray label among
    an article's mentions is not reported: merging already puts that mention right."""
    by_slug = {a.slug: a for a in site.index.articles}
    findings = []
    for prepared, analysis in zip(site.prepared, site.analyses):
        article = by_slug.get(prepared.source.slug)
        if article is None:
            continue
        resolved = {(m.span.start, m.span.end): m.entity_id for m in article.entities.mentions}
        kinds: dict[str, Counter] = defaultdict(Counter)
        first_text: dict[str, str] = {}
        for found in analysis.mentions:
            entity_id = resolved.get((found.span.start, found.span.end))
            kind = "person" if found.label == "PERSON" else KIND_BY_LABEL.get(found.label)
            if entity_id and kind:
                kinds[entity_id][kind] += 1
                first_text.setdefault(entity_id, found.text)
        for entity_id, votes in sorted(kinds.items()):
            entity = site.registry.entities[entity_id]
            if entity.edited:
                continue  # the editors have looked at it already
            (kind, count), = votes.most_common(1)
            if kind != entity.kind and count > votes[entity.kind]:
                findings.append(Finding("kind differs", _diagnostic(
                    article, first_text[entity_id],
                    f"'{entity.name}' reads as {kind} in this article but as {entity.kind} on the site",
                    hint="set its kind in data/entities.toml")))
    return findings


def likely_duplicates(site) -> list[Finding]:
    """Pairs of entities of the same kind whose names differ by a letter or two
    ("Zelensky" / "Zelenskyy")."""
    buckets: dict[tuple[bool, str], list] = defaultdict(list)
    for entity in site.registry.entities.values():
        last = fold(entity.name).split()[-1] if entity.name.split() else ""
        buckets[(entity.is_person, last[:4])].append(entity)
    first_article: dict[str, Article] = {}
    for article in reversed(site.index.articles):  # oldest first, so the first mention wins
        for mention in article.entities.mentions:
            first_article.setdefault(mention.entity_id, article)
    findings = []
    for entities in buckets.values():
        entities.sort(key=lambda e: e.id)
        for i, one in enumerate(entities):
            for other in entities[i + 1:]:
                if one.edited and other.edited:
                    continue
                a, b = fold(one.name), fold(other.name)
                if a == b or SequenceMatcher(None, a, b).ratio() < DUPLICATE_SIMILARITY:
                    continue
                # point at the rarer spelling: that is the one to look at
                counts = {e.id: site.index.entities[e.id].mentions if e.id in site.index.entities else 0
                          for e in (one, other)}
                rare, common = sorted((one, other), key=lambda e: (counts[e.id], e.id))
                article = first_article.get(rare.id)
                if article is None:
                    continue
                findings.append(Finding("likely duplicate", _diagnostic(
                    article, rare.name.split()[-1], f"'{rare.name}' and '{common.name}' may be the same {one.kind}",
                    hint="list one as an alias of the other in data/entities.toml")))
    return findings


def shared_addresses(site) -> list[Finding]:
    """Entities whose names make the same page address ("C++" and "C#" are both "c"): the
    later one gets a number ("c-2"), which readers cannot guess."""
    first_article: dict[str, Article] = {}
    for article in reversed(site.index.articles):
        for mention in article.entities.mentions:
            first_article.setdefault(mention.entity_id, article)
    by_id = site.registry.entities
    findings = []
    for entity in by_id.values():
        base = slugify(entity.name) or "entity"
        if entity.id == base or entity.id not in first_article:
            continue
        other = by_id.get(base)
        article = first_article[entity.id]
        findings.append(Finding("shared address", _diagnostic(
            article, entity.name, f"'{entity.name}' makes the same page address as "
            f"'{other.name if other else base}' ({base}); it is given {entity.id} instead",
            hint="rename one in data/entities.toml if readers should find it by its name")))
    return findings


REVIEWS = (one_word_people, unattributed_quotes, kinds_that_differ, likely_duplicates, shared_addresses)


def review_site(site) -> list[Finding]:
    """Every finding, grouped by review, each group in file order."""
    findings: list[Finding] = []
    for review in REVIEWS:
        found = review(site)
        found.sort(key=lambda f: (str(f.diagnostic.path), f.diagnostic.line or 0, f.diagnostic.message))
        findings += found
    return findings
