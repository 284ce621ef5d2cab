"""Jinja2 pages, the JSON API, and the theme's assets.

Templates come from the site's own `templates/` first and Gloss's default theme second, so a
site overrides any template by giving a file of the same name. Autoescape is on and undefined
variables are errors. Every link goes through `url()`, which puts it under the base URL's
path, so the site works at a domain's root and under a sub-path alike.
"""
from __future__ import annotations

import gc
import hashlib
import json
import logging
import math
import multiprocessing
from functools import partial
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import jinja2
import jinja2.meta
from markupsafe import Markup

from . import annotate as annotation
from . import charts
from .cache import AnnotatedBodies
from .config import SiteConfig
from .errors import Diagnostic, UserError, display_path
from .feeds import atom_feed, entity_feed, write_web_files
from .index import Article, EntityInArticle, EntityPage, SiteIndex
from .output import OutputFolder
from .pagedigest import PageDigests
from .processes import can_fork
from .progress import timed
from .prose import parse_html, prose_blocks
from .records import Entity
from .search import pagefind_executable, search_view, start_search_index
from .seo import PageSeo, SeoData

log = logging.getLogger("gloss")
THEME_DIR = Path(__file__).resolve().parent.parent / "templates"
ASSETS = "assets"
KIND_LABELS = {
    "person": "Person", "organisation": "Organisation", "place": "Place", "group": "Group",
    "event": "Event", "law": "Law", "work": "Work", "product": "Product", "language": "Language",
    "subject": "Subject",
}


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def standalone(quote_text: str) -> str:
    """A quote's words as they read on their own, away from the sentence that attributed
    them: the comma, colon or dash that led on to "he said" is dropped ("…support Ukraine,"
    reads "…support Ukraine"). Only that trailing mark: the words are the speaker's."""
    return quote_text.rstrip().rstrip(",;:—–-").rstrip()


@dataclass(frozen=True)
class Urls:
    """Site paths -> links. Pages are folders with an index.html, linked with a final slash."""

    base_path: str  # "/" or "/repo/"
    absolute_base: str  # "https://host/repo/" or ""

    def __call__(self, path: str = "") -> str:
        return self.base_path + path.lstrip("/")

    def absolute(self, path: str = "") -> str:
        return (self.absolute_base or self.base_path) + path.lstrip("/")

    def of(self, target: str | Article | Entity | EntityPage = "") -> str:
        """The link to a site path, an article's page or an entity's page: the templates'
        `url` filter. A filter, where the theme has a choice: Jinja calls a filter directly,
        and a global function through its context's call machinery, which cost a quarter of an
        entity page's rendering."""
        if isinstance(target, str):
            return self.base_path + target.lstrip("/")
        if isinstance(target, Article):
            return f"{self.base_path}articles/{target.slug}/"
        if isinstance(target, EntityPage):
            target = target.entity
        if isinstance(target, Entity):
            return f"{self.base_path}{'people' if target.is_person else 'topics'}/{target.id}/"
        raise TypeError(f"the url filter links to a site path, an article, an entity or an entity page, "
                        f"not {type(target).__name__}")

    @staticmethod
    def article(slug: str) -> str:
        return f"articles/{slug}/"

    @staticmethod
    def entity(entity: Entity) -> str:
        return f"{'people' if entity.is_person else 'topics'}/{entity.id}/"

    @staticmethod
    def home_page(number: int) -> str:
        return "" if number == 1 else f"page/{number}/"


@dataclass(frozen=True)
class PageJob:
    """One file of the site: where it goes, how to render it, and the digest of its inputs
    (None for the few pages that depend on everything and are always rendered)."""

    path: str
    render: Callable[[], str]
    digest: str | None = None


#: Every page of the site, in order, each with whether it must be rendered (False: unchanged
#: since the last build, so carried over).
PagePlan = list[tuple[PageJob, bool]]


def _date(value, style: str = "long") -> str:
    if style == "iso":
        return value.date().isoformat() if hasattr(value, "date") else value.isoformat()
    return f"{value.day} {value:%B %Y}"


def make_environment(config: SiteConfig) -> jinja2.Environment:
    loaders = [jinja2.FileSystemLoader(str(config.templates_dir))] if config.templates_dir.is_dir() else []
    loaders.append(jinja2.FileSystemLoader(str(THEME_DIR)))
    # auto_reload off: Jinja would look at every template file's time again for every page (a
    # stat per template per page); an environment lives only as long as its templates do (a
    # preview server makes a new one when the templates' fingerprint changes)
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, auto_reload=False)
    env.filters["date"] = _date
    env.filters["plural"] = plural
    env.filters["standalone"] = standalone
    env.globals["kind_label"] = lambda kind: KIND_LABELS.get(kind, kind.title())
    # Links are the same for every page of a site: the `url` filter (the theme's way), and the
    # older url() and urls functions as globals, which macros imported without context (made
    # once, not for every page) can use.
    urls = Urls(config.base_path, config.absolute_base)
    env.filters["url"] = urls.of
    env.globals["url"] = urls
    env.globals["urls"] = Urls
    return env


def reads_whole_site(env: jinja2.Environment) -> bool:
    """Whether any template uses `index`, the whole site. Page digests (builder.pagedigest)
    cover what a page is given; a page that may read anything depends on everything. Found
    once per environment (a preview server keeps its environment while the templates stay)."""
    known = getattr(env, "gloss_reads_whole_site", None)
    if known is None:
        known = env.gloss_reads_whole_site = _reads_whole_site(env)  # type: ignore[attr-defined]
    return known


def compile_templates(env: jinja2.Environment) -> None:
    """Compile every template now (and find whether one reads the whole site), as a build does
    while spaCy runs; a template that does not compile is left for rendering to report."""
    reads_whole_site(env)
    for name in env.list_templates(extensions=("html", "xml", "txt")):
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            continue


def _reads_whole_site(env: jinja2.Environment) -> bool:
    for name in env.list_templates():
        try:
            source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
            if "index" in jinja2.meta.find_undeclared_variables(env.parse(source)):
                return True
        except (jinja2.TemplateError, OSError, UnicodeDecodeError):
            continue  # rendering reports it with its file and line
    return False


class Renderer:
    """Renders the site. `previous_pages` ({output path: digest}, see builder.pagedigest) are
    the pages of the last build in the output folder; a page whose digest is unchanged is
    carried over from there instead of rendered. `page_digests` collects this build's."""

    def __init__(self, config: SiteConfig, index: SiteIndex, env: jinja2.Environment | None = None,
                 previous_pages: dict[str, str] | None = None, bodies: AnnotatedBodies | None = None,
                 digests: PageDigests | None = None, job_memo: dict[tuple[str, str], tuple] | None = None,
                 templates: str = "", previous_search: dict | None = None,
                 parts_memo: dict[tuple[str, str], tuple] | None = None):
        self.config = config
        # the templates' fingerprint: in the digest of every page a template renders, so a
        # template edit re-renders those, and only those (feeds are made without templates)
        self.templates = templates
        self.index = index
        self.previous_pages = previous_pages or {}
        self.page_digests: dict[str, str] = {}
        self.digests = digests or PageDigests()  # a preview server's carry the last build's over
        # {(kind, slug or path): the records a page job or API record was made from, then what
        # was made}, handed from build to build by a preview server for the same site settings
        self._kept_jobs: dict[tuple[str, str], tuple] = job_memo or {}
        self.job_memo: dict[tuple[str, str], tuple] = {}  # this build's, for the next
        # The parts of a page that no template makes (an entity page's charts, a page's SEO
        # data), by job memo key: reused with the memo entry they were made with, so that a
        # template edit renders every page again around the parts it had (they are a third of
        # an entity page's time). Parts are made where their page is rendered, in a forked page
        # writer too, which sends what it made back (write_pages).
        self._kept_parts: dict[tuple[str, str], tuple] = parts_memo or {}
        self.made_parts: dict[tuple[str, str], tuple] = {}
        self._reused_parts: dict[tuple[str, str], tuple] = {}
        self.bodies = bodies or AnnotatedBodies(None, "")
        self.body_keys: set[str] = set()  # the annotated bodies this build's pages use
        self.env = env or make_environment(config)
        self.urls = Urls(config.base_path, config.absolute_base)
        self._cards: dict[str, annotation.Card] = {}
        self.site = {"title": config.title, "description": config.description,
                     "language": config.language, "author": config.author}
        self.seo = SeoData(config, index.entities, self.urls, self.urls.absolute, Urls.entity, Urls.article)
        self.period = charts.site_period(index)  # the span every timeline is drawn over
        self.pagefind = pagefind_executable() if config.search.enabled else None
        if config.search.enabled and self.pagefind is None:
            log.warning("%s", Diagnostic(None, None, "search is left out: the Pagefind binary is missing",
                                         severity="warning", hint="pip install 'pagefind[bin]', or set "
                                         "enabled = false under [search] in site.toml"))
        self.site["search"] = self.pagefind is not None
        # the last build's search index, to carry over where its pages' views are unchanged
        # (builder.search.SearchRun), and this build's, for the next one
        self.previous_search = previous_search
        self.search_record: dict | None = None
        self.page_views: dict[str, str] | None = {} if self.pagefind is not None else None

    # --- helpers the templates and the annotator share --------------------------------------

    def entity_url(self, entity: Entity) -> str:
        return self.urls(Urls.entity(entity))

    def card(self, entity_id: str) -> annotation.Card | None:
        if entity_id in self._cards:
            return self._cards[entity_id]
        page = self.index.entities.get(entity_id)
        if page is None:
            return None
        entity = page.entity
        context = entity.description
        if not context:
            bits = [f"In {plural(len(page.appearances), 'article')}"]
            if page.quote_count:
                bits.append(f"quoted {plural(page.quote_count, 'time')}")
            context = ", ".join(bits)
        card = annotation.Card(entity, self.entity_url(entity), KIND_LABELS.get(entity.kind, entity.kind), context)
        self._cards[entity_id] = card
        return card

    def speaker(self, entity_id: str) -> tuple[str, str] | None:
        page = self.index.entities.get(entity_id)
        return (page.entity.name, self.entity_url(page.entity)) if page else None

    def annotated_html(self, article: Article) -> str:
        soup = parse_html(article.html)
        prose = prose_blocks(soup)
        if prose.text != article.text:
            raise RuntimeError(f"{article.source.path}: the prose changed between analysis and annotation")
        annotation.annotate(soup, prose, article.entities.mentions, article.entities.quotes,
                            self.card, self.speaker)
        return str(soup)

    # --- pages ------------------------------------------------------------------------------

    def _render(self, template: str, page_path: str, *, seo: PageSeo | None = None, **context) -> str:
        try:
            return self.env.get_template(template).render(
                site=self.site, page_path=page_path,
                canonical=self.urls.absolute(page_path), index=self.index,
                seo=seo or self.seo.for_page(page_path, context), **context)
        except jinja2.TemplateSyntaxError as exc:
            path = display_path(Path(exc.filename)) if exc.filename else Path(exc.name or template)
            raise UserError(Diagnostic(path, exc.lineno, f"template error: {exc.message}")) from None
        except jinja2.TemplateNotFound as exc:
            path, line = _template_frame(exc) or (None, None)
            raise UserError(Diagnostic(path, line, f"template '{exc.name}' not found in "
                                                   f"{display_path(self.config.templates_dir)} or the default theme")
                            ) from None
        except UserError:
            raise
        except Exception as exc:
            # An error raised while a template runs (an undefined name, 1/0, a bad filter
            # argument) is a mistake in that template: report its file and line. An error
            # with no template frame is a bug in Gloss and keeps its traceback.
            where = _template_frame(exc)
            if where is None:
                raise
            message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else \
                f"{type(exc).__name__}: {exc}"
            raise UserError(Diagnostic(where[0], where[1], f"template error: {message}")) from None

    def page_jobs(self) -> list[PageJob]:
        """Every page of the site, in order."""
        articles = self.index.articles
        per_page = self.config.per_page
        page_count = max(1, math.ceil(len(articles) / per_page))
        # With a template that reads the whole site, every page's digest includes all of it.
        whole_site = (self.digests.of(*articles, *self.index.entities.values())
                      if reads_whole_site(self.env) else None)
        digest = partial(self.digests.of, whole_site)
        # The memo keeps each page's digest without the templates, so that it outlives a
        # template edit; the templates' fingerprint is put in as the page is planned.
        templated = partial(_with_templates, self.templates)
        jobs: list[PageJob] = []
        for number in range(1, page_count + 1):
            # page 1 shows "In the news", from the whole index: always rendered
            listed = list(articles[(number - 1) * per_page:number * per_page])
            jobs.append(PageJob(Urls.home_page(number) + "index.html", partial(self._home_page, number, page_count),
                                templated(digest("home", number, page_count, listed)) if number > 1 else None))
        for article in articles:
            # An article page is made from its article and the cards of the entities it names
            # (a card holds the entity and what its page counts): the rest of an entity's page
            # changes with every article naming it, which must not re-render this one.
            cards = tuple(self.card(e) for e in _entity_ids(article))
            hit = self._kept(("article", article.slug), article, whole_site, cards)
            if hit is None:
                people, topics = self._entities_of(article, person=True), self._entities_of(article, person=False)
                annotation_inputs = self._annotation_inputs(article)
                body_key = self.bodies.key(self.digests.of("body", article, annotation_inputs))
                page_digest = digest("article", article, [(row.entity, row.mentions, row.quotes) for row in people],
                                     [(row.entity, row.mentions, row.quotes) for row in topics], annotation_inputs)
                hit = (article, whole_site, cards, people, topics, body_key, page_digest)
            key = ("article", article.slug)
            self.job_memo[key] = hit
            _, _, _, people, topics, body_key, page_digest = hit
            self.body_keys.add(body_key)
            jobs.append(PageJob(Urls.article(article.slug) + "index.html",
                                partial(self._article_page, article, people, topics, body_key, key,
                                        self._parts_for(key, hit)), templated(page_digest)))
        entity_jobs = []  # (page, page digest, feed, feed digest)
        for page in self.index.entities.values():
            path = Urls.entity(page.entity)
            hit = self._kept(("entity", path), page, (whole_site, self.period))
            if hit is None:
                feed = entity_feed(self.config, page, path)
                hit = (page, (whole_site, self.period), digest("entity", page, self.period), feed,
                       self.digests.of("feed", feed.path, feed.title, feed.subtitle, *feed.articles))
            key = ("entity", path)
            self.job_memo[key] = hit
            entity_jobs.append((page, key, self._parts_for(key, hit), hit[2], hit[3], hit[4]))
        for page, key, parts, page_digest, _, _ in entity_jobs:
            jobs.append(PageJob(Urls.entity(page.entity) + "index.html", partial(self._entity_page, page, key, parts),
                                templated(page_digest)))
        # An entity's feed is a page job too, so feeds are written on every core and carried
        # over like pages; it reads no template, so its digest is its own.
        for _, _, _, _, feed, feed_digest in entity_jobs:
            jobs.append(PageJob(feed.path, partial(atom_feed, feed, self.config, self.urls.absolute), feed_digest))
        jobs.append(PageJob("people/index.html", partial(self._render, "entities.html", "people/", heading="People",
                                                         groups=_a_to_z(self.index.people()), kind="person")))
        jobs.append(PageJob("topics/index.html", partial(self._render, "entities.html", "topics/", heading="Topics",
                                                         groups=_a_to_z(self.index.topics()), kind="topic")))
        jobs.append(PageJob("404.html", partial(self._render, "404.html", "404.html")))
        return jobs  # and the search page, written once the search index is (write_site)

    def _parts_for(self, key: tuple[str, str], hit: tuple) -> tuple | None:
        """The parts the last build made for this page, if its memo entry is the last build's
        (so the records and values they were made from are the same), else None."""
        if self._kept_jobs.get(key) is not hit:
            return None
        parts = self._kept_parts.get(key)
        if parts is not None:
            self._reused_parts[key] = parts
        return parts

    def parts_memo(self) -> dict[tuple[str, str], tuple]:
        """Every page's parts this build had, for the next build (see __init__)."""
        return self._reused_parts | self.made_parts

    def _annotation_inputs(self, article: Article) -> list:
        """What annotating an article reads besides the article: the cards of the entities
        it mentions and the names and links of its speakers."""
        mentioned = sorted({m.entity_id for m in article.entities.mentions})
        speakers = sorted({q.speaker_id for q in article.entities.quotes if q.speaker_id})
        cards = [self.card(e) for e in mentioned]
        return [[(c.entity, c.url, c.kind_label, c.context) for c in cards if c], [self.speaker(e) for e in speakers]]

    def pages(self) -> Iterator[tuple[str, str]]:
        """(output path, HTML) for every page of the site (the search page as for a site of
        one search bundle: write_site renders it once the index is built)."""
        for job in self.page_jobs():
            yield job.path, job.render()
        if self.site["search"]:
            yield "search/index.html", self.search_page()

    def _home_page(self, number: int, page_count: int) -> str:
        per_page = self.config.per_page
        path = Urls.home_page(number)
        return self._render(
            "home.html", path, articles=self.index.articles[(number - 1) * per_page:number * per_page],
            page_number=number, page_count=page_count,
            newer=Urls.home_page(number - 1) if number > 1 else None,
            older=Urls.home_page(number + 1) if number < page_count else None,
            **self._in_the_news(number))

    def _page_parts(self, key: tuple[str, str] | None, parts: tuple | None, make: Callable[[], tuple]) -> tuple:
        """A page's parts (see __init__): `parts`, the last build's, or made now and kept."""
        if parts is None:
            parts = make()
            if key is not None:
                self.made_parts[key] = parts
        return parts

    def _entity_page(self, page: EntityPage, key: tuple[str, str] | None = None, parts: tuple | None = None) -> str:
        path = Urls.entity(page.entity)
        seo, timeline, related = self._page_parts(key, parts, partial(self._entity_parts, page, path))
        return self._render("entity.html", path, seo=seo, page=page, timeline=timeline and Markup(timeline),
                            related_chart=related and Markup(related))

    def _entity_parts(self, page: EntityPage, path: str) -> tuple[PageSeo, str | None, str | None]:
        """Its SEO data and its two charts (plain strings: they unpickle faster than Markup)."""
        timeline = (charts.entity_timeline(page, self.period)
                    if self.period is not None and len(page.appearances) > 1 else None)
        related = charts.related_bars(page, self.entity_url) if page.related else None
        return self.seo.entity(page, path), timeline, related

    def _article_page(self, article: Article, people: list[EntityInArticle], topics: list[EntityInArticle],
                      body_key: str, key: tuple[str, str] | None = None, parts: tuple | None = None) -> str:
        body = self.bodies.get(body_key)
        if body is None:
            body = self.annotated_html(article)
            self.bodies.put(body_key, body)
        path = Urls.article(article.slug)
        (seo,) = self._page_parts(key, parts, lambda: (self.seo.article(article, path),))
        return self._render("article.html", path, seo=seo, article=article, body=body, people=people, topics=topics)

    def _entities_of(self, article: Article, person: bool) -> list[EntityInArticle]:
        """The people or topics of an article with their counts in it, most quoted first. Only
        the entity and the counts: the page of an article must not depend on the rest of an
        entity's page, or an edit anywhere would re-render every article naming it."""
        counts: dict[str, int] = {}
        for mention in article.entities.mentions:
            counts[mention.entity_id] = counts.get(mention.entity_id, 0) + 1
        for tag_id in article.entities.tag_ids:
            counts.setdefault(tag_id, 0)
        quotes: dict[str, int] = {}
        for quote in article.entities.quotes:
            if quote.speaker_id:
                quotes[quote.speaker_id] = quotes.get(quote.speaker_id, 0) + 1
                counts.setdefault(quote.speaker_id, 0)
        rows = [EntityInArticle(self.index.entities[e].entity, n, quotes.get(e, 0)) for e, n in counts.items()
                if e in self.index.entities and self.index.entities[e].entity.is_person == person]
        return sorted(rows, key=lambda row: (-row.quotes, -row.mentions, row.entity.name.casefold()))

    def _in_the_news(self, page_number: int) -> dict:
        """The people in the most articles of the latest weeks, and their picture: on page 1."""
        news = charts.in_the_news(self.index) if page_number == 1 else None
        if news is None or not news.people:
            return {"in_the_news": None, "in_the_news_chart": None}
        return {"in_the_news": news, "in_the_news_chart": Markup(charts.in_the_news_bars(news, self.entity_url))}

    # --- data -------------------------------------------------------------------------------

    def entities_json(self) -> str:
        lines = []
        for page in self.index.entities.values():
            # an entity's record is made from its page alone (a preview keeps unchanged ones)
            hit = self._kept(("api-entity", page.entity.id), page)
            if hit is None:
                hit = (page, _json_line({
                    "id": page.entity.id, "name": page.entity.name, "kind": page.entity.kind,
                    "aliases": list(page.entity.aliases), "url": self.urls.absolute(Urls.entity(page.entity)),
                    "articles": [a.article.slug for a in page.appearances], "mentions": page.mentions}))
            self.job_memo[("api-entity", page.entity.id)] = hit
            lines.append(hit[1])
        return _json_records("entities", lines)

    def quotes_json(self) -> str:
        lines = []
        for article in sorted(self.index.articles, key=lambda a: a.slug):
            # an article's quote records are made from it and its speakers' entities
            speakers = tuple(self.index.entities[q.speaker_id].entity if q.speaker_id in self.index.entities
                             else None for q in article.entities.quotes)
            hit = self._kept(("api-quotes", article.slug), article, speakers)
            if hit is None:
                hit = (article, speakers, [_json_line({
                    "id": f"{article.slug}#{quote.anchor}", "article": article.slug,
                    "url": self.urls.absolute(Urls.article(article.slug)) + "#" + quote.anchor,
                    "text": quote.text, "speaker": speaker.id if speaker else None,
                    # the name the quote's label shows: an unnamed source is shown (and named
                    # here) by the article's own words for it, with "speaker" null
                    "speaker_name": speaker.name if speaker else quote.source,
                    "source": quote.source,
                }) for quote, speaker in zip(article.entities.quotes, speakers)])
            self.job_memo[("api-quotes", article.slug)] = hit
            lines += hit[-1]
        return _json_records("quotes", lines)

    def _kept(self, key: tuple[str, str], record: object, *values: object) -> tuple | None:
        """The last build's memo entry for `key` if it was made from this very record and
        equal values (see page_jobs), else None."""
        hit = self._kept_jobs.get(key)
        if hit is None or hit[0] is not record or hit[1:1 + len(values)] != values:
            return None
        return hit

    def plan_pages(self) -> PagePlan:
        """Every page job, and those whose digest says they must be rendered (the others are
        the last build's, unchanged). Records this build's digests."""
        with timed("page digests"):
            plan = []
            for job in self.page_jobs():
                if job.digest is not None:
                    self.page_digests[job.path] = job.digest
                plan.append((job, job.digest is None or self.previous_pages.get(job.path) != job.digest))
        return plan

    def write_site(self, out: OutputFolder, processes: int = 1, plan: PagePlan | None = None) -> None:
        plan = plan if plan is not None else self.plan_pages()
        # The pages first: Pagefind indexes them while the feeds and the API are written.
        with timed("pages"):
            rendered = write_pages([entry for entry in plan if entry[0].path.endswith(".html")], out, processes,
                                   self.page_views, self.made_parts)
        with timed("files"):  # the assets and static/ (which may hold pages to index)
            out.copy_tree(THEME_DIR / ASSETS, ASSETS)
            out.copy_tree(self.config.templates_dir / ASSETS, ASSETS)
            out.copy_tree(self.config.root / "static")
        search = (start_search_index(out, self.pagefind, self.page_views, self.previous_search)
                  if self.pagefind is not None else None)
        try:
            with timed("feeds"):
                rendered += write_pages([entry for entry in plan if not entry[0].path.endswith(".html")],
                                        out, processes)
                out.write("api/entities.json", self.entities_json())
                out.write("api/quotes.json", self.quotes_json())
            if search is not None:
                with timed("search"):
                    index = search.finish()
                log.debug("search: %d bundles (%d files) in %.2f s, %d of them carried over unchanged",
                          len(index.bundles), index.files, index.seconds, index.carried)
                self.search_record = search.record()
                # after the index: the page tells Pagefind's UI which bundles to merge
                out.write("search/index.html", self.search_page(index.merged_bundles))
        finally:
            if search is not None:
                search.stop()  # a failure meanwhile: Pagefind must not go on writing
        log.debug("pages and feeds: %d rendered, %d carried over unchanged", rendered, len(plan) - rendered)
        with timed("web files"):  # last: the sitemap lists every page written, the search page too
            write_web_files(out, self.config, self.index, self.urls)

    def search_page(self, merged_bundles: tuple[str, ...] = ()) -> str:
        """The search page; `merged_bundles` are the search index's shards after the first."""
        return self._render("search.html", "search/", merged_bundles=[bundle + "/" for bundle in merged_bundles])


#: Below this many pages to render, starting worker processes costs more than it saves.
PARALLEL_PAGES = 400
#: what forked page writers inherit: the jobs, each one's shard, the output, whether to make
#: search views, and the dict the pages' renderers put the parts they made in
_shard_state: tuple[list[tuple[PageJob, bool]], list[int], OutputFolder, bool, dict | None] | None = None


def write_pages(jobs: list[tuple[PageJob, bool]], out: OutputFolder, processes: int,
                views: dict[str, str] | None = None, made: dict | None = None) -> int:
    """Write every page: render each (job, True), carry each (job, False) over from the
    previous output (rendering it after all if that has no copy). Returns how many were
    rendered. On several cores when there is much to render. With `views`, the search view
    (builder.search.search_view) of each HTML page rendered goes there, made where the page is.
    `made` is a dict the jobs' render functions add to (Renderer.made_parts): what a forked
    writer adds to its copy is added to it here.

    Workers are forked, so they inherit the index and the template environment instead of
    receiving them pickled; each (this process too) writes the pages of every n-th folder
    itself, and only the lists of written paths come back. A folder's files all go to one
    process, which creates the folder once (on some disks a folder costs more than a page).
    A process with other threads (the preview server) is never forked, since a fork can
    inherit a lock some thread holds: it writes alone.
    """
    global _shard_state
    to_render = sum(1 for _, fresh in jobs if fresh)
    if processes <= 1 or to_render < PARALLEL_PAGES or not can_fork():
        return sum(_write_one(job, fresh, out, views) for job, fresh in jobs)
    folders: dict[str, int] = {}
    shard_of = [folders.setdefault(job.path.rpartition("/")[0], len(folders) % processes) for job, _ in jobs]
    for folder in {folder.partition("/")[0] for folder in folders if folder}:
        out.path_for(folder + "/x")  # the top folders, made once before the workers share them
    _shard_state = (jobs, shard_of, out, views is not None, made)
    # A forked child shares the parent's memory until it writes to a page of it, and the
    # garbage collector writes to every object it visits: frozen, the objects that exist now
    # are never visited, so the index stays shared instead of being copied into each child.
    gc.freeze()
    try:
        # This process writes a share too instead of waiting: one process fewer copying the
        # parts of the index it touches (a fork copies every memory page it writes to, and
        # merely reading a Python object writes its reference count).
        with multiprocessing.get_context("fork").Pool(processes - 1) as pool:
            others = pool.map_async(_write_shard, range(1, processes))
            shards = [_write_shard(0), *others.get()]
    finally:
        gc.unfreeze()
        _shard_state = None
    written: list[tuple[int, str, bool, bool, str | None]] = sorted(entry for shard, _ in shards for entry in shard)
    if made is not None:
        for _, shard_made in shards[1:]:  # the first shard was this process's own
            made.update(shard_made)
    out.take_in([path for _, path, _, _, _ in written], [path for _, path, changed, _, _ in written if changed])
    if views is not None:
        views.update((path, view) for _, path, _, _, view in written if view is not None)
    return sum(1 for _, _, _, rendered, _ in written if rendered)


def _write_one(job: PageJob, fresh: bool, out: OutputFolder, views: dict[str, str] | None = None) -> bool:
    """Carry or render one page; True if it was rendered."""
    if not fresh and out.carry(job.path):
        return False
    content = job.render()
    data = content.encode("utf-8") if isinstance(content, str) else content
    out.write(job.path, data)
    if views is not None and job.path.endswith(".html"):
        views[job.path] = search_view(data)
    return True


def _write_shard(shard: int) -> tuple[list[tuple[int, str, bool, bool, str | None]], dict]:
    """(index, path, changed, rendered, search view) of each page of this shard's folders,
    written, and what their render functions added to `made` (see write_pages)."""
    assert _shard_state is not None
    jobs, shard_of, parent, searching, made = _shard_state
    if made is None:
        made = {}
    elif shard:  # in a forked writer: its copy of the parent's dict, to hold only its own
        made.clear()
    out = parent.sibling()
    out._checked_folders = set(parent._checked_folders)  # made before the fork
    views: dict[str, str] | None = {} if searching else None
    done = []
    for index, (job, fresh) in enumerate(jobs):
        if shard_of[index] == shard:
            changed_before = len(out.changed)
            rendered = _write_one(job, fresh, out, views)
            done.append((index, job.path, len(out.changed) > changed_before, rendered,
                         views.get(job.path) if views is not None else None))
    return done, made


def _with_templates(templates: str, digest: str) -> str:
    """A templated page's digest: its inputs' and the templates' (see Renderer.templates)."""
    return hashlib.blake2b(f"{templates} {digest}".encode(), digest_size=16).hexdigest()


def _json_line(record: dict) -> str:
    # json's C encoder runs only without `indent`, which is ten times slower on 16,000 records
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": "))


def _json_records(name: str, lines: list[str]) -> str:
    """{"name": [records]} with one record (a _json_line) per line: readable and diffable."""
    return f'{{"{name}": [\n' + ",\n".join(lines) + "\n]}\n" if lines else f'{{"{name}": []}}\n'


def _entity_ids(article: Article) -> list[str]:
    """Every entity an article's page and annotations can show: mentioned, tagged, quoted."""
    entities = article.entities
    return sorted({*(m.entity_id for m in entities.mentions), *entities.tag_ids,
                   *(q.speaker_id for q in entities.quotes if q.speaker_id)})


def _a_to_z(pages: list[EntityPage]) -> list[tuple[str, list[EntityPage]]]:
    groups: dict[str, list[EntityPage]] = {}
    for page in pages:
        initial = page.entity.name[:1].upper()
        letter = initial if initial.isalpha() else "#"
        groups.setdefault(letter, []).append(page)
    return sorted(groups.items(), key=lambda item: (item[0] == "#", item[0]))


def _template_frame(exc: Exception) -> tuple[Path, int] | None:
    """The template file and line where `exc` was raised: the innermost traceback frame that
    runs template code (Jinja2 gives those frames the template's file name and line)."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".j2")) and Path(filename).is_file():
            found = (display_path(Path(filename)), tb.tb_lineno)
        tb = tb.tb_next
    return found
