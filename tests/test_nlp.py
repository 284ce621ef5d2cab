"""The NLP stage with the real model: names become mentions, junk does not, and worker
processes give exactly what one process gives."""
from __future__ import annotations

import pytest

from builder import nlp as nlp_module
from builder.nlp import Analyser, analyse_doc, analyse_texts, mentions_in, resolve_model
from builder.errors import UserError

TEXTS = [
    "Longtime Dutch Prime Minister Mark Rutte officially took office as NATO Secretary General.",
    "“We will stand with Ukraine,” Rutte said in Kyiv on Thursday.",
    "Ukrainian President Volodymyr Zelenskyy met Rutte's team in Kharkiv.",
]


def test_mentions_keep_names_and_drop_junk_and_possessives(nlp):
    found = {(m.text, m.label) for m in mentions_in(nlp(TEXTS[0] + " " + TEXTS[2]))}
    assert ("Mark Rutte", "PERSON") in found
    assert ("NATO", "ORG") in found
    assert not any(text == "Longtime Dutch" for text, _ in found)  # the model's junk organisation
    assert ("Rutte", "PERSON") in found or ("Rutte", "ORG") in found  # "Rutte's" without the 's
    assert not any(text.endswith("'s") for text, _ in found)


@pytest.mark.parametrize("text, name", [
    # the model takes the curly possessive into the name; judged without it, it is a name
    ("Donald Trump’s campaign said on Monday that the rally would go ahead.", "Donald Trump"),
    ("The rally was cancelled. Marco Rubio’s aides were angry.", "Marco Rubio"),
])
def test_a_name_with_a_curly_possessive_is_a_mention(nlp, text, name):
    assert [(m.text, m.label) for m in mentions_in(nlp(text))][:1] == [(name, "PERSON")]


def test_a_full_name_the_model_calls_an_organisation_is_a_person_when_its_surname_stands_alone(nlp):
    # the model labels "Carly Fiorina" (and each "Fiorina") an organisation; a capital that
    # opens the sentence ("Then") leaves the surname alone
    text = "Carly Fiorina endorsed Ted Cruz on Wednesday. “He fights,” Fiorina said. Then Fiorina left."
    assert ("Carly Fiorina", "PERSON") in {(m.text, m.label) for m in mentions_in(nlp(text))}


def test_an_institution_whose_name_opens_with_a_first_name_stays_an_organisation(nlp):
    # "Clinton" is a first name too, but "the Foundation" is no surname standing alone
    text = "The Clinton Foundation raised money. The Foundation said so, and Foundation staff agreed."
    found = {(m.text, m.label) for m in mentions_in(nlp(text))}
    assert ("The Clinton Foundation", "ORG") in found


@pytest.mark.parametrize("text, name", [
    # the model takes the determiner or possessive into the name
    ("It is further evidence of the pay-to-play politics at her State Department. No one is "
     "above the law.", "State Department"),
    ("The justice would be one chosen by the governor who, with a Democratic Senate, would have "
     "a free hand.", "Democratic Senate"),
])
def test_a_determiner_or_possessive_before_a_name_is_not_part_of_it(nlp, text, name):
    assert name in {m.text for m in mentions_in(nlp(text))}


def test_a_persons_name_ends_before_a_possessive_inside_it(nlp):
    # the model runs "Cruz’s Iowa" into one person; "Iowa" is his, not his name
    doc = nlp("Ted Cruz won the caucuses. For instance, Cruz’s Iowa director, Bryan English, "
              "is a pastor.")
    people = [m.text for m in mentions_in(doc) if m.label == "PERSON"]
    assert "Cruz" in people and not any("Iowa" in name for name in people)
    # ... and where a full name follows the possessive, the name is that one's
    doc = nlp("The Ledger’s Joel Pollak said the raid was botched.")
    assert [m.text for m in mentions_in(doc) if m.label == "PERSON"] == ["Joel Pollak"]


def test_a_verb_that_opens_name_and_colon_is_not_part_of_the_name(nlp):
    # the NER reads "Stated Stone" as one name; "Said" stays: it is a first name too
    text = "Roger Stone spoke on the radio.\n\nStated Stone:\n\n“The machines can be rigged.”"
    people = [m.text for m in mentions_in(nlp(text)) if m.label == "PERSON"]
    assert people == ["Roger Stone", "Stone"]


@pytest.mark.parametrize("text, name", [
    ("Follow Jeff Poor on Twitter @jeff_poor", "Jeff Poor"),
    ("Telling Jeb Bush to sit down, the host moved on.", "Jeb Bush"),
    ("Asserting Clinton’s innocence, the aide spoke for an hour.", "Clinton"),
])
def test_a_verb_that_opens_the_sentence_is_not_a_first_name(nlp, text, name):
    assert [m.text for m in mentions_in(nlp(text)) if m.label == "PERSON"] == [name]


@pytest.mark.parametrize("text, name", [
    ("BERLIN - Donald Trump said on Monday that the talks had failed.", "Donald Trump"),
    ("He said Rubio is weak on the border. Weak - Rubio - weak on the border, he said.", "Rubio"),
    ("Alexandria Ocasio-Cortez spoke.", "Alexandria Ocasio-Cortez"),  # no spaces: one name
])
def test_a_dash_between_spaces_ends_a_name(nlp, text, name):
    assert name in [m.text for m in mentions_in(nlp(text))]
    assert not any(" - " in m.text for m in mentions_in(nlp(text)))


def test_a_name_ends_before_a_lowercase_verb_the_model_ran_it_over(nlp):
    # the model takes in "told Business Insider" after the speaker's name
    text = ('"I think the new school is enormously important - and it\'s a personal decision," '
            "Ortiz told Business Insider in March.")
    names = [m.text for m in mentions_in(nlp(text))]
    assert "Ortiz" in names and not any("told" in n for n in names)


def test_lowercase_words_after_a_name_and_web_addresses_are_not_names(nlp):
    names = [m.text for m in mentions_in(nlp(
        "Obama’s agenda was clear. Read more at http://bit.ly/1Tnr3QM today. Secretary-General "
        "Ban Ki-moon spoke in Paris, and so did Air Force 1st Lt. Tyler Livingston."))]
    assert "Obama" in names and not any("agenda" in n for n in names)
    assert not any("http" in n for n in names)
    # a lowercase part of a hyphenated name, or a number, is still part of it
    assert any(n.endswith("Ban Ki-moon") for n in names), names


def test_a_person_mention_carries_the_words_that_describe_it(nlp):
    (rutte,) = [m for m in mentions_in(nlp(TEXTS[0])) if m.text == "Mark Rutte"]
    assert rutte.title == "Longtime Dutch Prime Minister"


@pytest.mark.parametrize("text, name", [
    ("“Imagine the two of them on one stage,” mused radio co-host Stu\xa0Burguiere.",
     "Stu Burguiere"),  # the no-break space splits the name: "Stu" alone
    ("“The levee will hold,” said Mayor\xa0Ann\xa0Ortiz.", "Ann Ortiz"),  # another name
])
def test_a_no_break_space_inside_a_name_is_a_space_and_offsets_stay_true(nlp, text, name):
    (analysis,) = analyse_texts(nlp, [text])
    (mention,) = [m for m in analysis.mentions if m.label == "PERSON"]
    assert mention.text == name
    assert text[mention.span.start:mention.span.end].replace("\xa0", " ") == name
    (quote,) = analysis.quotes
    assert quote.speaker_text == name


def test_a_line_break_inside_a_paragraph_ends_no_sentence(nlp):
    # Markdown wrapped at 80 columns: the attribution runs over the line break
    text = ("Senator Tomas Brandt spoke in Dover on Monday.\n\n“The campaign has been far too "
            "slow to answer the charges,” said\nSenator Tomas Brandt, who chairs the committee.")
    (analysis,) = analyse_texts(nlp, [text])
    (quote,) = analysis.quotes
    assert quote.speaker_text == "Tomas Brandt"
    assert text[quote.speaker.start:quote.speaker.end] == "Tomas Brandt"  # offsets stay true


def test_every_paragraph_starts_a_sentence_the_parse_keeps(nlp):
    # a paragraph ending in a closing quote mark: without the starts, the parser ran the next
    # paragraph's "Humphrey, for his part, said" into the quote's sentence, as an object
    text = ("“They see a problem, but they don’t have a solution.”\n\nHumphrey, for his part, "
            "said he hopes the push ends with Tom Kowalski taking the nomination.")
    doc = nlp(text)
    humphrey = next(t for t in doc if t.text == "Humphrey")
    assert humphrey.is_sent_start
    assert humphrey.dep_ == "nsubj" and humphrey.head.text == "said"
    assert all("\n\n" not in sent.text.strip() for sent in doc.sents)


def test_only_a_line_break_inside_a_sentence_becomes_a_space():
    from builder.nlp import with_plain_spaces
    text = "said\nBrandt on Monday.\nHe left.”\nThen\n\nNext\xa0day"
    assert with_plain_spaces(text) == "said Brandt on Monday.\nHe left.”\nThen\n\nNext day"


def test_a_quote_mark_glued_to_the_next_word_is_a_token_of_its_own(nlp):
    words = [t.text for t in nlp("the paranoia,”Clinton said, and“we will win”")]
    assert words[:6] == ["the", "paranoia", ",", "”", "Clinton", "said"]
    assert words[-5:] == ["“", "we", "will", "win", "”"]


def test_worker_processes_give_what_one_process_gives(nlp, monkeypatch):
    expected = [analyse_doc(nlp(text)) for text in TEXTS]
    monkeypatch.setattr(nlp_module, "PARALLEL_THRESHOLD_CHARS", 0)
    monkeypatch.setattr(nlp_module, "BATCH_SIZE", 2)  # two batches, so both workers get work
    analyser = Analyser(resolve_model("en_core_web_sm"), processes=2)
    for index, text in enumerate(TEXTS):
        analyser.add(index, text)
    assert analyser._executor is not None  # the texts went to worker processes
    assert dict(analyser.results()) == dict(enumerate(expected))


def test_a_missing_model_says_how_to_install_it():
    with pytest.raises(UserError) as error:
        resolve_model("xx_no_such_model")
    assert "'xx_no_such_model' is not installed" in str(error.value)
    assert "pip install xx_no_such_model" in str(error.value)
