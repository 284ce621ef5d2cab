"""Which pages an edit touches: a digest of each page's inputs, kept from build to build.

Rendering is most of a warm build: an archive of 840 articles has some 8,000 article and entity
pages and as many feeds. After an edit to one article only a few of them can come out
different, so every bulk page (an article, an entity page, an entity's feed) gets a digest of
everything its template is given, and a page whose digest is the one the last build recorded
is carried over from the previous output by hard link instead of being rendered again.

Digests are conservative. Everything the template can reach is in it: an article page hashes
its article (front matter and body), the entities it lists and their cards; an entity page
hashes every article it lists, whole, because a template may show any part of them. The
site-wide inputs (Gloss's own code, site.toml, data/, the base URL, whether search is on) are
hashed once into the manifest's `site` key; when that changes, nothing is carried over. The
templates' fingerprint is in the digest of every page a template renders, so a template edit
re-renders all of those but carries the feeds over, which no template touches. So a wrong
digest can only cost a render, never leave a page stale. Small pages that
depend on everything (the home pages, the A–Z indexes) are always rendered.

The manifest lives in the cache folder, with the output folder's inode like the build stamp:
an output folder that was replaced or deleted gets every page rendered.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .cache import OutputStamp
from .index import Article, EntityPage
from .records import Entity

MANIFEST_NAME = "pages.json"


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class PageDigests:
    """Digests of the records pages are made from, each computed once per record.

    `repr` of a frozen dataclass spells out every field in a fixed order, so equal records give
    equal digests; Articles nested in other records are replaced by their own digest, so an
    article's text is hashed once however many pages list it.

    Digests are memoised by record identity (records are frozen, so a record's digest never
    changes), and `for_next_build` hands them to the next build of the same process: the preview
    server's index reuses the records of whatever an edit did not touch (builder.index.IndexMemo),
    so only the touched ones are hashed again. Each memo entry holds its record, so that its id
    cannot be reused by another object while the entry exists."""

    def __init__(self, previous: PageDigests | None = None) -> None:
        self._memo: dict[int, tuple[object, str]] = {}
        self._previous = previous._memo if previous is not None else {}

    def __getstate__(self) -> list[tuple[object, str]]:
        # the memo is keyed by id(), which another process gives other objects: keep the
        # (record, digest) pairs, and key them again when loaded
        return [*self._previous.values(), *self._memo.values()]

    def __setstate__(self, pairs: list[tuple[object, str]]) -> None:
        self._memo = {}
        self._previous = {id(record): (record, digest) for record, digest in pairs}

    def for_next_build(self) -> PageDigests:
        """A PageDigests that starts with this build's digests (and forgets older ones)."""
        return PageDigests(self)

    def _memoised(self, record: object, compute) -> str:
        key = id(record)
        hit = self._memo.get(key)
        if hit is not None and hit[0] is record:
            return hit[1]
        hit = self._previous.get(key)
        if hit is None or hit[0] is not record:
            hit = (record, compute(record))
        self._memo[key] = hit
        return hit[1]

    def article(self, article: Article) -> str:
        return self._memoised(article, lambda a: _hash(repr((a.source, a.entities, a.sentences))))

    def entity(self, entity: Entity) -> str:
        return self._memoised(entity, repr)

    def entity_page(self, page: EntityPage) -> str:
        return self._memoised(page, self._entity_page)

    def _entity_page(self, page: EntityPage) -> str:
        appearances = [(self.article(a.article), a.mentions, a.first_sentence, a.quotes) for a in page.appearances]
        related = [(self.entity(entity), count) for entity, count in page.related]
        return _hash(repr((self.entity(page.entity), page.mentions, related, appearances)))

    def of(self, *parts: object) -> str:
        """A digest of any records, with the Articles, EntityPages and Entities among them (in
        lists and tuples too) by their memoised digests."""
        return _hash(repr(self._stand_in(list(parts))))

    def _stand_in(self, part: object) -> object:
        if isinstance(part, (list, tuple)):
            return [self._stand_in(item) for item in part]
        if isinstance(part, Article):
            return ("article", self.article(part))
        if isinstance(part, EntityPage):
            return ("entity-page", self.entity_page(part))
        if isinstance(part, Entity):
            return self.entity(part)
        return part


class PageManifest(OutputStamp):
    """The digests of the pages of the last complete build, for the output folder it wrote."""

    def __init__(self, cache_dir: Path | None, out_dir: Path, site: str):
        super().__init__(cache_dir / MANIFEST_NAME if cache_dir is not None else None)
        self.out_dir = out_dir
        self.site = site
        self._read = False
        self._trusted_data: dict | None = None

    def previous(self) -> dict[str, str]:
        """{output path: digest} of the last build, or {} when it cannot be trusted: another
        site fingerprint, another or a replaced output folder, or an unreadable file."""
        data = self._trusted()
        return {str(k): str(v) for k, v in data["pages"].items()} if data else {}

    def previous_search(self) -> dict | None:
        """The last build's search index record (builder.search.SearchRun.record), if trusted."""
        data = self._trusted()
        return data.get("search") if data and isinstance(data.get("search"), dict) else None

    def _trusted(self) -> dict | None:
        """The last build's manifest, read once, if it is for this site and output folder."""
        if not self._read:
            data = self.load(self.out_dir)
            trusted = isinstance(data, dict) and data.get("site") == self.site and isinstance(data.get("pages"), dict)
            self._trusted_data, self._read = (data if trusted else None), True
        return self._trusted_data

    def record(self, digests: dict[str, str], search: dict | None = None) -> None:
        self.save(self.out_dir, {"site": self.site, "pages": digests} | ({"search": search} if search else {}))

    def signature(self) -> tuple | None:
        """Which output folder and which recorded build the manifest stands for now: another
        build of this output (from another process) records a manifest with another signature."""
        if self.path is None:
            return None
        try:
            manifest, out = os.stat(self.path), os.stat(self.out_dir)
        except OSError:
            return None
        return (out.st_dev, out.st_ino, manifest.st_ino, manifest.st_mtime_ns, manifest.st_size)
