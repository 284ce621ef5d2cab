"""Typed records that cross the build's stage boundaries.

Every stage takes records and returns records; none of them is mutated after it is made.
Character offsets in NLP records are offsets into an article's *analysed text*: the text of
its prose blocks (see `builder.prose`) joined with `BLOCK_SEPARATOR`, so that one spaCy Doc
covers the whole article and offsets map back to exactly one block of the annotated HTML.

Records have `__slots__`: an archive of thousands of articles holds millions of mentions,
sentences and spans, and a slotted record is about half the size of one with a `__dict__`.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

BLOCK_SEPARATOR = "\n\n"


def record(cls: type) -> type:
    """@dataclass(frozen=True, slots=True), unpickled faster: the records of a whole site are
    unpickled by every `build` command (the stored state, builder.warmstore) and after every
    spaCy worker's batch. The __setstate__ dataclasses give a slotted class looks its fields
    up again for every object; this one is written out for the class's own fields (as
    dataclasses writes its __init__), and loads a site's state in half the time. Same state,
    same result."""
    cls = dataclass(frozen=True, slots=True)(cls)
    names = [field.name for field in fields(cls)]
    # state[i] by position, one line per field: a loop over the names costs a third more
    body = "".join(f"\n    _set(self, {name!r}, state[{i}])" for i, name in enumerate(names)) or "\n    pass"
    namespace: dict = {}
    exec(f"def __setstate__(self, state, _set=object.__setattr__):{body}", namespace)
    __setstate__ = namespace["__setstate__"]
    __setstate__.__qualname__ = f"{cls.__qualname__}.__setstate__"
    cls.__setstate__ = __setstate__
    return cls


@record
class CharSpan:
    """A half-open range [start, end) of characters in an article's analysed text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: CharSpan) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: CharSpan) -> bool:
        return self.start <= other.start and other.end <= self.end


# --- NLP findings (per article, cacheable: plain data, no spaCy objects) -------------------


@record
class MentionFound:
    """A named-entity mention the model (or a rule) found in the analysed text."""

    span: CharSpan
    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, LOC, NORP, EVENT, LAW, ...
    # The words just before the name that describe it ("NATO Secretary General" before
    # "Mark Rutte"), used to resolve later descriptions ("the Secretary General said").
    title: str = ""


@record
class QuoteFound:
    """A direct quotation.

    `pieces` are the highlighted ranges, each including its own quote marks. A quote broken
    by its attribution (“We are ready,” he said, “and we will act.”) is one QuoteFound with
    two pieces; a quote running over several paragraphs has one piece per paragraph.
    `speaker` is the span of a *name* in the text (never a pronoun): the quote finder resolves
    "he" or "the Secretary General" to the name it stands for. None when the text does not
    support any speaker.
    """

    pieces: tuple[CharSpan, ...]
    text: str  # the words, without the outer quote marks; pieces joined by one space
    speaker: CharSpan | None = None
    speaker_text: str | None = None
    speaker_label: str | None = None  # PERSON or ORG, as far as the finder knows
    cue: str = ""  # how the speaker was found: "verb", "according-to", "continuation", ...
    # how the text describes a speaker it does not name ("a senior Cruz adviser"); None when
    # `speaker` is set or the text says nothing of who spoke
    source_text: str | None = None


@record
class SentenceFound:
    span: CharSpan


@record
class ArticleAnalysis:
    """Everything the NLP stage learns about one article's analysed text."""

    mentions: tuple[MentionFound, ...]
    quotes: tuple[QuoteFound, ...]
    sentences: tuple[SentenceFound, ...]


# --- site-wide records (after alias merging) ------------------------------------------------


@record
class Entity:
    """A person or topic with its own page. `id` is unique across the site and URL-safe."""

    id: str
    name: str
    kind: str  # see config.ENTITY_KINDS
    aliases: tuple[str, ...] = ()  # every other way the site writes the name
    description: str = ""  # from the editors (data/entities.toml)
    image: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (label, URL), e.g. ("Wikipedia", "https://...")
    edited: bool = False  # the editors described it in data/entities.toml

    @property
    def is_person(self) -> bool:
        return self.kind == "person"


@record
class Mention:
    """A resolved mention: this span of an article's analysed text names this entity."""

    entity_id: str
    span: CharSpan
    text: str


@record
class Quote:
    """A quote with its speaker resolved to a site entity. `anchor` is its id in the page."""

    anchor: str
    pieces: tuple[CharSpan, ...]
    text: str
    speaker_id: str | None
    cue: str = ""
    source: str | None = None  # how the text describes an unnamed speaker (no speaker_id)


@record
class ArticleEntities:
    """What the site-wide registry decided for one article."""

    mentions: tuple[Mention, ...]
    quotes: tuple[Quote, ...]
    tag_ids: tuple[str, ...] = ()
