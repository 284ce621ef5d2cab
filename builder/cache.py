"""On-disk cache of NLP results, one JSON file per analysed text.

The key is a hash of everything the analysis depends on: the analysed text, the model's
name and version, and ANALYSIS_VERSION (bump it whenever the NLP or quote rules change). An
entry that cannot be read or does not fit the records is treated as missing and recomputed;
writes go through a temporary file and a rename, so a killed build never leaves half an entry.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from pathlib import Path

from .records import ArticleAnalysis, CharSpan, MentionFound, QuoteFound, SentenceFound

#: Bump when anything in nlp.py or the quote finder (quotes.py and the quote_*.py and
#: speakers.py modules it runs) changes what an analysis contains.
ANALYSIS_VERSION = "78"
CACHE_DIR_NAME = ".gloss-cache"


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write through a temporary file and a rename, so a killed build never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cache_key(text: str, model: str) -> str:
    digest = hashlib.sha256()
    for part in (ANALYSIS_VERSION, model, text):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _span(pair) -> CharSpan:
    start, end = pair
    if not (isinstance(start, int) and isinstance(end, int)):
        raise ValueError("span bounds must be integers")
    return CharSpan(start, end)


def analysis_to_json(analysis: ArticleAnalysis) -> dict:
    return {
        "mentions": [[m.span.start, m.span.end, m.text, m.label, m.title] for m in analysis.mentions],
        "quotes": [{
            "pieces": [[p.start, p.end] for p in q.pieces], "text": q.text,
            "speaker": [q.speaker.start, q.speaker.end] if q.speaker else None,
            "speaker_text": q.speaker_text, "speaker_label": q.speaker_label, "cue": q.cue,
            "source_text": q.source_text,
        } for q in analysis.quotes],
        "sentences": [[s.span.start, s.span.end] for s in analysis.sentences],
    }


def analysis_from_json(data: dict) -> ArticleAnalysis:
    """Rebuild an analysis; raises (KeyError, TypeError, ValueError) on anything malformed."""
    mentions = tuple(MentionFound(_span((start, end)), str(text), str(label), str(title))
                     for start, end, text, label, title in data["mentions"])
    quotes = tuple(QuoteFound(
        pieces=tuple(_span(p) for p in q["pieces"]), text=str(q["text"]),
        speaker=_span(q["speaker"]) if q["speaker"] is not None else None,
        speaker_text=q["speaker_text"], speaker_label=q["speaker_label"], cue=str(q["cue"]),
        source_text=q["source_text"],
    ) for q in data["quotes"])
    sentences = tuple(SentenceFound(_span(s)) for s in data["sentences"])
    return ArticleAnalysis(mentions, quotes, sentences)


class AnalysisCache:
    def __init__(self, directory: Path | None):
        self.directory = directory
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str, text_length: int) -> ArticleAnalysis | None:
        if self.directory is None:
            return None
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            if data.get("key") != key:
                raise ValueError("entry for another key")
            analysis = analysis_from_json(data["analysis"])
            # offsets past the end of the text mean the entry is not this text's
            if any(m.span.end > text_length for m in analysis.mentions):
                raise ValueError("offsets outside the text")
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.misses += 1
            return None
        self.hits += 1
        return analysis

    def put(self, key: str, analysis: ArticleAnalysis) -> None:
        if self.directory is None:
            return
        write_atomically(self._path(key), json.dumps({"key": key, "analysis": analysis_to_json(analysis)},
                                                     ensure_ascii=False, separators=(",", ":")))

    def prune(self, keep: set[str]) -> int:
        """Delete entries not in `keep` (after a full build); returns how many went."""
        if self.directory is None or not self.directory.is_dir():
            return 0
        removed = 0
        for path in self.directory.glob("*/*.json"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


# --- the whole build's inputs -----------------------------------------------------------------

BUILD_STAMP_NAME = "last-build.json"


def files_under(*roots: Path) -> list[Path]:
    """Every non-hidden file under the given folders (or the files themselves), sorted."""
    found: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root)
        elif root.is_dir():
            found.extend(p for p in root.rglob("*")
                         if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts))
    return sorted(found)


def inputs_fingerprint(files: list[Path], settings: list[str]) -> str:
    """A hash of every input file's name and bytes plus the settings that shape the output."""
    digest = hashlib.sha256()
    for setting in settings:
        digest.update(setting.encode("utf-8") + b"\0")
    for path in files:
        digest.update(str(path).encode("utf-8") + b"\0")
        digest.update(read_input(path))
        digest.update(b"\0")
    return digest.hexdigest()


#: The input files read during the current build, with the stat they were read under: the
#: "nothing changed" check hashes every article before the build reads them again, and on a
#: disk that keeps little in its page cache a read costs half a millisecond.
_reads: dict[Path, tuple[tuple[int, int, int], bytes]] = {}


def read_input(path: Path) -> bytes:
    """The file's bytes, read once per build (see forget_inputs) unless it changed meanwhile."""
    info = os.stat(path)
    stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
    hit = _reads.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    data = path.read_bytes()
    _reads[path] = (stamp, data)
    return data


def forget_inputs() -> None:
    """Called at the start and end of every build: a file is never trusted from another build."""
    _reads.clear()


class OutputStamp:
    """A JSON record about the output folder a complete build wrote, trusted only for that
    folder: its path and inode are stored with it, so a deleted or replaced output (or another
    --out) does not match. `forget` it before the output changes, `save` it after."""

    def __init__(self, path: Path | None):
        self.path = path

    def load(self, out_dir: Path) -> dict | None:
        if self.path is None:
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data["out_dir"] == str(out_dir.absolute()) and data["inode"] == out_dir.stat().st_ino:
                return data
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return None

    def save(self, out_dir: Path, fields: dict) -> None:
        if self.path is not None:
            write_atomically(self.path, json.dumps({**fields, "out_dir": str(out_dir.absolute()),
                                                    "inode": out_dir.stat().st_ino},
                                                   separators=(",", ":"), sort_keys=True))

    def forget(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


class BuildStamp(OutputStamp):
    """What the last complete build was made from, so that a build whose inputs have not
    changed since can stop before reading a single article."""

    def __init__(self, directory: Path):
        super().__init__(directory / BUILD_STAMP_NAME)

    def matches(self, fingerprint: str, out_dir: Path) -> dict | None:
        """The summary stored with the matching stamp, or None."""
        data = self.load(out_dir)
        if data is not None and data.get("fingerprint") == fingerprint and isinstance(data.get("summary"), dict):
            return data["summary"]
        return None

    def record(self, fingerprint: str, out_dir: Path, summary: dict) -> None:
        self.save(out_dir, {"fingerprint": fingerprint, "summary": summary})


# --- prepared articles (Markdown rendered, prose extracted) ---------------------------------

PREPARED_NAME = "prepared.pickle"


class PreparedCache:
    """The rendered HTML, analysed text and editorial marks of every article of the last build,
    in one file, so that a rebuild does not run Markdown and an HTML parser over articles that
    did not change. The key hashes the article's body and front-matter links with Gloss's own
    code (`code` below), so a change to the Markdown or prose rules invalidates every entry.

    The file is a pickle: it is written and read only by the build in the site's own cache
    folder, like a compiler's object files, and anything unreadable is ignored. Only the entries
    the current build used are written back, so the file does not grow with deleted articles.
    """

    def __init__(self, directory: Path | None, code: str):
        self.path = directory / PREPARED_NAME if directory is not None else None
        self.code = code
        self._old: dict[str, object] = {}
        self._new: dict[str, object] = {}
        if self.path is not None:
            try:
                with open(self.path, "rb") as handle:
                    loaded = pickle.load(handle)
                if isinstance(loaded, dict):
                    self._old = loaded
            except Exception:  # missing, truncated, or from another version: start over
                self._old = {}

    def key(self, body: str, links: tuple) -> str:
        digest = hashlib.blake2b(digest_size=20)
        for part in (self.code, repr(links), body):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        return digest.hexdigest()

    def get(self, key: str) -> tuple | None:
        """(html, text, marks) of the article with this key, or None."""
        value = self._old.get(key)
        if not (isinstance(value, tuple) and len(value) == 3):
            return None
        self._new[key] = value
        return value

    def put(self, key: str, value: object) -> None:
        self._new[key] = value

    def save(self) -> None:
        if self.path is None or self._new.keys() == self._old.keys():
            return
        write_atomically(self.path, pickle.dumps(self._new, protocol=pickle.HIGHEST_PROTOCOL))

    def for_next_build(self) -> PreparedCache:
        """This build's entries as the next build's, without reading the file again (for a
        process that builds more than once: the file holds the same entries after save())."""
        following = PreparedCache(None, self.code)
        following.path, following._old = self.path, dict(self._new)
        return following


# --- annotated article bodies -----------------------------------------------------------------

BODIES_DIR_NAME = "annotated"


class AnnotatedBodies:
    """Article bodies as annotated HTML, one file each, keyed by a digest of everything
    annotating reads (the article, the cards of the entities it mentions, its speakers) and
    Gloss's own code. Annotating parses and rewrites the article's HTML tree, most of the time
    an article page takes; it does not depend on the templates, so after a theme edit every
    article page is rendered again around the body it had.

    Each entry starts with its key on a line of its own: a file that is not what its name says
    (copied, truncated by hand) is ignored and written again. Entries are written atomically,
    from any of the page-writing processes. `keep_only` drops the entries the build did not use.
    """

    def __init__(self, directory: Path | None, code: str):
        self.directory = directory
        self.code = code

    def key(self, inputs_digest: str) -> str:
        return hashlib.blake2b(f"{self.code}\0{inputs_digest}".encode(), digest_size=20).hexdigest()

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / f"{key}.html"

    def get(self, key: str) -> str | None:
        if self.directory is None:
            return None
        try:
            stored = self._path(key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        first, _, body = stored.partition("\n")
        return body if first == key else None

    def put(self, key: str, body: str) -> None:
        if self.directory is not None:
            write_atomically(self._path(key), f"{key}\n{body}")

    def keep_only(self, keys: set[str]) -> None:
        if self.directory is None or not self.directory.is_dir():
            return
        for path in self.directory.glob("*.html"):
            if path.stem not in keys:
                path.unlink(missing_ok=True)
