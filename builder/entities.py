"""Alias merging: the mentions of every article -> one registry of people and topics.

People are merged by name. Within an article a surname ("Rutte") or a longer form
("NATO Secretary General Mark Rutte", "Rutte's") joins the full name it refers to (of several
with that surname, the one named last in its paragraph or the one before, else the one the
article named first, of the sex an honorific gives: see _people_in_article); across the
site, full names with the same first and last word are one person, and a surname that never
met its full name in its own article joins the one person on the site with that surname (the
most mentioned, when several share it); a word the model keeps calling a person that no story
names in full is no person (_never_named_in_full). A name the model labelled as something
else ("Zelenskyy" as an organisation) becomes the person when that person is named in the
same article.

Topics (organisations, places, groups, ...) are merged by name; a name the model labels
differently in different articles gets the kind most of its mentions have.

Finally every article is scanned for the known names the model missed there (a token
matcher built from the registry), so one good mention anywhere helps everywhere.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right, insort
from functools import lru_cache
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Iterable, Sequence

from slugify import slugify

from .annotate import QUOTE_ID_PREFIX
from .config import KIND_BY_LABEL, TAG_KIND
from .overrides import EntityOverride, Overrides
from .prose import EditorialMark
from .quote_words import FEMALE_HONORIFICS, FIRST_NAME_SEX, MALE_HONORIFICS
from .quote_marks import paragraphs
from .records import (ArticleAnalysis, ArticleEntities, CharSpan, Entity, Mention, MentionFound,
                      Quote, QuoteFound)

#: Words in front of a name that are a role, not part of the name.
HONORIFICS = frozenset("""mr mrs ms miss dr prof sir dame lord lady rev sen senator rep gov governor
president vice prime minister secretary general chancellor king queen prince princess pope
judge justice chief mayor speaker former late gen col capt lt sgt adm""".split())
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
#: Order of preference when a topic's mentions disagree on its kind in equal numbers.
KIND_PREFERENCE = ("place", "organisation", "group", "event", "law", "work", "product", "language")
_WORD = re.compile(r"[^\W_](?:[\w.'’&-]*[^\W_])?")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
QUOTE_MARKS = "\"“”„«»‘’'"


def clean_name(text: str) -> str:
    """The name as a page title: whitespace collapsed, possessive and leading 'the' dropped."""
    text = " ".join(text.split())
    text = _POSSESSIVE.sub("", text)
    if text.startswith("the ") and len(text) > 4:
        text = text[4:]
    return text.strip(" ,.;:") if not text.endswith(".") or text.count(".") > 1 else text.strip()


@lru_cache(maxsize=65536)  # a preview merges the same names after every edit
def _slug(name: str) -> str:
    return slugify(name)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Compare names ignoring case, accents, dots and a leading "the": "U.S." == "US",
    "The Hague" == "the Hague"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = " ".join(stripped.casefold().replace(".", "").replace("’", "'").split())
    return folded[4:] if folded.startswith("the ") and len(folded) > 4 else folded


def _with_accents(name: str, forms: Counter) -> str:
    """`name` with each word written as the article(s) write it with accents, if any form has
    them ("Felipe Calderon" and "Calderón" → "Felipe Calderón"): writers drop accents far more
    often than they add wrong ones."""
    accented: Counter = Counter()
    for form, count in forms.items():
        for word in form.split():
            if any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFKD", word)):
                accented[word] += count
    if not accented:
        return name
    by_fold = {}
    for word, _ in sorted(accented.items(), key=lambda item: (-item[1], item[0])):
        by_fold.setdefault(fold(word), word)
    return " ".join(by_fold.get(fold(word), word) for word in name.split())


def _alias_order(name: str) -> tuple[str, str]:
    """Aliases sorted by their folded form, and spellings that fold alike by the spelling
    itself: sets iterate in an order that changes from run to run, the output must not."""
    return fold(name), name


def person_words(name: str) -> list[str]:
    """The words of a person's name without leading roles or trailing suffixes."""
    words = name.split()
    while len(words) > 1 and fold(words[0]).rstrip(".") in HONORIFICS:
        words.pop(0)
    while len(words) > 1 and fold(words[-1]).strip(".,") in NAME_SUFFIXES:
        words.pop()
    return words


@dataclass
class _Cluster:
    """A person or topic being assembled; becomes an Entity once the site is read."""

    kind_votes: Counter = field(default_factory=Counter)
    forms: Counter = field(default_factory=Counter)  # surface names -> count
    key: str = ""
    _best: tuple[tuple[int, int], str] | None = None  # (forms' size and total, the name) when asked

    def best_name(self) -> str:
        # asked several times per cluster once the forms are counted: remembered, until they change
        counted = (len(self.forms), self.forms.total())
        if self._best is None or self._best[0] != counted:
            # the most frequent full form; ties go to the longer, then alphabetical, for stability
            multi = {f: n for f, n in self.forms.items() if len(f.split()) > 1} or dict(self.forms)
            best = min(multi.items(), key=lambda item: (-item[1], -len(item[0]), item[0]))[0]
            self._best = (counted, _with_accents(best, self.forms))
        return self._best[1]

    def kind(self) -> str:
        top = max(self.kind_votes.values())
        tied = [k for k, n in self.kind_votes.items() if n == top]
        if "person" in tied:
            return "person"
        return sorted(tied, key=lambda k: KIND_PREFERENCE.index(k) if k in KIND_PREFERENCE else 99)[0]


@dataclass(frozen=True)
class ArticleInput:
    slug: str
    text: str  # the analysed text
    analysis: ArticleAnalysis
    tags: tuple[str, ...] = ()
    marks: tuple[EditorialMark, ...] = ()  # the editors' inline marks
    ignore: tuple[str, ...] = ()  # names the front matter says not to annotate


@dataclass(frozen=True)
class Registry:
    entities: dict[str, Entity]  # by id, in id order
    articles: dict[str, ArticleEntities]  # by slug


#: A spaCy label for each kind, to relabel a mention whose kind the editors fixed.
LABEL_FOR_KIND = {"person": "PERSON", "organisation": "ORG", "place": "GPE", "group": "NORP",
                  "event": "EVENT", "law": "LAW", "work": "WORK_OF_ART", "product": "PRODUCT",
                  "language": "LANGUAGE", TAG_KIND: "ORG"}


def _first_last(words: Sequence[str]) -> tuple[str, str]:
    return fold(words[0]), fold(words[-1])


def _person_key(words: Sequence[str], editorial: frozenset[str]) -> tuple[str, str]:
    """People are one person when first and last name agree, except the editors' entities,
    which are exactly themselves (that keeps apart two people with those in common)."""
    name = fold(" ".join(words))
    return ("=", name) if name in editorial else _first_last(words)


def _last_word(key: tuple[str, str]) -> str:
    return key[1].split()[-1] if key[0] == "=" else key[1]


def _first_word(key: tuple[str, str]) -> str:
    return key[1].split()[0] if key[0] == "=" else key[0]


@dataclass(frozen=True)
class _Editorial:
    """The overrides, folded for lookups."""

    by_form: dict[str, EntityOverride]  # every name and alias -> its entity
    ignored: frozenset[str]
    people: frozenset[str]  # folded names of the editors' people

    @classmethod
    def of(cls, overrides: Overrides | None) -> _Editorial:
        overrides = overrides or Overrides()
        by_form: dict[str, EntityOverride] = {}
        for entry in overrides.entities:
            for form in (entry.name, *entry.aliases):
                by_form.setdefault(fold(form), entry)
        people = frozenset(fold(e.name) for e in overrides.entities if e.kind == "person")
        return cls(by_form, frozenset(fold(n) for n in overrides.ignore), people)

    def apply(self, mention: MentionFound) -> MentionFound | None:
        """The mention as the editors want it: dropped, renamed to its entity, or relabelled."""
        name = fold(clean_name(mention.text))
        if name in self.ignored:
            return None
        entry = self.by_form.get(name)
        if entry is None:
            return mention
        label = LABEL_FOR_KIND.get(entry.kind, mention.label) if entry.kind else mention.label
        return MentionFound(mention.span, entry.name, label, mention.title)


def _candidates(article: ArticleInput, editorial: _Editorial) -> list[MentionFound]:
    """The model's mentions plus the speakers the quote finder named that the model missed,
    as the editors want them."""
    forced = [MentionFound(CharSpan(m.start, m.end), m.value, LABEL_FOR_KIND.get(m.kind or "person", "PERSON"))
              for m in article.marks if m.attribute == "entity"]
    found = [m for m in article.analysis.mentions if not any(m.span.overlaps(f.span) for f in forced)]
    # a place or organisation the quote finder found speaking as a person ("“…,” said
    # Iampaglia, who graduated in 2009", "Fiorina, 61, said"): the NER's label for that name
    # is the one that is wrong
    people = {q.speaker for q in article.analysis.quotes if q.speaker and q.speaker_label == "PERSON"}
    found = [replace(m, label="PERSON") if m.span in people and
             KIND_BY_LABEL.get(m.label) in ("place", "organisation") else m for m in found]
    taken = _Occupied(m.span for m in found)
    for quote in article.analysis.quotes:
        if quote.speaker and not taken.overlaps(quote.speaker):
            found.append(MentionFound(quote.speaker, quote.speaker_text or
                                      article.text[quote.speaker.start:quote.speaker.end],
                                      quote.speaker_label or "PERSON"))
            taken.add(quote.speaker)
    ignored = {fold(name) for name in article.ignore}
    found = [m for m in found if fold(clean_name(m.text)) not in ignored]
    edited = [m for m in map(editorial.apply, found) if m is not None]
    return sorted(edited + forced, key=lambda m: (m.span.start, m.span.end))


def _quotes_with_marks(article: ArticleInput) -> list[tuple[QuoteFound, str | None]]:
    """The article's quotes, each with the speaker an editor named for it (or None). A marked
    span that is no quote the finder knows becomes a quote of its own."""
    speakers = [m for m in article.marks if m.attribute == "speaker"]
    out: list[tuple[QuoteFound, str | None]] = []
    claimed: set[int] = set()
    for quote in article.analysis.quotes:
        named = None
        for index, mark in enumerate(speakers):
            if any(p.overlaps(CharSpan(mark.start, mark.end)) for p in quote.pieces):
                named, _ = mark.value, claimed.add(index)
        out.append((quote, named))
    for index, mark in enumerate(speakers):
        if index not in claimed:
            words = article.text[mark.start:mark.end].strip().strip(QUOTE_MARKS).strip()
            out.append((QuoteFound((CharSpan(mark.start, mark.end),), words, cue="editor"), mark.value))
    out.sort(key=lambda pair: pair[0].pieces[0].start)
    return out


def _people_in_article(mentions: list[MentionFound], editorial: frozenset[str] = frozenset(),
                       text: str = "") -> dict[int, tuple[str, str]]:
    """For each mention index that names a person, the (first, last) key of that person,
    resolving surnames and mislabelled surnames to the full names of the same article.

    A surname that several full names share ("Carly Fiorina", "Frank Fiorina") is the one
    named last before it in its own paragraph or the one before; further on it is the one
    the article named first: the person a story follows is introduced first, and a relative
    named in passing ("she told her husband, Frank Fiorina") is not whom the rest of the
    story's "Fiorina" means. An honorific narrows the choice to the names of its sex ("Mrs.
    Clinton" is not Bill Clinton)."""
    full: list[tuple[int, tuple[str, str], list[str]]] = []
    for index, mention in enumerate(mentions):
        if mention.label == "PERSON":
            words = person_words(clean_name(mention.text))
            if len(words) > 1:
                full.append((index, _person_key(words, editorial), words))
    resolved: dict[int, tuple[str, str]] = {index: key for index, key, _ in full}
    by_last: dict[str, list[tuple[int, tuple[str, str]]]] = defaultdict(list)
    by_first: dict[str, set[tuple[str, str]]] = defaultdict(set)
    full_forms: dict[str, tuple[str, str]] = {}
    lower_case = {key for _, key, words in full if not words[0][:1].isupper()}  # "a Trump"
    for index, key, words in full:
        by_last[fold(words[-1])].append((index, key))
        by_first[fold(words[0])].add(key)
        full_forms[fold(" ".join(words))] = key
    para_starts = [start for start, _ in paragraphs(text)] if text else []
    for index, mention in enumerate(mentions):
        if index in resolved:
            continue
        name = clean_name(mention.text)
        words = person_words(name) if mention.label == "PERSON" else name.split()
        if mention.label != "PERSON" and fold(name) in full_forms:
            resolved[index] = full_forms[fold(name)]  # "Volodymyr Zelenskyy" labelled ORG
            continue
        if len(words) != 1:
            continue
        word = fold(words[0])
        candidates = by_last.get(word)
        if candidates:
            resolved[index] = _surname_owner(mentions, index, candidates, para_starts, text,
                                             lower_case)
        elif mention.label == "PERSON" and len(by_first.get(word, ())) == 1:
            resolved[index] = next(iter(by_first[word]))  # "Hillary" after "Hillary Clinton"
    return resolved


def _honorific_sex(mention: MentionFound, text: str) -> str:
    """"m" for "Mr. Clinton", "f" for "Mrs. Clinton" / "Ms. Khan", else ""; the honorific
    may be inside the mention or just before it."""
    words = mention.text.split()
    before = text[max(0, mention.span.start - 6):mention.span.start].split()
    for word in (words[0] if len(words) > 1 else "", before[-1] if before else ""):
        word = word.lower()
        if word in MALE_HONORIFICS:
            return "m"
        if word in FEMALE_HONORIFICS:
            return "f"
    return ""


def _surname_owner(mentions: list[MentionFound], index: int,
                   candidates: list[tuple[int, tuple[str, str]]], para_starts: list[int],
                   text: str, lower_case: set[tuple[str, str]]) -> tuple[str, str]:
    """Which of the full names with this surname a bare surname at `index` means (see
    _people_in_article)."""
    keys = list(dict.fromkeys(key for _, key in candidates))  # in the order first named
    sex = _honorific_sex(mentions[index], text)
    if sex:
        # "Mrs. Clinton" is not Bill Clinton: only those whose first name may be of that sex
        fitting = [k for k in keys if FIRST_NAME_SEX.get(k[0].capitalize(), sex) == sex]
        keys = fitting or keys
        candidates = [c for c in candidates if c[1] in keys]
    if len(keys) == 1:
        return keys[0]
    before = [c for c in candidates if c[0] < index]
    if before:
        here = mentions[index].span.start
        there = mentions[before[-1][0]].span.start
        if not para_starts or \
                bisect_right(para_starts, here) - bisect_right(para_starts, there) <= 1:
            return before[-1][1]  # this paragraph or the one before (or no paragraphs)
    # the first named, passing over a phrase the model took for a name ("a Trump supporter")
    return next((k for k in keys if k not in lower_case), keys[0])


@dataclass(frozen=True)
class _ArticleVotes:
    """What one article says before the site is merged: where each of its mentions goes, and
    the names and kinds it adds to the clusters, in order. A pure function of the article and
    the editors' entities, so a long-running preview keeps it from build to build."""

    assigned: tuple[tuple[MentionFound, tuple[str, object]], ...]
    votes: tuple[tuple[str, object, str, str], ...]  # (table, key, surface form, kind)
    quoted: tuple[tuple[QuoteFound, str | None], ...]  # _quotes_with_marks(article)


def _article_votes(article: ArticleInput, editorial: _Editorial) -> _ArticleVotes:
    mentions = _candidates(article, editorial)
    persons = _people_in_article(mentions, editorial.people, article.text)
    assigned: list[tuple[MentionFound, tuple[str, object]]] = []
    votes: list[tuple[str, object, str, str]] = []
    for index, mention in enumerate(mentions):
        name = clean_name(mention.text)
        if not name:
            continue
        if index in persons:
            key = persons[index]
            votes.append(("person", key, " ".join(person_words(name)), "person"))
            assigned.append((mention, ("person", key)))
        elif mention.label == "PERSON":
            words = person_words(name)
            if len(words) > 1:  # a full name NER split oddly; keep it as its own person
                key = _person_key(words, editorial.people)
                votes.append(("person", key, " ".join(words), "person"))
                assigned.append((mention, ("person", key)))
            else:
                word = fold(words[0])
                votes.append(("surname", word, words[0], "person"))
                assigned.append((mention, ("surname", word)))
        else:
            kind = KIND_BY_LABEL.get(mention.label)
            if kind is None:
                continue
            key = fold(name)
            votes.append(("topic", key, name, kind))
            assigned.append((mention, ("topic", key)))
    quoted = tuple(_quotes_with_marks(article))
    for _, named in quoted:
        if named is not None:
            target = _editor_speaker(named, editorial)
            votes.append((target[0], target[1], named, target[2] if target[0] == "topic" else "person"))
    return _ArticleVotes(tuple(assigned), tuple(votes), quoted)


@dataclass
class RegistryMemo:
    """What `build_registry` keeps between the builds of one process (the preview server), so
    that an edit to one article merges the site again without redoing every article's share.

    Each article's votes are kept with the inputs they came from; its resolved entities are
    kept with everything their resolution read: its votes, the ids its mentions and editor-named
    speakers resolved to, its tags' ids, and the part of the name matcher its words reach (a
    name whose first word the article never uses cannot match in it). Entries are compared by
    value, so a reused entry is always what a fresh computation would give."""

    editorial: _Editorial | None = None
    votes: dict[str, tuple[ArticleInput, _ArticleVotes]] = field(default_factory=dict)
    resolved: dict[str, tuple[tuple, frozenset[str], ArticleEntities]] = field(default_factory=dict)
    matcher: AliasMatcher | None = None
    entities: dict[str, Entity] = field(default_factory=dict)  # the last call's, by id
    # the last call's entity names' slugs: slugify takes a tenth of a second over an archive's
    # names, and a `build` command gets this memo from the stored state (builder.warmstore)
    slugs: dict[str, str] = field(default_factory=dict)
    # the last call's kinds, each article's votes and its result: a call whose articles all
    # give the very votes of the last one (so are equal to its articles) returns that result
    last: tuple[frozenset[str], tuple[_ArticleVotes, ...], Registry] | None = None

    def entity(self, entity: Entity) -> Entity:
        """The last call's record for an equal entity (later stages memoise by record)."""
        kept = self.entities.get(entity.id)
        return kept if kept is not None and kept == entity else entity

    def votes_for(self, article: ArticleInput, editorial: _Editorial) -> _ArticleVotes:
        kept = self.votes.get(article.slug)
        if kept is not None and kept[0] == article:
            return kept[1]
        votes = _article_votes(article, editorial)
        self.votes[article.slug] = (article, votes)
        return votes


#: In how many articles a one-word "person" must appear, never once with a first name anywhere
#: on the site, to be taken for something else (see _never_named_in_full).
_ONE_WORD_PERSON_ARTICLES = 3


def _never_named_in_full(word: str, cluster: _Cluster, articles: int,
                         site_first_names: set[str]) -> bool:
    """Is a one-word name the model calls a person, which no article ever gives a first name,
    not a person? News introduces a person by their full name in each story, so a word that
    stories keep calling a person and never name in full is the small model's mistake for a
    platform, company or family ("Twitter", in 69 of the 840 news articles we measured;
    "Pfizer"; "the Clintons"). A first name ("Francis", "Bill", or "Jeb" where the site knows
    a Jeb Bush) is a person's, however they are named; fewer articles than three may be a
    surname whose full name the model missed. Editors can say otherwise in
    data/entities.toml."""
    return articles >= _ONE_WORD_PERSON_ARTICLES and word not in site_first_names and \
        cluster.best_name() not in FIRST_NAME_SEX


#: A nickname short for more given names than this is too loose to merge people by.
_MOST_FULL_NAMES = 3


@lru_cache(maxsize=1)
def _nicknamer():
    from nicknames import NickNamer  # a hand-curated table of English given names' nicknames
    return NickNamer()


def _nickname_merges(people: dict[tuple[str, str], _Cluster]) -> dict[tuple[str, str], tuple[str, str]]:
    """Which people are another under a nickname: "Joe Biden" and "Joseph R. Biden", "Chuck
    Grassley" and "Charles E. Grassley", "Ted Kennedy" and "Edward M. Kennedy" (news gives
    the formal name once and the familiar one after, or the other way round in another
    story). Each nickname's key maps to the key of the one person with that last name whose
    first name the nickname is short for; with two such people ("Pat" beside a Patrick and a
    Patricia), it stays itself, and so does a nickname of many names ("Rick", "Fred": the
    table's looser entries sent Fred Rogers to Will Rogers). The editors' own entities are
    exactly themselves, which is how they keep apart two people this merges."""
    by_last: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in people:
        if key[0] != "=":
            by_last[key[1]].append(key)
    merges: dict[tuple[str, str], tuple[str, str]] = {}
    for keys in by_last.values():
        if len(keys) < 2:
            continue
        for key in keys:
            formal = _nicknamer().canonicals_of(key[0])
            if len(formal) > _MOST_FULL_NAMES:
                continue  # "Rick" (Richard, Eric, Frederick, Derek…), "Fred", "Chris"
            targets = [other for other in keys if other[0] in formal]
            if len(targets) == 1:
                merges[key] = targets[0]
    # "Bob" → "Robert" while "Robert" → another: each goes to the end of its chain, and a
    # pair that are each other's nickname stays apart
    final: dict[tuple[str, str], tuple[str, str]] = {}
    for key in merges:
        seen, target = {key}, merges[key]
        while target in merges and target not in seen:
            seen.add(target)
            target = merges[target]
        if target not in seen:
            final[key] = target
    return final


def build_registry(articles: Sequence[ArticleInput], kinds: Iterable[str],
                   overrides: Overrides | None = None, memo: RegistryMemo | None = None) -> Registry:
    """Merge every article's mentions into entities, then resolve each article against them.
    `memo` (optional) carries per-article work over from the previous call."""
    wanted = set(kinds)
    editorial = _Editorial.of(overrides)
    if memo is not None and memo.editorial != editorial:
        memo.editorial, memo.votes, memo.resolved, memo.matcher, memo.last = editorial, {}, {}, None, None
    people: dict[tuple[str, str], _Cluster] = {}
    surnames: dict[str, _Cluster] = {}  # people known only by one word
    topics: dict[str, _Cluster] = {}
    tables: dict[str, dict] = {"person": people, "surname": surnames, "topic": topics}
    article_votes = [memo.votes_for(a, editorial) if memo is not None else _article_votes(a, editorial)
                     for a in articles]
    if memo is not None and memo.last is not None:
        # (a theme edit, or an article saved unchanged: nothing to merge again)
        last_wanted, last_votes, last_registry = memo.last
        if (last_wanted == wanted and len(last_votes) == len(article_votes)
                and all(a is b for a, b in zip(last_votes, article_votes))):
            return last_registry
    surname_articles: Counter[str] = Counter()  # how many articles each one-word person is in
    for votes in article_votes:
        surname_articles.update({key for table, key, _, _ in votes.votes if table == "surname"})
        for table_name, key, form, kind in votes.votes:
            table = tables[table_name]
            cluster = table.get(key)
            if cluster is None:
                cluster = table[key] = _Cluster(key=" ".join(key) if table_name == "person" else key)
            cluster.forms[form] += 1
            cluster.kind_votes[kind] += 1

    # "Joe Biden" is "Joseph R. Biden": a nickname's full name joins the formal one's
    same_person = _nickname_merges(people)
    for nickname_key, formal_key in same_person.items():
        merged, into = people.pop(nickname_key), people[formal_key]
        into.forms.update(merged.forms)
        into.kind_votes.update(merged.kind_votes)

    # A surname alone joins the site's person with that last name, when there is one.
    people_by_last: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in people:
        people_by_last[_last_word(key)].append(key)
    surname_target: dict[str, tuple[str, str] | None] = {}
    surname_topic: dict[str, str] = {}
    first_words = {_first_word(key) for key in people}  # ("Jeb": no census name, but Jeb Bush's)
    for word, cluster in surnames.items():
        keys = people_by_last.get(word, [])
        if keys:
            target = max(keys, key=lambda k: (sum(people[k].forms.values()), k))
            surname_target[word] = target
            people[target].forms.update(cluster.forms)
        else:
            surname_target[word] = None
            # one word the model once called a person but more often a place or organisation
            # ("Kyiv") is that topic
            topic = topics.get(word)
            unnamed = _never_named_in_full(word, cluster, surname_articles[word], first_words)
            if topic is None and unnamed:  # no other kind for it: a subject
                topic = topics[word] = _Cluster(key=word, kind_votes=Counter({TAG_KIND: 1}))
            if topic is not None and (unnamed or topic.kind_votes.total() > cluster.kind_votes.total()):
                surname_topic[word] = word
                topic.forms.update(cluster.forms)

    # Topics whose name is a person's full name are that person (a mislabelled mention).
    person_by_full = {fold(c.best_name()): key for key, c in people.items()}

    entities: list[tuple[str, str, list[str], str]] = []  # (cluster ref, name, aliases, kind)
    ref_to_cluster: dict[str, _Cluster] = {}
    for key, cluster in people.items():
        ref_to_cluster["p:" + "\0".join(key)] = cluster
    for word, cluster in surnames.items():
        if surname_target[word] is None and word not in surname_topic:
            ref_to_cluster["s:" + word] = cluster
    for key, cluster in topics.items():
        if key in person_by_full:
            continue
        ref_to_cluster["t:" + key] = cluster

    # Tags are topics too; a tag with the name of a known entity is that entity.
    ref_by_fold = {}
    for ref, cluster in sorted(ref_to_cluster.items()):
        ref_by_fold.setdefault(fold(cluster.best_name()), ref)
    tag_refs: dict[str, str] = {}
    for article in articles:
        for tag in article.tags:
            folded = fold(tag)
            if folded not in ref_by_fold:
                ref = "g:" + folded
                ref_by_fold[folded] = ref
                cluster = ref_to_cluster.setdefault(ref, _Cluster(key=folded))
                cluster.kind_votes[TAG_KIND] += 1
                cluster.forms[tag.strip()] += 1
            tag_refs[folded] = ref_by_fold[folded]

    # Ids: slugs of the names, unique across the site, given in a stable order.
    ids: dict[str, str] = {}
    taken: set[str] = set()
    named = sorted(((c.best_name(), ref) for ref, c in ref_to_cluster.items()),
                   key=lambda item: (fold(item[0]), item[1]))
    entity_list: list[Entity] = []
    known_slugs = memo.slugs if memo is not None else {}
    slugs: dict[str, str] = {}
    for name, ref in named:
        cluster = ref_to_cluster[ref]
        kind = cluster.kind()
        slugs[name] = base = known_slugs.get(name) or _slug(name) or "entity"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        ids[ref] = slug
        aliases = tuple(sorted({f for f in cluster.forms if f != name}, key=_alias_order))
        entry = editorial.by_form.get(fold(name))
        if entry is not None:
            aliases = tuple(sorted({*aliases, *entry.aliases} - {name}, key=_alias_order))
            entity_list.append(Entity(slug, name, entry.kind or kind, aliases, entry.description,
                                      entry.image, entry.links, edited=True))
        else:
            entity_list.append(Entity(slug, name, kind, aliases))
    entities = {e.id: e for e in sorted(entity_list, key=lambda e: e.id) if e.kind in wanted}
    if memo is not None:
        entities = {entity_id: memo.entity(entity) for entity_id, entity in entities.items()}
        memo.entities, memo.slugs = entities, slugs

    resolutions: dict[tuple, str | None] = {}  # a site names the same few thousand targets again and again

    def entity_for(target: tuple[str, object]) -> str | None:
        if target in resolutions:
            return resolutions[target]
        resolutions[target] = entity_id = _entity_for(target)
        return entity_id

    def _entity_for(target: tuple[str, object]) -> str | None:
        kind, key = target
        if kind == "person":
            ref = "p:" + "\0".join(same_person.get(key, key))
        elif kind == "surname":
            person = surname_target.get(key)
            ref = ("p:" + "\0".join(person) if person else
                   "t:" + surname_topic[key] if key in surname_topic else "s:" + key)
        else:
            person = person_by_full.get(key)
            ref = "p:" + "\0".join(person) if person else "t:" + key
        entity_id = ids.get(ref)
        return entity_id if entity_id in entities else None

    previous_matcher = memo.matcher if memo is not None else None
    matcher = AliasMatcher(entities.values(), previous_matcher)
    # names whose matches may differ from the last call's: only articles using them are redone
    changed_names = (None if previous_matcher is None else
                     matcher.changed if matcher.changed is not None else matcher.changed_first_words(previous_matcher))
    resolved: dict[str, ArticleEntities] = {}
    kept: dict[str, tuple[tuple, frozenset[str], ArticleEntities]] = {}
    for article, votes in zip(articles, article_votes):
        target_ids = tuple(entity_for(target) for _, target in votes.assigned)
        quoted = votes.quoted
        named_ids = tuple(entity_for(_editor_speaker(named, editorial)[:2]) if named is not None else None
                          for _, named in quoted)
        tag_ids = tuple(dict.fromkeys(ids[tag_refs[fold(t)]] for t in article.tags
                                      if ids.get(tag_refs.get(fold(t), "")) in entities))
        inputs = (article, votes, target_ids, named_ids, tag_ids)
        previous = memo.resolved.get(article.slug) if memo is not None else None
        if (previous is not None and changed_names is not None and previous[0] == inputs
                and changed_names.isdisjoint(previous[1])):
            kept[article.slug] = previous
            resolved[article.slug] = previous[2]
            continue
        mentions = _without_overlaps([Mention(entity_id, found.span, found.text)
                                      for (found, _), entity_id in zip(votes.assigned, target_ids)
                                      if entity_id is not None])
        ignored = {fold(name) for name in article.ignore}
        mentions = _without_overlaps(mentions + [m for m in matcher.missed(article.text, mentions)
                                                 if fold(clean_name(m.text)) not in ignored])
        quotes = []
        for number, ((quote, named), named_id) in enumerate(zip(quoted, named_ids), 1):
            speaker_id = None
            if named is not None:
                speaker_id = named_id
            elif quote.speaker is not None:
                speaker_id = next((m.entity_id for m in mentions if m.span.overlaps(quote.speaker)), None)
            source = quote.source_text if speaker_id is None and named is None else None
            quotes.append(Quote(f"{QUOTE_ID_PREFIX}{number}", quote.pieces, quote.text, speaker_id,
                                quote.cue, source))
        entities_here = ArticleEntities(tuple(mentions), tuple(quotes), tag_ids)
        if memo is not None:
            kept[article.slug] = (inputs, AliasMatcher.first_words(article.text), entities_here)
        resolved[article.slug] = entities_here
    if memo is not None:
        memo.votes = {a.slug: memo.votes[a.slug] for a in articles}  # forget removed articles
        memo.resolved, memo.matcher = kept, matcher
    registry = Registry(entities, resolved)
    if memo is not None:
        memo.last = (frozenset(wanted), tuple(article_votes), registry)
    return registry


def _editor_speaker(name: str, editorial: _Editorial) -> tuple:
    """Where a speaker named by an editor goes: ("person", key) or ("topic", key, kind)."""
    entry = editorial.by_form.get(fold(name))
    if entry is not None:
        name = entry.name
        if entry.kind and entry.kind != "person":
            return ("topic", fold(name), entry.kind)
    words = person_words(clean_name(name))
    if len(words) == 1:
        return ("surname", fold(words[0]))
    return ("person", _person_key(words, editorial.people))


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Sorted by position; where two overlap, the longer (then the earlier) wins."""
    chosen: list[Mention] = []
    occupied = _Occupied()
    for mention in sorted(mentions, key=lambda m: (-len(m.span), m.span.start)):
        if not occupied.overlaps(mention.span):
            occupied.add(mention.span)
            chosen.append(mention)
    return sorted(chosen, key=lambda m: m.span.start)


class _Occupied:
    """Non-overlapping spans, kept sorted, with a fast "does this overlap any?"."""

    def __init__(self, spans: Iterable[CharSpan] = ()):
        self._spans: list[tuple[int, int]] = []
        for span in spans:
            self.add(span)

    def overlaps(self, span: CharSpan) -> bool:
        index = bisect_left(self._spans, (span.start, span.start))
        # only the neighbours on either side can overlap
        for start, end in self._spans[max(index - 1, 0):index + 1]:
            if start < span.end and span.start < end:
                return True
        return False

    def add(self, span: CharSpan) -> None:
        insort(self._spans, (span.start, span.end))


def _names_to_match(entity: Entity) -> list[tuple[tuple[str, ...], str]]:
    """The names AliasMatcher looks for for this entity, as words, each with its reach."""
    names = {entity.name, *entity.aliases}
    if entity.is_person:
        names.add(person_words(entity.name)[-1])
    found = []
    for name in sorted(names):
        words = tuple(_WORD.findall(name))
        if not words or (len(words) == 1 and len(words[0]) < 2):
            continue
        # A one-word name may be an everyday word at the start of a sentence ("Will", "May"),
        # and a surname may belong to another person: those only match where the article
        # already names the entity. Acronyms and longer names match anywhere.
        if len(words) > 1 or (words[0].isupper() and len(words[0]) > 1):
            reach = "anywhere"
        elif entity.is_person:
            reach = "present"
        else:
            reach = "mid-sentence"
        found.append((words, reach))
    return found


def _copy_trie(node: dict) -> dict:
    return {key: list(value) if key == AliasMatcher._END else _copy_trie(value) for key, value in node.items()}


class AliasMatcher:
    """Finds known names the model missed: every multi-word name and acronym of the site
    anywhere, and one-word names of entities that the article already mentions.

    The names are a trie of words, so each word of an article costs one dictionary look-up
    and a name is matched in as many steps as it has words."""

    _END = "\0"  # the trie key under which a node lists the names that end there

    def __init__(self, entities: Iterable[Entity], previous: AliasMatcher | None = None):
        entities = list(entities)  # in id order: the order of the entries at each name
        self._entities = {entity.id: entity for entity in entities}
        self._people = {entity.id for entity in entities if entity.is_person}
        #: The first words of the names that match differently from `previous`'s (see
        #: changed_first_words), when this matcher was made by patching it; else None.
        self.changed: set[str] | None = None
        if previous is not None:
            gone = [e for e in previous._entities.values() if self._entities.get(e.id) is not e]
            new = [e for e in entities if previous._entities.get(e.id) is not e]
            # an edit changes a few entities: patching the last trie beats building it again
            if len(gone) + len(new) <= len(entities) // 20 + 10:
                self._patch(previous, gone, new)
                return
        self._root: dict = {}
        for entity in entities:
            for words, reach in _names_to_match(entity):
                node = self._root
                for word in words:
                    node = node.setdefault(word, {})
                # whether it is a person is in the entry so that comparing tries sees it (missed)
                node.setdefault(self._END, []).append((entity.id, reach, entity.is_person))

    def _patch(self, previous: AliasMatcher, gone: list[Entity], new: list[Entity]) -> None:
        """This matcher as `previous` with the names of `gone` taken out and those of `new` put
        in: the subtries they touch are copied first (`previous` is left as it was), and the
        entries at each touched name are put back in id order, as building from scratch would."""
        self._root = dict(previous._root)
        copied: set[str] = set()
        touched: list[dict] = []

        def subtrie(first: str) -> dict:
            if first not in copied:
                copied.add(first)
                self._root[first] = _copy_trie(self._root.get(first, {}))
            return self._root.setdefault(first, {})  # pruned away by an earlier removal

        for entity in gone:
            for words, _ in _names_to_match(entity):
                path = [self._root, subtrie(words[0])]
                for word in words[1:]:
                    path.append(path[-1].get(word, {}))
                leaf = path[-1]
                leaf[self._END] = [entry for entry in leaf.get(self._END, ()) if entry[0] != entity.id]
                if not leaf[self._END]:
                    del leaf[self._END]
                for parent, word, node in zip(reversed(path[:-1]), reversed(words), reversed(path[1:])):
                    if node or parent.get(word) is not node:  # prune the nodes left empty
                        break
                    del parent[word]
        for entity in new:
            for words, reach in _names_to_match(entity):
                node = subtrie(words[0])
                for word in words[1:]:
                    node = node.setdefault(word, {})
                node.setdefault(self._END, []).append((entity.id, reach, entity.is_person))
                touched.append(node)
        order = {entity_id: n for n, entity_id in enumerate(self._entities)}
        for node in touched:
            node[self._END].sort(key=lambda entry: order[entry[0]])  # stable: names keep their order
        self.changed = copied

    @staticmethod
    def first_words(text: str) -> frozenset[str]:
        """The words a name matched in `text` can start with (a possessive's bare form too)."""
        words = set(_WORD.findall(text))
        return frozenset(words | {_POSSESSIVE.sub("", w) for w in words if w[-1] in "s'’"})

    def changed_first_words(self, previous: AliasMatcher) -> set[str]:
        """The first words of the names that match differently from `previous`: a text none of
        whose first_words() is among them gets the same matches from both."""
        mine, theirs = self._root, previous._root
        return {word for word in mine.keys() | theirs.keys() if mine.get(word) != theirs.get(word)}

    def missed(self, text: str, known: Sequence[Mention]) -> list[Mention]:
        present = {m.entity_id for m in known}
        tokens = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
        root = self._root
        candidates = [i for i, token in enumerate(tokens)
                      if token[0] in root or (token[0][-1] in "s'’" and _POSSESSIVE.sub("", token[0]) in root)]
        found = self._scan(text, tokens, candidates, known, present)
        # a full name found here makes its surname fair game in a second pass
        people = {m.entity_id for m in found if m.entity_id in self._people} - present
        if people:
            found += self._scan(text, tokens, candidates, [*known, *found], present | people)
        return found

    def _names_at(self, text: str, tokens: list[tuple[str, int, int]], i: int) -> list[tuple[int, int, list]]:
        """(index after the name's last word, where the name ends in the text, [(entity id,
        reach, is person)]) for every known name that starts at token i, longest first. The
        last word may carry a possessive ("Rutte's"), which is not part of the name; the words
        must be one space (or line break) apart, so "Mark, Rutte" is not "Mark Rutte"."""
        matches = []
        node = self._root
        for j in range(i, len(tokens)):
            word, word_start, word_end = tokens[j]
            if j > i and text[tokens[j - 1][2]:word_start] not in (" ", "\n"):
                break
            if word[-1] in "s'’":
                bare = _POSSESSIVE.sub("", word)
                if bare != word and self._END in node.get(bare, ()):
                    matches.append((j + 1, word_end - (len(word) - len(bare)), node[bare][self._END]))
            node = node.get(word)
            if node is None:
                break
            if self._END in node:
                matches.append((j + 1, word_end, node[self._END]))
        matches.reverse()
        return matches

    def _scan(self, text: str, tokens: list[tuple[str, int, int]], candidates: list[int],
              known: Sequence[Mention], present: set[str]) -> list[Mention]:
        occupied = _Occupied(m.span for m in _without_overlaps(list(known)))
        found: list[Mention] = []
        next_free = 0  # a match consumes its words
        for i in candidates:
            if i < next_free:
                continue
            start = tokens[i][1]
            accepted = False
            for after, end, options in self._names_at(text, tokens, i):
                for entity_id, reach, _ in options:
                    if entity_id not in present and (
                            reach == "present" or (reach == "mid-sentence" and _starts_sentence(text, start))):
                        continue
                    span = CharSpan(start, end)
                    if not occupied.overlaps(span):
                        found.append(Mention(entity_id, span, text[start:end]))
                    accepted = True
                    break
                if accepted:
                    next_free = after
                    break
        return found


def _starts_sentence(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \t“‘\"'([")
    return not before or before[-1] in ".!?:;\n…"
