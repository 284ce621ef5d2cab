"""The build, start to finish. Reads like the table of contents of the pipeline:

    config -> articles -> Markdown -> prose -> NLP (cached) -> entities -> index -> pages

Everything is gathered and checked before anything is written, and the pages are written into
a staging folder that replaces the output only when the whole site is done.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .cache import CACHE_DIR_NAME, AnalysisCache, cache_key
from .config import SiteConfig, load_config, with_base_url
from .content import ArticleSource, read_articles
from .entities import ArticleInput, build_registry
from .errors import Diagnostic, UserError, errors_in
from .index import Article, SiteIndex, build_index
from .markdown import render_markdown
from .nlp import analyse_texts, model_fingerprint, resolve_model
from .output import remove_stale_staging, staged_output
from .prose import parse_html, prose_blocks
from .records import ArticleAnalysis
from .render import Renderer

log = logging.getLogger("gloss")


@dataclass
class BuildOptions:
    root: Path
    out_dir: Path | None = None
    base_url: str | None = None
    drafts: bool = False
    cache_dir: Path | None = None  # None: <root>/.gloss-cache; use_cache=False disables it
    use_cache: bool = True
    progress: Callable[[int, int], None] | None = None  # (articles analysed, total)


@dataclass
class BuildResult:
    config: SiteConfig
    index: SiteIndex
    out_dir: Path
    warnings: list[Diagnostic] = field(default_factory=list)
    analysed: int = 0  # articles that went through spaCy (not from the cache)
    pages: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class PreparedArticle:
    source: ArticleSource
    html: str
    text: str


def prepare(source: ArticleSource) -> PreparedArticle:
    html = render_markdown(source.body)
    return PreparedArticle(source, html, prose_blocks(parse_html(html)).text)


def analyse(prepared: list[PreparedArticle], config: SiteConfig, cache: AnalysisCache,
            progress: Callable[[int, int], None] | None) -> tuple[list[ArticleAnalysis], int]:
    """An analysis per article, from the cache where it can, from spaCy for the rest."""
    package = resolve_model(config.nlp.model)
    fingerprint = model_fingerprint(package)
    keys = [cache_key(p.text, fingerprint) for p in prepared]
    results: list[ArticleAnalysis | None] = [cache.get(k, len(p.text)) for k, p in zip(keys, prepared)]
    todo = [i for i, r in enumerate(results) if r is None]
    done = len(prepared) - len(todo)
    if progress:
        progress(done, len(prepared))
    for i, analysis in zip(todo, analyse_texts([prepared[i].text for i in todo], package,
                                               config.nlp.processes)):
        results[i] = analysis
        cache.put(keys[i], analysis)
        done += 1
        if progress:
            progress(done, len(prepared))
    return results, len(todo)  # type: ignore[return-value]


def load_site(options: BuildOptions) -> tuple[SiteConfig, list[ArticleSource], list[Diagnostic]]:
    """The config and every article, or a UserError listing every problem found."""
    config, warnings = load_config(options.root)
    config = with_base_url(config, options.base_url)
    sources, problems = read_articles(config.content_dir, options.root, options.drafts)
    problems = warnings + problems
    if errors_in(problems):
        raise UserError(problems)
    return config, sources, problems


def build(options: BuildOptions) -> BuildResult:
    started = time.perf_counter()
    config, sources, warnings = load_site(options)
    for warning in warnings:
        log.warning("%s", warning)
    cache_dir = options.cache_dir or options.root / CACHE_DIR_NAME
    cache = AnalysisCache(cache_dir / "nlp" if options.use_cache else None)

    prepared = [prepare(source) for source in sources]
    analyses, analysed = analyse(prepared, config, cache, options.progress)
    registry = build_registry(
        [ArticleInput(p.source.slug, p.text, a, p.source.tags) for p, a in zip(prepared, analyses)],
        config.nlp.entity_pages)
    articles = [Article(p.source, p.html, p.text, registry.articles[p.source.slug], a.sentences)
                for p, a in zip(prepared, analyses)]
    index = build_index(articles, registry)

    out_dir = options.out_dir or options.root / "public"
    remove_stale_staging(out_dir)
    renderer = Renderer(config, index)
    with staged_output(out_dir) as out:
        renderer.write_site(out)
        pages = sum(1 for path in out.written if path.endswith(".html"))
    return BuildResult(config, index, out_dir, warnings, analysed, pages, time.perf_counter() - started)
