"""The build, start to finish. Reads like the table of contents of the pipeline:

    config -> articles -> Markdown -> prose -> NLP (cached) -> entities -> index -> pages

Everything is gathered and checked before anything is written, and the pages are written into
a staging folder that replaces the output only when the whole site is done.

Rebuilds do as little as they can: a build whose inputs (site files, Gloss's own code, the
model's version, the options) hash the same as the last complete build's stops at once
(`skip_if_unchanged`); otherwise NLP and the Markdown rendering come from per-article caches
(cache.py), pages whose inputs did not change are carried over without rendering
(pagedigest.py), and only the files whose bytes changed are written (output.py).
"""
from __future__ import annotations

import gc
import logging
import multiprocessing
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

from .cache import (BODIES_DIR_NAME, CACHE_DIR_NAME, AnalysisCache, AnnotatedBodies, BuildStamp,
                    PreparedCache, cache_key, files_under, forget_inputs, inputs_fingerprint)
from .config import SiteConfig, load_config, with_base_url
from .content import ArticleSource, ReadMemo, read_articles
from .entities import ArticleInput, Registry, RegistryMemo, build_registry
from .errors import Diagnostic, UserError, errors_in
from .index import Article, IndexMemo, SiteIndex, build_index
from .markdown import render_markdown
from .nlp import Analyser, ModelWorker, model_fingerprint, process_count, resolve_model
from .output import list_files, patched_output, remove_stale_staging, staged_output
from .overrides import Overrides, load_overrides
from .pagedigest import PageDigests, PageManifest
from .processes import can_fork
from .warmstore import content_key, load_state, save_state_in_background
from .progress import timed
from .prose import EditorialMark, editorial_marks, parse_html, prose_blocks
from .records import ArticleAnalysis
from .render import THEME_DIR, Renderer, compile_templates, make_environment
from .search import pagefind_fingerprint

log = logging.getLogger("gloss")


@dataclass
class WarmState:
    """What a long-running process (the preview server) keeps from one build to the next, so
    that an edit costs in proportion to what it changed: each stage's per-article results, kept
    with the inputs they came from and reused only for equal inputs. A build with a WarmState
    writes exactly what a build without one writes (tests/test_pagedigest.py)."""

    reads: ReadMemo = field(default_factory=dict)  # the articles' files as last read and parsed
    # what the last gather_site made (its registry and index) and everything it was made from:
    # a build whose config, articles, editors' data and model are the same reuses it whole
    gathered: tuple[tuple, Registry, SiteIndex] | None = None
    analyses: dict[str, ArticleAnalysis] = field(default_factory=dict)  # by cache key
    prepared: PreparedCache | None = None
    registry: RegistryMemo = field(default_factory=RegistryMemo)
    index: IndexMemo = field(default_factory=IndexMemo)
    digests: PageDigests = field(default_factory=PageDigests)
    # valid while the templates and settings hash to `site_inputs` (site and templates fingerprints):
    site_inputs: str = ""
    environment: Any = None  # the Jinja environment, templates compiled
    # valid while the settings hash to `job_settings` (the memo outlives a template edit):
    job_settings: str = ""
    page_jobs: dict = field(default_factory=dict)  # Renderer.job_memo
    page_parts: dict = field(default_factory=dict)  # Renderer.parts_memo()
    output_files: tuple[object, set[str]] = (None, set())  # (PageManifest.signature(), the files)
    stored_key: str = ""  # the content key of the state file this was loaded from (builder.warmstore)
    # A stored state's per-article memos (analyses, prepared, registry, index), still on disk:
    # only a build whose site changed needs them (builder.warmstore).
    pending_memos: Callable[[], dict | None] | None = None

    def load_memos(self) -> None:
        """Read the per-article memos if they are still pending. A stored state whose memos do
        not load keeps empty ones: every article's share is then made again, from the caches."""
        pending, self.pending_memos = self.pending_memos, None
        memos = pending() if pending is not None else None
        for name, value in (memos or {}).items():
            setattr(self, name, value)


@dataclass
class BuildOptions:
    root: Path
    out_dir: Path | None = None
    base_url: str | None = None
    drafts: bool = False
    cache_dir: Path | None = None  # None: <root>/.gloss-cache; use_cache=False disables it
    use_cache: bool = True
    progress: Callable[[int, int], None] | None = None  # (articles analysed, total)
    skip_if_unchanged: bool = False  # stop early when nothing changed since the last build
    warm: WarmState | None = None  # kept by a long-running process between its builds
    keep_state: bool = False  # load the last build's WarmState from the cache, and store this one's


@dataclass
class BuildResult:
    config: SiteConfig
    index: SiteIndex | None  # None when the build was skipped because nothing changed
    out_dir: Path
    warnings: list[Diagnostic] = field(default_factory=list)
    analysed: int = 0  # articles that went through spaCy (not from the cache)
    pages: int = 0
    seconds: float = 0.0
    changed: int = 0  # pages whose bytes differ from the previous output's
    summary: dict = field(default_factory=dict)  # counts for the log line, kept in the build stamp
    # The WarmState the build started from and brought up to date (a `build` command's, loaded
    # from the cache): a caller may pass it to its next build. Handing it back also means that
    # it is not freed as the build returns, record by record (0.15 s at 840 articles), by a
    # command that is about to exit anyway.
    warm: WarmState | None = None

    @property
    def unchanged(self) -> bool:
        return self.index is None

    def describe(self) -> str:
        """The one line `build` and `serve` print."""
        if self.unchanged:
            return f"nothing changed since the last build of {self.out_dir} ({self.seconds:.2f} s)"
        counts = self.summary
        return (f"built {counts['articles']} articles, {counts['people']} people, {counts['topics']} "
                f"topics, {self.pages} pages ({self.changed} changed) into {self.out_dir} in "
                f"{self.seconds:.1f} s ({self.analysed} analysed, "
                f"{counts['articles'] - self.analysed} from cache)")


@dataclass(frozen=True)
class PreparedArticle:
    source: ArticleSource
    html: str
    text: str
    marks: tuple[EditorialMark, ...] = ()


def prepare(source: ArticleSource) -> PreparedArticle:
    html = render_markdown(source.body)
    prose = prose_blocks(parse_html(html))
    marks = editorial_marks(prose)
    marks += phrase_marks(prose.text, source.link_entities, marks)
    return PreparedArticle(source, html, prose.text, tuple(sorted(marks, key=lambda m: (m.start, m.end))))


def phrase_marks(text: str, links: tuple[tuple[str, str], ...],
                 taken: list[EditorialMark]) -> list[EditorialMark]:
    """Front matter's `link_entities`: every whole-word occurrence of each phrase is a mark
    for its entity, as if written [phrase]{entity="Name"} (inline marks win where they meet)."""
    found: list[EditorialMark] = []
    for phrase, name in sorted(links, key=lambda link: -len(link[0])):  # longer phrases first
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text):
            if not any(m.start < match.end() and match.start() < m.end for m in [*taken, *found]):
                found.append(EditorialMark("entity", name, match.start(), match.end()))
    return found


def prepare_cached(source: ArticleSource, cache: PreparedCache | None) -> PreparedArticle:
    if cache is None:
        return prepare(source)
    key = cache.key(source.body, source.link_entities)
    hit = cache.get(key)
    if hit is not None:
        return PreparedArticle(source, *hit)
    article = prepare(source)
    cache.put(key, (article.html, article.text, article.marks))
    return article


def prepare_and_analyse(sources: list[ArticleSource], config: SiteConfig, cache: AnalysisCache,
                        progress: Callable[[int, int], None] | None, prepared_cache: PreparedCache | None = None,
                        warm: WarmState | None = None, early: ModelWorker | None = None
                        ) -> tuple[list[PreparedArticle], list[ArticleAnalysis], int]:
    """Every article prepared, with its analysis from the cache where it can be, from spaCy
    for the rest. spaCy's workers start as soon as there is enough to analyse, so they load
    the model and work while the remaining articles are still being prepared."""
    package = resolve_model(config.nlp.model)
    fingerprint = model_fingerprint(package)
    analyser = Analyser(package, config.nlp.processes, early)
    prepared: list[PreparedArticle] = []
    keys: list[str] = []
    results: list[ArticleAnalysis | None] = []
    for index, source in enumerate(sources):
        article = prepare_cached(source, prepared_cache)
        prepared.append(article)
        keys.append(cache_key(article.text, fingerprint))
        kept = warm.analyses.get(keys[-1]) if warm is not None else None
        results.append(kept if kept is not None else cache.get(keys[-1], len(article.text)))
        if results[-1] is None:
            analyser.add(index, article.text)
    done = sum(r is not None for r in results)
    if progress:
        progress(done, len(sources))
    analysed = 0
    for index, analysis in analyser.results():
        results[index] = analysis
        cache.put(keys[index], analysis)
        analysed += 1
        if progress:
            progress(done + analysed, len(sources))
    if warm is not None:
        warm.analyses = dict(zip(keys, results))  # type: ignore[arg-type]
    return prepared, results, analysed  # type: ignore[return-value]


def load_site(options: BuildOptions
              ) -> tuple[SiteConfig, list[ArticleSource], Overrides, list[Diagnostic]]:
    """The config, every article and the editors' overrides, or a UserError listing every
    problem found in any of them."""
    config, warnings = load_config(options.root)
    config = with_base_url(config, options.base_url)
    sources, problems = read_articles(config.content_dir, options.root, options.drafts,
                                      options.warm.reads if options.warm is not None else None)
    overrides, override_problems = load_overrides(options.root)
    problems = warnings + problems + override_problems
    if errors_in(problems):
        raise UserError(problems)
    return config, sources, overrides, problems


GLOSS_CODE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)  # the code does not change while Gloss runs
def code_fingerprint() -> str:
    """Gloss's own code and data (the first-name table), hashed: what turns an article into
    HTML, text and pages."""
    return inputs_fingerprint([f for f in files_under(GLOSS_CODE_DIR) if f.suffix in (".py", ".tsv")],
                              [])


def _settings(options: BuildOptions, config: SiteConfig) -> list[str]:
    """The settings and code every page depends on."""
    return [f"base_url={config.base_url}", f"drafts={options.drafts}", f"code={code_fingerprint()}",
            # installing Pagefind (or losing it) changes the site: a Search page or none
            f"pagefind={pagefind_fingerprint() if config.search.enabled else None}"]


def build_fingerprint(options: BuildOptions, config: SiteConfig, out_dir: Path) -> str:
    """Everything the output depends on, hashed (see the module docstring)."""
    files = files_under(options.root / "site.toml", options.root / "data", config.content_dir, config.templates_dir,
                        options.root / "static", THEME_DIR)
    return inputs_fingerprint(files, _settings(options, config) + [
        f"out={out_dir.absolute()}", f"model={model_fingerprint(resolve_model(config.nlp.model))}"])


def site_fingerprint(options: BuildOptions, config: SiteConfig) -> str:
    """What every file depends on besides its own records and the templates (see
    builder.pagedigest): Gloss's code, site.toml, the editors' data, and the settings."""
    files = files_under(options.root / "site.toml", options.root / "data")
    return inputs_fingerprint(files, _settings(options, config))


def templates_fingerprint(config: SiteConfig) -> str:
    """What every page a template renders depends on besides its records: the site's templates
    and the default theme's (feeds and the API use none)."""
    return inputs_fingerprint(files_under(config.templates_dir, THEME_DIR), [])


def summarise(index: SiteIndex, pages: int) -> dict:
    people = sum(1 for p in index.entities.values() if p.entity.is_person)
    return {"articles": len(index.articles), "people": people,
            "topics": len(index.entities) - people, "pages": pages}


@dataclass(frozen=True)
class GatheredSite:
    """Everything known about the site before a page is written."""

    config: SiteConfig
    warnings: list[Diagnostic]
    # empty when the site was reused whole from a WarmState (see gather_site): only a build
    # reuses one, and it reads neither
    prepared: list[PreparedArticle]
    analyses: list[ArticleAnalysis]
    registry: Registry
    index: SiteIndex
    analysed: int  # articles that went through spaCy (not from the cache)


def gather_site(options: BuildOptions, early: ModelWorker | None = None) -> GatheredSite:
    """Read, check and analyse every article and build the site-wide index: the whole build
    but the writing, shared by `build` and `check`. `early`: spaCy already loading elsewhere."""
    with timed("read"):
        config, sources, overrides, warnings = load_site(options)
    for warning in warnings:
        log.warning("%s", warning)
    cache_dir = options.cache_dir or options.root / CACHE_DIR_NAME
    warm = options.warm
    inputs: tuple = ()
    if warm is not None:
        # Everything the rest of this function reads. A theme edit changes none of it: the
        # last build's registry and index are this one's, and the per-article memos, most of a
        # stored state's records, need not even be read.
        inputs = (config, tuple(sources), overrides, model_fingerprint(resolve_model(config.nlp.model)))
        if warm.gathered is not None and warm.gathered[0] == inputs:
            return GatheredSite(config, warnings, [], [], warm.gathered[1], warm.gathered[2], 0)
        warm.load_memos()
    with timed("analyse"):
        cache = AnalysisCache(cache_dir / "nlp" if options.use_cache else None)
        prepared_cache = None
        if options.use_cache:
            prepared_cache = (warm.prepared if warm is not None and warm.prepared is not None
                              else PreparedCache(cache_dir, code_fingerprint()))
        prepared, analyses, analysed = prepare_and_analyse(sources, config, cache, options.progress,
                                                           prepared_cache, warm, early)
        if prepared_cache is not None:
            prepared_cache.save()
            if warm is not None:
                warm.prepared = prepared_cache.for_next_build()
    with timed("entities"):
        registry = build_registry(
            [ArticleInput(p.source.slug, p.text, a, p.source.tags, p.marks, p.source.ignore_entities)
             for p, a in zip(prepared, analyses)],
            config.nlp.entity_pages, overrides, warm.registry if warm is not None else None)
    with timed("index"):
        articles = [Article(p.source, p.html, p.text, registry.articles[p.source.slug], a.sentences)
                    for p, a in zip(prepared, analyses)]
        index = build_index(articles, registry, warm.index if warm is not None else None)
    if warm is not None:
        warm.gathered = (inputs, registry, index)
    return GatheredSite(config, warnings, prepared, analyses, registry, index, analysed)


#: Collect the youngest generation after this many new objects (Python's default is 700).
#: A build makes millions of small, acyclic records that live until the end; with the
#: default, the collector keeps walking all of them (a full collection over the whole index
#: takes ~0.15 s, and the default runs nine in a one-article rebuild: ~1.3 s of its 7 s).
#: Cycles (BeautifulSoup trees) are still collected, a little later.
GC_THRESHOLD = (50_000, 20, 100)


@contextmanager
def fewer_collections() -> Iterator[None]:
    previous = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


class Meanwhile:
    """What a `build` command prepares while it would otherwise wait: a listing of the output's
    files, which the patch then uses instead of looking up each carried page on disk and
    walking every folder for stale files, and the templates, compiled (together about a
    quarter of a second on an archive of 840 articles). Nothing here depends on the articles.
    Anything that fails is left to be done, and reported, as without this.

    After an edit to an article it runs in a thread while spaCy analyses the article (this
    process only waits for it then). Otherwise the listing runs in a forked process while the
    stored state loads: a thread doing system calls beside a thread that holds the interpreter
    gets it back only every few milliseconds, once per folder, and would take seconds."""

    def __init__(self, config: SiteConfig, out_dir: Path, beside_work: bool = False):
        self.environment: Any = None
        self.listing: tuple[set[str], set[str]] | None = None
        self._thread = self._process = self._connection = None
        if beside_work and can_fork() and out_dir.is_dir() and not out_dir.is_symlink():
            context = multiprocessing.get_context("fork")
            self._connection, child = context.Pipe(duplex=False)
            self._process = context.Process(target=_send_listing, args=(out_dir, child), daemon=True,
                                            name="gloss-listing")
            self._process.start()
            child.close()
        elif not beside_work:
            self._thread = threading.Thread(target=self._prepare, args=(config, out_dir), daemon=True,
                                            name="gloss-meanwhile")
            self._thread.start()

    def _prepare(self, config: SiteConfig, out_dir: Path) -> None:
        try:
            if out_dir.is_dir() and not out_dir.is_symlink():
                self.listing = list_files(out_dir)
            environment = make_environment(config)
            compile_templates(environment)
            self.environment = environment
        except Exception:  # noqa: BLE001 - the build does it again, and reports what fails
            return

    def done(self) -> Meanwhile:
        if self._thread is not None:
            self._thread.join()  # before any fork: no other thread may be running then
            self._thread = None
        if self._process is not None:
            try:
                listing = self._connection.recv()
                self.listing = listing if isinstance(listing, tuple) else None
            except (EOFError, OSError):
                self.listing = None
            self._connection.close()
            self._process.join()
            self._process = None
        return self


def _send_listing(out_dir: Path, connection) -> None:
    try:
        connection.send(list_files(out_dir))
    except Exception:  # noqa: BLE001 - the build walks the output itself
        connection.send(None)


def stored_state(options: BuildOptions) -> WarmState | None:
    """The WarmState the last `build` command stored for this site (builder.warmstore), if any."""
    if not options.use_cache:
        return None
    return load_state(options.cache_dir or options.root / CACHE_DIR_NAME, code_fingerprint())


def build(options: BuildOptions, early: ModelWorker | None = None) -> BuildResult:
    """Build the site. `early`: spaCy already loading (builder.nlp.ModelWorker.for_edits), as
    the CLI starts it before importing the rest of Gloss; without it, a build that keeps state
    starts one itself when a few articles were edited. Either is stopped when the build ends."""
    forget_inputs()
    try:
        with fewer_collections():
            return _build(options, early)
    finally:
        forget_inputs()
        if early is not None:
            early.close()


def _build(options: BuildOptions, early: ModelWorker | None) -> BuildResult:
    started = time.perf_counter()
    out_dir = options.out_dir or options.root / "public"
    cache_dir = options.cache_dir or options.root / CACHE_DIR_NAME
    stamp = fingerprint = meanwhile = None
    keep_state = options.keep_state and options.use_cache and options.warm is None
    if options.skip_if_unchanged and options.use_cache:
        config, warnings = load_config(options.root)
        config = with_base_url(config, options.base_url)
        stamp = BuildStamp(cache_dir)
        if early is None and keep_state:
            # before hashing the inputs, which takes a while on a large site: spaCy loads meanwhile
            early = ModelWorker.for_edits(config.content_dir, stamp.path, config.nlp.model)
        fingerprint = build_fingerprint(options, config, out_dir)
        summary = stamp.matches(fingerprint, out_dir)
        if summary is not None:
            if early is not None:  # a file saved again unchanged
                early.close()
            for warning in warnings:
                log.warning("%s", warning)
            return BuildResult(config, None, out_dir, warnings, pages=summary.get("pages", 0),
                               seconds=time.perf_counter() - started, summary=summary)
        stamp.forget()  # the output is about to change; the stamp is written again at the end
    try:
        if keep_state and early is None and stamp is not None:
            meanwhile = Meanwhile(config, out_dir, beside_work=True)
        if keep_state:  # after the check above: a build that changes nothing need not load it
            with timed("load state"):
                options = replace(options, warm=stored_state(options) or WarmState())
        if early is not None and stamp is not None:  # (spaCy's worker and the state were enough)
            meanwhile = Meanwhile(config, out_dir)
        site = gather_site(options, early)
    finally:
        if early is not None:  # the model's memory is the page writers' from here on
            early.close()
        if meanwhile is not None:
            meanwhile.done()
    config, warnings, index, analysed = site.config, site.warnings, site.index, site.analysed
    # The model's raw findings went into the index; let them go before the page writers fork,
    # so that an archive's millions of small records are neither kept nor copied into them.
    del site

    remove_stale_staging(out_dir)
    settings, templates = site_fingerprint(options, config), templates_fingerprint(config)
    site_inputs = settings + templates
    manifest = PageManifest(cache_dir if options.use_cache else None, out_dir, settings)
    signature_before = manifest.signature()
    bodies = AnnotatedBodies(cache_dir / BODIES_DIR_NAME if options.use_cache else None, code_fingerprint())
    warm = options.warm
    # the templates, compiled, for as long as they and the settings stay the same
    same_site = warm is not None and warm.site_inputs == site_inputs
    env = (warm.environment if same_site else
           meanwhile.environment if meanwhile is not None and meanwhile.environment is not None
           else make_environment(config))
    same_settings = warm is not None and warm.job_settings == settings
    renderer = Renderer(config, index, env, previous_pages=manifest.previous(), bodies=bodies,
                        digests=warm.digests if warm is not None else None,
                        job_memo=warm.page_jobs if same_settings else None,
                        templates=templates, previous_search=manifest.previous_search(),
                        parts_memo=warm.page_parts if same_settings else None)
    manifest.forget()
    plan = renderer.plan_pages()
    # A site the last build wrote is patched in place, even when most pages change (a template
    # edit): writing a whole new output and deleting the old one makes and frees 25,000 files
    # and folders, and on ext4 the next build then pays for every freed inode. A new site, or
    # one whose digests were lost, is written whole and swapped in. Pagefind indexes the site
    # as the patch will make it (a folder of links to the live and the patched pages), and
    # only when its index would change (builder.search), before anything goes live.
    patch = bool(renderer.previous_pages)
    files_before = None  # what the output holds, if this process wrote it and nothing has since
    if warm is not None and signature_before is not None and warm.output_files[0] == signature_before:
        files_before = warm.output_files[1]
    listed = meanwhile.listing if meanwhile is not None and files_before is None else None
    with timed("output"), (patched_output(out_dir, files_before, listed) if patch
                           else staged_output(out_dir)) as out:
        renderer.write_site(out, process_count(config.nlp.processes), plan)
        pages = sum(1 for path in out.written if path.endswith(".html"))
        changed = sum(1 for path in out.changed if path.endswith(".html"))
    manifest.record(renderer.page_digests, renderer.search_record)
    if warm is not None:
        warm.digests = renderer.digests.for_next_build()
        warm.site_inputs, warm.environment = site_inputs, env
        warm.job_settings, warm.page_jobs, warm.page_parts = settings, renderer.job_memo, renderer.parts_memo()
        warm.output_files = (manifest.signature(), set(out.written))
    bodies.keep_only(renderer.body_keys)
    if keep_state and warm is not None:
        key = content_key(warm, settings)
        # also when pages' parts were made that the stored state lacks (pages it carried over
        # without making them): the next template edit would make them again, every time
        if key != warm.stored_key or renderer.made_parts:
            warm.load_memos()  # here, not in the state writer: the file they are read from is shared
            save_state_in_background(cache_dir, code_fingerprint(), warm, key)
    summary = summarise(index, pages)
    if stamp is not None and fingerprint is not None:
        stamp.record(fingerprint, out_dir, summary)
    return BuildResult(config, index, out_dir, warnings, analysed, pages, time.perf_counter() - started,
                       changed, summary, warm)
