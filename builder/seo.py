"""What search engines and link previews read from a page's <head>: the canonical URL,
OpenGraph and Twitter-card tags, the feeds to follow, and schema.org JSON-LD.

`templates/_seo.html` prints a `PageSeo`; this module decides its content. JSON-LD goes into a
<script> element, where HTML escaping does not apply, so `json_for_script` escapes every
character that could end the script or open a comment ("</script>", "<!--") as a JSON \\u
escape: no name or title can break out of it, and the JSON still parses to the same data.
"""
from __future__ import annotations

import json
from typing import Callable

from .config import SiteConfig
from .feeds import SITE_FEED, entity_feed_path
from .index import Article, EntityPage
from .records import record

#: schema.org types for our entity kinds; kinds without a better type are a Thing.
SCHEMA_TYPES = {
    "person": "Person", "organisation": "Organization", "place": "Place", "event": "Event",
    "law": "Legislation", "work": "CreativeWork", "product": "Product", "language": "Language",
}
#: Articles named in an entity page's JSON-LD (`subjectOf`).
SUBJECT_OF_LIMIT = 20


# records: a page's SEO data is kept in the stored state (builder.render, Renderer.parts_memo)
@record
class FeedLink:
    title: str
    href: str


@record
class PageSeo:
    title: str
    description: str
    url: str  # absolute when the base URL is
    type: str  # OpenGraph type: website, article, profile
    image: str = ""
    published: str = ""  # ISO date, articles only
    feeds: tuple[FeedLink, ...] = ()
    json_ld: str = ""  # ready for a <script type="application/ld+json">, already escaped
    noindex: bool = False

    @property
    def twitter_card(self) -> str:
        return "summary_large_image" if self.image else "summary"


def json_for_script(data) -> str:
    """JSON that is safe inside <script>: `<`, `>`, `&` and the two JavaScript line
    separators are written as \\u escapes (JSON strings allow them anywhere)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


class SeoData:
    """Builds the PageSeo of each page from the site's config and its URL helpers."""

    def __init__(self, config: SiteConfig, entities: dict[str, EntityPage], url: Callable[[str], str],
                 absolute: Callable[[str], str], entity_path: Callable, article_path: Callable[[str], str]):
        self.config = config
        self.entities = entities
        self.url = url
        self.absolute = absolute
        self.entity_path = entity_path
        self.article_path = article_path
        self.site_feed = FeedLink(config.title, url(SITE_FEED))

    def image_url(self, image: str) -> str:
        if not image:
            return ""
        return image if ":" in image else self.absolute(image)

    def for_page(self, page_path: str, context: dict) -> PageSeo:
        """The PageSeo for a page, from what the renderer passes its template."""
        if "article" in context:
            return self.article(context["article"], page_path)
        if "page" in context and isinstance(context["page"], EntityPage):
            return self.entity(context["page"], page_path)
        if page_path == "404.html":
            return PageSeo(f"Page not found · {self.config.title}", self.config.description, "",
                           "website", feeds=(self.site_feed,), noindex=True)
        if page_path == "":
            return self.home()
        heading = context.get("heading")
        title = f"{heading} · {self.config.title}" if heading else self.config.title
        return PageSeo(title, self.config.description, self.absolute(page_path), "website",
                       feeds=(self.site_feed,))

    def home(self) -> PageSeo:
        data = {"@context": "https://schema.org", "@type": "WebSite", "name": self.config.title,
                "url": self.absolute("")}
        if self.config.description:
            data["description"] = self.config.description
        return PageSeo(self.config.title, self.config.description, self.absolute(""), "website",
                       feeds=(self.site_feed,), json_ld=json_for_script(data))

    def article(self, article: Article, page_path: str) -> PageSeo:
        source = article.source
        url = self.absolute(page_path)
        image = self.image_url(source.image)
        authors = source.authors or ((self.config.author,) if self.config.author else ())
        data: dict = {
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": source.title,
            "url": url, "mainEntityOfPage": url, "datePublished": _iso(source.date),
            "publisher": {"@type": "Organization", "name": self.config.title, "url": self.absolute("")},
        }
        if authors:
            data["author"] = [{"@type": "Person", "name": name} for name in authors]
        if source.summary:
            data["description"] = source.summary
        if image:
            data["image"] = [image]
        if source.url:
            data["isBasedOn"] = source.url
        if source.tags:
            data["keywords"] = list(source.tags)
        mentioned = self._mentioned(article)
        if mentioned:
            data["mentions"] = mentioned
        return PageSeo(source.title, source.summary or self.config.description, url, "article",
                       image=image, published=_iso(source.date), feeds=(self.site_feed,),
                       json_ld=json_for_script(data))

    def _mentioned(self, article: Article) -> list[dict]:
        ids = {m.entity_id for m in article.entities.mentions}
        ids.update(q.speaker_id for q in article.entities.quotes if q.speaker_id)
        ids.update(article.entities.tag_ids)
        found = []
        for entity_id in sorted(ids):
            entity = self._entity_of(entity_id)
            if entity is not None:
                found.append({"@type": SCHEMA_TYPES.get(entity.kind, "Thing"), "name": entity.name,
                              "url": self.absolute(self.entity_path(entity))})
        return found

    def _entity_of(self, entity_id: str):
        page = self.entities.get(entity_id)
        return page.entity if page else None

    def entity(self, page: EntityPage, page_path: str) -> PageSeo:
        entity = page.entity
        url = self.absolute(page_path)
        description = entity.description or f"{entity.name} in {self.config.title}"
        data: dict = {"@context": "https://schema.org", "@type": SCHEMA_TYPES.get(entity.kind, "Thing"),
                      "name": entity.name, "url": url, "description": description}
        if entity.aliases:
            data["alternateName"] = list(entity.aliases)
        data["subjectOf"] = [
            {"@type": "NewsArticle", "headline": a.article.source.title,
             "url": self.absolute(self.article_path(a.article.slug)),
             "datePublished": _iso(a.article.source.date)}
            for a in page.appearances[:SUBJECT_OF_LIMIT]]
        feed = FeedLink(f"{entity.name} · {self.config.title}", self.url(entity_feed_path(page_path)))
        return PageSeo(entity.name, description, url, "profile" if entity.is_person else "website",
                       feeds=(self.site_feed, feed), json_ld=json_for_script(data))


def _iso(value) -> str:
    return value.date().isoformat() if hasattr(value, "date") else value.isoformat()
