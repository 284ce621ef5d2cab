"""A site's own templates: they replace the theme's by name, and their mistakes are reported
with the template's file and line, never as a traceback."""
from __future__ import annotations

import pytest

from builder.build import BuildOptions, build
from builder.errors import UserError

ARTICLE = '+++\ntitle = "A"\ndate = 2024-10-03\n+++\n\nMark Rutte visited Kyiv.\n'


def site_with(make_site, template: str):
    return make_site({"site.toml": 'title = "T"\n', "content/a.md": ARTICLE,
                      "templates/article.html": template})


def test_a_site_template_replaces_the_theme_template_of_the_same_name(make_site):
    root = site_with(make_site, '{% extends "base.html" %}{% block content %}'
                                '<p class="mine">{{ article.source.title }} by hand</p>{% endblock %}')
    out = build(BuildOptions(root=root)).out_dir
    assert '<p class="mine">A by hand</p>' in (out / "articles" / "a" / "index.html").read_text()
    assert "Latest articles" in (out / "index.html").read_text()  # the others still come from the theme


def test_the_url_filter_links_paths_articles_and_entities_under_the_base_path(make_site):
    root = make_site({"site.toml": 'title = "T"\nbase_url = "https://example.org/news/"\n', "content/a.md": ARTICLE,
                      "templates/article.html":
                          "[{{ article | url }} {{ '/people/' | url }} {{ 'assets/x.css' | url }} {{ '' | url }}]"
                          "{% for row in people %}[{{ row.entity | url }} {{ index.entities[row.entity.id] | url }}]"
                          "{% endfor %}[{{ url('people/') }} {{ url(urls.article(article.slug)) }}]"})
    out = build(BuildOptions(root=root)).out_dir
    page = (out / "articles" / "a" / "index.html").read_text()
    assert "[/news/articles/a/ /news/people/ /news/assets/x.css /news/]" in page
    assert "[/news/people/mark-rutte/ /news/people/mark-rutte/]" in page  # an entity, an entity's page
    assert "[/news/people/ /news/articles/a/]" in page  # the url() global too, for older themes


@pytest.mark.parametrize("template, line, message", [
    ('{% extends "base.html" %}{% block content %}\n\n{{ article.source.date | url }}{% endblock %}\n',
     3, "template error: TypeError: the url filter links to a site path, an article, an entity or an "
        "entity page, not datetime"),
    ('{% extends "base.html" %}\n{% block content %}\n<h1>{{ article.source.title }</h1>\n{% endblock %}\n',
     3, "template error: unexpected '}'"),
    ('{% extends "base.html" %}\n{% block content %}\n\n<h1>{{ article.nonexistent.title }}</h1>\n{% endblock %}\n',
     4, "template error: 'builder.index.Article object' has no attribute 'nonexistent'"),
    ('{% extends "base.html" %}{% block content %}\n{{ 1 / 0 }}{% endblock %}\n',
     2, "template error: ZeroDivisionError: division by zero"),
    ('{% extends "base.html" %}{% block content %}\n\n{% include "missing.html" %}{% endblock %}\n',
     3, "template 'missing.html' not found in"),
    ('{% extends "nope.html" %}\n', 1, "template 'nope.html' not found in"),
])
def test_template_mistakes_name_the_template_file_and_line(make_site, template, line, message):
    root = site_with(make_site, template)
    with pytest.raises(UserError) as error:
        build(BuildOptions(root=root))
    (diagnostic,) = error.value.diagnostics
    assert str(diagnostic.path).endswith("templates/article.html")
    assert diagnostic.line == line
    assert diagnostic.message.startswith(message)
    assert not (root / "public").exists()


def test_the_url_filter_links_a_topic_under_topics():
    from builder.records import Entity
    from builder.render import Urls
    assert Urls("/r/", "").of(Entity("kyiv", "Kyiv", "place")) == "/r/topics/kyiv/"
    assert Urls("/r/", "").of(Entity("jo-roe", "Jo Roe", "person")) == "/r/people/jo-roe/"
