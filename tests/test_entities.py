"""Alias merging, on hand-made mention records (the model is not the point here)."""
from __future__ import annotations

import re

import pytest

from builder.entities import ArticleInput, build_registry, clean_name, fold
from builder.config import ENTITY_KINDS
from builder.overrides import EntityOverride, Overrides
from builder.records import ArticleAnalysis, CharSpan, MentionFound, QuoteFound


def article(slug: str, text: str, labels: dict[str, str], tags=(), quotes=()) -> ArticleInput:
    """An article whose mentions are every occurrence of each `labels` key in `text`."""
    mentions = []
    for name, label in labels.items():
        for match in re.finditer(re.escape(name), text):
            span = CharSpan(match.start(), match.end())
            if not any(m.span.overlaps(span) for m in mentions):
                mentions.append(MentionFound(span, name, label))
    mentions.sort(key=lambda m: m.span.start)
    return ArticleInput(slug, text, ArticleAnalysis(tuple(mentions), tuple(quotes), ()), tuple(tags))


def names_by_kind(registry) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for entity in registry.entities.values():
        out.setdefault(entity.kind, set()).add(entity.name)
    return out


def mentioned(registry, slug: str) -> list[tuple[str, str]]:
    return [(m.text, registry.entities[m.entity_id].name) for m in registry.articles[slug].mentions]


def test_surname_possessive_and_title_forms_are_one_person():
    text = ("NATO Secretary General Mark Rutte went to Kyiv. Rutte said it mattered. "
            "Rutte's visit was short.")
    registry = build_registry([article("a", text, {"Mark Rutte": "PERSON", "Rutte's": "PERSON",
                                                    "Rutte": "PERSON"})], ENTITY_KINDS)
    assert names_by_kind(registry)["person"] == {"Mark Rutte"}
    assert {name for _, name in mentioned(registry, "a")} == {"Mark Rutte"}
    rutte = next(iter(registry.entities.values()))
    assert "Rutte" in rutte.aliases


def test_surname_joins_the_person_named_in_another_article():
    first = article("a", "Volodymyr Zelenskyy spoke.", {"Volodymyr Zelenskyy": "PERSON"})
    second = article("b", "Later, Zelenskyy left.", {"Zelenskyy": "PERSON"})
    registry = build_registry([first, second], ENTITY_KINDS)
    assert names_by_kind(registry)["person"] == {"Volodymyr Zelenskyy"}
    assert mentioned(registry, "b") == [("Zelenskyy", "Volodymyr Zelenskyy")]


def test_surname_labelled_as_organisation_after_the_full_name_is_the_person():
    text = "President Volodymyr Zelenskyy spoke. The plan, which Zelenskyy presented, is new."
    registry = build_registry([article("a", text, {"Volodymyr Zelenskyy": "PERSON", "Zelenskyy": "ORG"})],
                              ENTITY_KINDS)
    assert names_by_kind(registry) == {"person": {"Volodymyr Zelenskyy"}}


def test_two_people_with_the_same_surname_stay_apart_and_surnames_take_the_nearest():
    text = "Hillary Clinton met Bill Clinton. Clinton said hello."
    registry = build_registry([article("a", text, {"Hillary Clinton": "PERSON", "Bill Clinton": "PERSON",
                                                    "Clinton": "PERSON"})], ENTITY_KINDS)
    assert names_by_kind(registry)["person"] == {"Hillary Clinton", "Bill Clinton"}
    assert mentioned(registry, "a")[-1] == ("Clinton", "Bill Clinton")


def test_a_surname_paragraphs_after_a_relative_named_in_passing_is_whom_the_story_follows():
    # the husband is named once mid-story (and the model calls each bare "Fiorina" an ORG)
    text = ("Carly Fiorina ran Hewlett-Packard. Fiorina pushed the merger.\n\n"
            "She told her husband, Frank Fiorina, it would be ugly. Fiorina was right.\n\n"
            "Shares fell.\n\nThe board fired Fiorina in 2005.")
    registry = build_registry([article("a", text, {"Carly Fiorina": "PERSON", "Frank Fiorina": "PERSON",
                                                    "Fiorina": "ORG"})], ENTITY_KINDS)
    assert names_by_kind(registry)["person"] == {"Carly Fiorina", "Frank Fiorina"}
    surnames = [name for text, name in mentioned(registry, "a") if text == "Fiorina"]
    # the paragraph that names Frank means him; two paragraphs on, the story's Fiorina again
    assert surnames == ["Carly Fiorina", "Frank Fiorina", "Carly Fiorina"]


def test_an_honorific_picks_the_surname_sharer_of_its_sex():
    text = "Bill Clinton and Hillary Clinton spoke. Mrs. Clinton left first. Mr. Clinton stayed."
    registry = build_registry([article("a", text, {"Hillary Clinton": "PERSON", "Bill Clinton": "PERSON",
                                                    "Clinton": "PERSON"})], ENTITY_KINDS)
    surnames = [name for text, name in mentioned(registry, "a") if text == "Clinton"]
    assert surnames == ["Hillary Clinton", "Bill Clinton"]


def test_middle_names_merge_on_first_and_last_name():
    a = article("a", "Hillary Rodham Clinton ran.", {"Hillary Rodham Clinton": "PERSON"})
    b = article("b", "Hillary Clinton won. Hillary Clinton spoke.", {"Hillary Clinton": "PERSON"})
    registry = build_registry([a, b], ENTITY_KINDS)
    people = [e for e in registry.entities.values() if e.kind == "person"]
    assert len(people) == 1
    assert people[0].name == "Hillary Clinton"  # the most frequent full form
    assert "Hillary Rodham Clinton" in people[0].aliases


def test_topic_kind_is_the_majority_label():
    a = article("a", "He visited Kharkiv.", {"Kharkiv": "ORG"})
    b = article("b", "Kharkiv was shelled. In Kharkiv, people left.", {"Kharkiv": "GPE"})
    registry = build_registry([a, b], ENTITY_KINDS)
    assert names_by_kind(registry) == {"place": {"Kharkiv"}}


def test_one_word_person_that_is_more_often_a_place_is_the_place():
    a = article("a", "Kyiv said no.", {"Kyiv": "PERSON"})
    b = article("b", "In Kyiv and near Kyiv.", {"Kyiv": "GPE"})
    registry = build_registry([a, b], ENTITY_KINDS)
    assert names_by_kind(registry) == {"place": {"Kyiv"}}


def test_a_one_word_person_that_no_story_ever_names_in_full_is_not_a_person():
    # the small model calls a platform a person: in three stories, never with a first name
    stories = [article(slug, text, {"Chirper": "PERSON", "Ann Roe": "PERSON", "Roe": "PERSON"})
               for slug, text in [("a", "Ann Roe posted on Chirper."), ("b", "Chirper said no."),
                                  ("c", "Roe left Chirper for good.")]]
    registry = build_registry(stories, ENTITY_KINDS)
    assert names_by_kind(registry) == {"person": {"Ann Roe"}, "subject": {"Chirper"}}
    assert mentioned(registry, "c") == [("Roe", "Ann Roe"), ("Chirper", "Chirper")]
    # ... and takes the kind the model gave it where it did not call it a person
    product = article("d", "A new Chirper app.", {"Chirper": "PRODUCT"})
    assert names_by_kind(build_registry(stories + [product], ENTITY_KINDS))["product"] == {"Chirper"}
    # ... unless the editors say it is a person
    said = Overrides(entities=(EntityOverride("Chirper", kind="person"),))
    assert names_by_kind(build_registry(stories, ENTITY_KINDS, said))["person"] == {"Ann Roe", "Chirper"}


@pytest.mark.parametrize("stories, name", [
    # a first name is a person's however the stories name them
    ([("a", "Francis spoke."), ("b", "Francis wrote."), ("c", "Francis prayed.")], "Francis"),
    # a first name the census lists lack, but a person on the site has
    ([("a", "Jeb spoke."), ("b", "Jeb wrote."), ("c", "Jeb prayed."), ("d", "Jeb Bush ran.")],
     "Jeb"),
    # in two stories it may be a surname whose full name the model missed
    ([("a", "Okafor spoke."), ("b", "Okafor wrote.")], "Okafor"),
])
def test_a_one_word_person_stays_a_person(stories, name):
    labels = {"Jeb Bush": "PERSON", name: "PERSON"}
    registry = build_registry([article(slug, text, labels) for slug, text in stories], ENTITY_KINDS)
    assert name in names_by_kind(registry)["person"]


def test_missed_mentions_are_found_from_the_registry():
    a = article("a", "NATO Secretary General Mark Rutte visited Kyiv.", {"Mark Rutte": "PERSON", "Kyiv": "GPE"})
    # the model missed both names in this article
    b = article("b", "A week later Mark Rutte was back in Kyiv. Rutte smiled.", {})
    registry = build_registry([a, b], ENTITY_KINDS)
    assert mentioned(registry, "b") == [("Mark Rutte", "Mark Rutte"), ("Kyiv", "Kyiv"), ("Rutte", "Mark Rutte")]


def test_one_word_names_are_not_matched_at_the_start_of_a_sentence():
    a = article("a", "Members of the Alliance met.", {"Alliance": "ORG"})
    b = article("b", "Alliance members met. The Alliance grew.", {})
    registry = build_registry([a, b], ENTITY_KINDS)
    assert [text for text, _ in mentioned(registry, "b")] == ["Alliance"]
    assert registry.articles["b"].mentions[0].span.start == len("Alliance members met. The ")


def test_tags_become_topics_and_join_entities_of_the_same_name():
    a = article("a", "NATO met.", {"NATO": "ORG"}, tags=["nato", "Defence spending"])
    registry = build_registry([a], ENTITY_KINDS)
    assert names_by_kind(registry) == {"organisation": {"NATO"}, "subject": {"Defence spending"}}
    assert len(registry.articles["a"].tag_ids) == 2


def test_entity_kinds_not_wanted_get_no_entity_and_no_mention():
    a = article("a", "Mark Rutte visited Kyiv.", {"Mark Rutte": "PERSON", "Kyiv": "GPE"})
    registry = build_registry([a], ("person",))
    assert names_by_kind(registry) == {"person": {"Mark Rutte"}}
    assert [t for t, _ in mentioned(registry, "a")] == ["Mark Rutte"]


def test_ids_are_unique_url_safe_and_readable_for_colliding_and_foreign_names():
    text = "C++ and C# differ. Mark Rutte and Mark-Rutte. Зеленський. ../../etc"
    registry = build_registry([article("a", text, {"C++": "PRODUCT", "C#": "PRODUCT", "Mark Rutte": "PERSON",
                                                    "Mark-Rutte": "ORG", "Зеленський": "PERSON",
                                                    "../../etc": "ORG"})], ENTITY_KINDS)
    ids = list(registry.entities)
    assert len(ids) == len(set(ids)) == 6
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids), ids
    names = {e.name: e.id for e in registry.entities.values()}
    assert names["Зеленський"] == "zelenskii"
    assert names["C++"] != names["C#"]


def test_quote_speaker_resolves_to_the_merged_person_even_when_the_model_missed_the_name():
    text = "Haley Morris spoke. “We are lean,” Morris said."
    quote = QuoteFound(pieces=(CharSpan(20, 34),), text="We are lean,", speaker=CharSpan(35, 41),
                       speaker_text="Morris", speaker_label="PERSON")
    registry = build_registry([article("a", text, {"Haley Morris": "PERSON"}, quotes=[quote])], ENTITY_KINDS)
    (resolved,) = registry.articles["a"].quotes
    assert registry.entities[resolved.speaker_id].name == "Haley Morris"


def test_clean_name_and_fold():
    assert clean_name("Rutte’s") == "Rutte"
    assert clean_name("the Kremlin") == "Kremlin"
    assert clean_name("The Hague") == "The Hague"
    assert fold("U.S.") == fold("US")
    assert fold("Zelenskyy") == fold("ZELENSKYY")
    assert fold("The Hague") == fold("the Hague")


def test_known_names_are_not_matched_across_punctuation_but_are_before_a_possessive():
    a = article("a", "Mark Rutte spoke.", {"Mark Rutte": "PERSON"})
    b = article("b", "Thanks, Mark, Rutte said. Later Mark Rutte’s aide spoke.", {})
    registry = build_registry([a, b], ENTITY_KINDS)
    assert [m.text for m in registry.articles["b"].mentions] == ["Rutte", "Mark Rutte"]


# --- a preview's memo: incremental merging gives what merging from scratch gives -------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from builder.entities import RegistryMemo  # noqa: E402

#: Sentences and the labels the "model" gives their names; a name may get different labels in
#: different versions of an article, as spaCy's do.
SENTENCES = [
    ("Mark Rutte went to Kyiv.", {"Mark Rutte": "PERSON", "Kyiv": "GPE"}),
    ("Rutte's visit was short.", {"Rutte's": "PERSON"}),
    ("Later Rutte met NATO staff.", {"Rutte": "PERSON", "NATO": "ORG"}),
    ("Jo Roe wrote to NATO.", {"Jo Roe": "PERSON", "NATO": "ORG"}),
    ("Jo Roe wrote to NATO.", {"Jo Roe": "ORG"}),
    ("Roe said Kyiv was calm.", {"Roe": "PERSON", "Kyiv": "GPE"}),
    ("Kyiv thanked Roe Holdings.", {"Kyiv": "PERSON", "Roe Holdings": "ORG"}),
    ("Nobody is named here.", {}),
    ("Then Jo Roe and Mark Rutte left.", {}),  # found only by the matcher, from other articles
]


def site_version(draw_sentences: list[list[int]]) -> list[ArticleInput]:
    articles = []
    for number, chosen in enumerate(draw_sentences):
        text = " ".join(SENTENCES[i][0] for i in chosen)
        labels = {}
        for i in chosen:
            labels.update(SENTENCES[i][1])
        articles.append(article(f"a{number}", text, labels, tags=("NATO",) if 3 in chosen else ()))
    return articles


versions = st.lists(st.lists(st.integers(0, len(SENTENCES) - 1), max_size=4), min_size=1, max_size=4)
overrides = st.sampled_from([None, Overrides(entities=(EntityOverride("Jo Roe", kind="organisation"),)),
                             Overrides(ignore=("Kyiv",))])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(versions, overrides), min_size=2, max_size=4))
def test_merging_with_a_memo_gives_what_merging_from_scratch_gives(builds):
    memo = RegistryMemo()
    for sentences, editors in builds:
        articles = site_version(sentences)
        assert build_registry(articles, ENTITY_KINDS, editors, memo) == \
            build_registry(articles, ENTITY_KINDS, editors)


def test_a_memo_redoes_an_unchanged_article_that_a_new_name_reaches():
    """The unchanged article names Jo Roe without the model seeing it; once another article
    introduces Jo Roe, the matcher finds the name there too (the memo compares the matcher)."""
    memo = RegistryMemo()
    still = article("still", "Nothing happened. Then Jo Roe left.", {})
    before = article("edit", "Rain fell.", {})
    after = article("edit", "Jo Roe spoke.", {"Jo Roe": "PERSON"})
    assert build_registry([still, before], ENTITY_KINDS, memo=memo).articles["still"].mentions == ()
    second = build_registry([still, after], ENTITY_KINDS, memo=memo)
    assert mentioned(second, "still") == [("Jo Roe", "Jo Roe")]
    assert second == build_registry([still, after], ENTITY_KINDS)


def test_a_memo_hands_back_the_last_registry_for_equal_articles():
    # A theme edit merges nothing again: equal articles (new objects, as every build reads
    # them) give the last call's very registry, which the later stages' memos then match.
    memo = RegistryMemo()
    site = lambda place: [article("a", f"Mark Rutte went to {place}.", {"Mark Rutte": "PERSON", place: "GPE"}),
                          article("b", "Rutte spoke.", {"Rutte": "PERSON"})]
    first = build_registry(site("Kyiv"), ENTITY_KINDS, memo=memo)
    assert build_registry(site("Kyiv"), ENTITY_KINDS, memo=memo) is first
    people_only = build_registry(site("Kyiv"), {"person"}, memo=memo)
    assert people_only is not first and people_only == build_registry(site("Kyiv"), {"person"})
    assert "kyiv" not in people_only.entities
    edited = build_registry(site("Lviv"), {"person"}, memo=memo)
    assert edited == build_registry(site("Lviv"), {"person"}) and edited is not people_only
    fewer = build_registry(site("Lviv")[:1], {"person"}, memo=memo)
    assert set(fewer.articles) == {"a"}
    ignored = Overrides(ignore=("Mark Rutte",))
    assert build_registry(site("Lviv")[:1], {"person"}, ignored, memo) == \
        build_registry(site("Lviv")[:1], {"person"}, ignored)


from builder.entities import AliasMatcher  # noqa: E402
from builder.records import Entity  # noqa: E402

ENTITIES = [Entity("jo-roe", "Jo Roe", "person", ("Roe",)), Entity("jo-roe", "Jo Roe", "organisation"),
            Entity("nato", "NATO", "organisation", ("North Atlantic Treaty Organization",)),
            Entity("roe-holdings", "Roe Holdings", "organisation", ("Roe",)),
            Entity("mark-rutte", "Mark Rutte", "person", ("Rutte", "Mark Rutte's")),
            Entity("kyiv", "Kyiv", "place", ("Kiev",)), Entity("ann-roe", "Ann Roe", "person")]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sets(st.integers(0, len(ENTITIES) - 1)), min_size=2, max_size=5))
def test_a_patched_name_matcher_is_the_matcher_built_from_scratch(versions):
    previous = None
    for chosen in versions:
        by_id = {}
        for index in sorted(chosen):
            by_id.setdefault(ENTITIES[index].id, ENTITIES[index])  # ids are unique on a site
        entities = [by_id[key] for key in sorted(by_id)]
        matcher = AliasMatcher(entities, previous)
        assert matcher._root == AliasMatcher(entities)._root
        if previous is not None and matcher.changed is not None:
            assert matcher.changed >= matcher.changed_first_words(previous)
        previous = matcher


def test_a_name_labelled_a_place_that_speaks_as_a_person_is_a_person():
    text = "“I do well,” said Iampaglia, who graduated in 2009. “Our border is shut,” Hungary said."

    def span(words: str) -> CharSpan:
        return CharSpan(text.index(words), text.index(words) + len(words))

    person = QuoteFound(pieces=(span("“I do well,”"),), text="I do well,", speaker=span("Iampaglia"),
                        speaker_text="Iampaglia", speaker_label="PERSON")
    country = QuoteFound(pieces=(span("“Our border is shut,”"),), text="Our border is shut,",
                         speaker=span("Hungary"), speaker_text="Hungary", speaker_label="ORG")
    registry = build_registry([article("a", text, {"Iampaglia": "GPE", "Hungary": "GPE"},
                                       quotes=[person, country])], ENTITY_KINDS)
    # the quote finder's person wins over the NER's place; a country speaking stays a place
    assert names_by_kind(registry) == {"person": {"Iampaglia"}, "place": {"Hungary"}}
    speakers = [registry.entities[q.speaker_id].name for q in registry.articles["a"].quotes]
    assert speakers == ["Iampaglia", "Hungary"]


def test_a_name_labelled_an_organisation_that_speaks_as_a_person_joins_the_person():
    # "Fiorina" alone, labelled ORG, in an article that never names her in full; the quote
    # finder reads the speaker as a person ("Fiorina, 61,"); another article names her
    text = "“Last time I looked, you had not voted,” Fiorina, 61, said. The Senate met."
    speaker = CharSpan(text.index("Fiorina"), text.index("Fiorina") + len("Fiorina"))
    quote = QuoteFound(pieces=(CharSpan(0, text.index(" Fiorina")),),
                       text="Last time I looked, you had not voted,", speaker=speaker,
                       speaker_text="Fiorina", speaker_label="PERSON")
    registry = build_registry([article("a", text, {"Fiorina": "ORG", "Senate": "ORG"}, quotes=[quote]),
                               article("b", "Carly Fiorina ran.", {"Carly Fiorina": "PERSON"})],
                              ENTITY_KINDS)
    (resolved,) = registry.articles["a"].quotes
    assert registry.entities[resolved.speaker_id].name == "Carly Fiorina"
    assert names_by_kind(registry) == {"person": {"Carly Fiorina"}, "organisation": {"Senate"}}


def test_a_name_is_written_with_the_accents_any_of_its_forms_has():
    text = "Felipe Calderon spoke. Calderón said no. Calderón left. Angela Merkel stayed."
    registry = build_registry([article("a", text, {"Felipe Calderon": "PERSON", "Calderón": "PERSON",
                                                   "Angela Merkel": "PERSON"})], ENTITY_KINDS)
    assert names_by_kind(registry) == {"person": {"Felipe Calderón", "Angela Merkel"}}
    (calderon,) = [e for e in registry.entities.values() if e.name == "Felipe Calderón"]
    assert calderon.id == "felipe-calderon"  # the address does not change


def test_a_nickname_and_the_formal_name_with_the_same_surname_are_one_person():
    a = article("a", "Vice President Joseph R. Biden spoke. Biden left.",
                {"Joseph R. Biden": "PERSON", "Biden": "PERSON"})
    b = article("b", "Joe Biden laughed.", {"Joe Biden": "PERSON"})
    c = article("c", "Pat Quinlan, Patrick Quinlan and Patricia Quinlan met Chuck Ortiz.",
                {"Pat Quinlan": "PERSON", "Patrick Quinlan": "PERSON",
                 "Patricia Quinlan": "PERSON", "Chuck Ortiz": "PERSON"})
    registry = build_registry([a, b, c], ENTITY_KINDS)
    people = names_by_kind(registry)["person"]
    assert {p for p in people if p.endswith("Biden")} == {"Joseph R. Biden"}
    assert mentioned(registry, "b") == [("Joe Biden", "Joseph R. Biden")]
    # "Pat" could be either Quinlan: it stays a person of its own
    assert {"Pat Quinlan", "Patrick Quinlan", "Patricia Quinlan", "Chuck Ortiz"} <= people
