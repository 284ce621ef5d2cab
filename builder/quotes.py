"""Direct quotations in an article and the speaker each one is attributed to.

`find_quotes(doc, mentions)` works on the article's analysed text (prose blocks joined with
BLOCK_SEPARATOR) and its spaCy Doc. It is a pure function of its inputs: every lookup table
lives in an `ArticleTables` made per call.

The finder is one stage in five modules, each a step of the work below: quote_marks.py finds
the marks and pieces, quote_article.py builds the per-article tables, quote_cues.py finds what
in a quote's sentence attributes it, speakers.py resolves the word it names to a mention (or
an unnamed source), and quote_words.py holds the word lists. This module runs them, carries
speakers across quotes, and decides what counts as speech (the policy below).

Finding quotes (character level, one paragraph at a time: builder/quote_marks.py)
---------------------------------------------------------------------------------
* Double marks open and close quotes: curly “ ” (also „ « »), and straight ". Whether a
  mark opens or closes is decided by what touches it: an opener has space or "(" / a dash on
  its left and a word on its right; a closer the reverse. Curly marks keep their shape's
  meaning unless the context plainly contradicts it (the typo `word“ and` closes).
* Single marks (‘ ’ ') never open or close a top-level quote, so apostrophes (Ukraine’s,
  don’t, ’90s) are inert and single quotes nested inside a quote are just part of its text.
* A quote left open at the end of its paragraph continues into the next paragraph if that
  paragraph starts with an opening mark (the multi-paragraph convention: one piece per
  paragraph, one record). Otherwise it is capped at the end of its own paragraph: an
  unbalanced mark never swallows the rest of the article. If a comma inside it is
  followed by an attribution (", said Jo Doe, whose group…", ", Doe said."), the closing
  mark was lost there and the quote ends before it.
* A clear opener met while a quote is still open means its closing mark is missing: the open
  quote ends just before it, rather than pairing across into the next quote.
* A quote broken by its attribution (“We are ready,” he said, “and we will act.”) is merged
  into one record with two pieces when the first part ends with a comma (or dash), also
  inside a nested quote's closing mark (“‘House of Cards,’” she said, “…”), and the
  words in between are a short clause with a reporting verb that ends with a comma.

Policy on scare quotes and titles
---------------------------------
Only speech is returned. The attribution corpus we measured against (PolNeAR-style news)
annotates a quoted phrase whenever the text ties it to someone's words, down to partial
quotes of two or three words ("he called the plan “a disaster”"); on quoted names of shows,
books, slogans and headlines it is inconsistent (it marks some, skips others). Ours:
* a phrase of at most three words inside a sentence is kept only when a reporting verb or
  "according to" attributes it *and* a speaker is found; a phrase after "so-called" never
  is. Anything else short is a scare quote (the so-called “deal”, a “historic” vote);
* a Title-Case phrase of 2-12 words with no I/we/you (a capitalised "Me" or "You" after
  its first word is a title's word: "The Spy Who Shagged Me") (a show, book, film or
  slogan: “Meet the Press”, “Make America Great Again”) is a title, not speech, unless a
  reporting verb, "according to" or a name and a colon attributes it (not a clause with
  some other verb: "listed his guilty pleasure: “Saturday Night Live”", nor a quote beside
  it in the sentence) and it does not stand where a name goes (after a preposition, a
  determiner or a possessive: "on CNN's “State of the Union,”"; after a participle or the
  noun for its kind of work: "a play called “…”", "on the podcast “…”"; after "and"
  joining it to a quote before: "starred in “…” and “…,”"). The end of a hyphenated word
  ("body-related") is no reporting verb. A question or an exclamation needs no reporting
  verb: “Mr. D’Souza?” is words spoken.
Measured on the 840 training articles, this trades about as much recall as it gains in
precision (the gold marks some titles), so the choice is made on product grounds:
highlighting a TV show's name as somebody's words is wrong.

Attribution (token level, on the Doc's parse)
---------------------------------------------
Sentences here are delimited by . ! ? tokens outside quotes (not a split-off abbreviation
point) and by paragraph ends; spaCy's own sentences are not used because they can run over
"\n\n" and through quotes. For each quote, the first of these that fires gives the cue:
1. the words between the pieces of a broken quote (“…,” he said, “…”);
   a byline after a dash in a digest of excerpts ("Polls were just early - Jo Doe: “…”"),
   whatever the headline before the dash says;
2. the parse: climbing from the quote's words, inside the quote's sentence, to the first
   reporting verb that governs them ("…,” Rutte said", "said Rutte", "Rutte said: “…”",
   "Rutte told reporters that “…”", "Obama said he was “surprised and troubled”"), but
   not a relative clause before the quote ("Nothing the president said “…,” the senator
   said": a parse that hangs the quote on the clause). When
   that verb, before the quote, is inside a clause that another reporting verb before it
   reports, the outer one vouches for the quote: "Doe said she is sure Roe will continue
   to be “…”" and "Doe said Roe begged him and “…”" are Doe's;
3. a quote ending in , ? ! or a dash, followed by "Name verb" or "verb Name": that verb,
   whatever it is ("“…,” Toomey fumed");
4. a name and a colon right before the quote ("Clinton: “…”", "More from Clinton: “…”"),
   unless a subject earlier in the sentence names someone ("Perez compared him with
   Clinton: “…”" is Perez, found by rule 6);
5. a clause "subject verb [back, forcefully]" ending with a colon or comma right before
   the quote, whatever the verb ("When Roe suggested…, Doe fired back: “…”" is Doe);
   else a reporting verb or "according to X" elsewhere in the quote's sentence (after a quote
   that ends with a full stop only a bare "X said." counts: "X said the plan..." after a
   finished quote starts a new statement); else a clause ending with a colon whose main verb
   has a person or organisation for subject ("Doe has since apologized for what happened:
   “…”": Doe, not "what happened");
6. a person's possessive right before the quote ("Obama's “if you like your plan, you can
   keep it” promise", cue "possessive"), only when nothing above fired: "Trump's “coarse
   effusion,” Will wrote" is Will's description, and an organisation's possessive is most
   often a title (CNN's “State of the Union”);
7. for a quote inside a sentence with no reporting verb, the subject of the clause that
   governs it ("cue" = "subject").
A quote followed by ", which…" or ", that…" is a name ("its “Bathroom Bill,” which
allows…"): the relative clause's verb is no attribution.
When the quote's sentence also says "according to X" and X is a name, X is the speaker:
"“…,” Sanders said, according to CNN" → CNN. The source that vouches for the quote is the
outer one; this is the convention of the attribution corpus we measured against. A
publication that reports the attribution in the same sentence is such a source too ("“…,”
said Jo Doe, reports the Ledger", "“…,” Doe said, the Ledger reported"), and "according to
The Sentinel" names the Sentinel even when the NER does not label it.

The verb's subject becomes a *name span* (`speaker_of_verb`, `resolve`). The verb's own
subject decides; if it has none, the climb goes on through the verbs above it in the same
sentence ("went on to say", "continued by saying"), then to a name or subject right next
to the verb (for parses that lose it: "said Oversight ranking Democrat Elijah Cummings").
* A name (an entity mention; a capitalised word the NER labels as a name elsewhere in the
  article; a capitalised subject the NER missed) is itself the speaker. A trailing
  possessive is dropped ("Rubio’s campaign said" → "Rubio").
* A noun phrase with a name in it gives the name: "the Clinton campaign", "Trump's
  campaign", "a spokesman, Jo Doe,", "a spokesman for Sanders"; the person an apposition
  names wins over a possessor ("Roe's chief of staff, Jo Doe, said" is Doe).
* A capitalised word right after a quote's closing comma (or a comma) and right before the
  reporting verb is a name, however the tagger reads it: "“…,” Will wrote", "“…,” From
  said" (surnames that are ordinary words).
* he/she → the latest person mention, outside quotes, that was a subject (else the latest
  person mention) within ~3000 characters before the pronoun (or the quote, if that comes
  first: "Trump told reporters he thought Fields had “…”" is Trump), skipping people the article
  shows to be of the other gender (an honorific before the name, or the pronoun that
  follows the name as a subject, outside quotes; where the article says nothing, or only
  once, the first name as the US Census lists it: "Mary" is a woman's name, "John" a
  man's, and two of the article's pronouns outweigh the name). A full name and its bare
  surname share that evidence unless the article names two people with the surname (what
  it says of "Trump" is not said of "Melania Trump"). When that subject is a subordinate
  clause's and its sentence's main clause has a person subject, the main one is meant
  ("Levin dismissed concerns… even though Sanders won Michigan. “…,” he said" is Levin),
  and a subject inside an aside set off by two spaced dashes is not one ("“…” -- that
  Bloomberg is seen as a liberal -- “…,” he says" is whoever spoke before). A
  one-word mention the NER labels a place, organisation or group that is the surname of a
  person the article names in full is that person ("Ebeling lives…" after "Betsy Ebeling"),
  and so is the surname where the NER saw no name at all ("Ebeling lives…" tagged a verb),
  and the first name alone of one full name ("Megyn was incredulous" after "Megyn Kelly"),
  and an "organisation" that opens with a first name ("Carly Fiorina") or has a
  person's role or age set beside it ("Priebus, the GOP chairman,", "Fiorina, 61,"). A
  speaker named in a word or two that no mention covers ("D’Souza replied, “…”", the
  model tagging "D’Souza" a noun) is a person too: the quotes are found a second time with
  those speakers among the mentions, so that the "he added" after them can mean them.
  they/it → the latest main-clause subject within two sentences before it that is not a
  person, resolved as a subject is, when it names an organisation ("The Post noted that
  Klein… It added", "Trump's campaign put out a statement… it said" → Trump); a document,
  or people the article does not name, name nobody ("The email… “…,” it reads", "the
  protesters… they chanted": those are described as an unnamed source), nor does the
  organisation named last, which is too often not the one meant. An "it" passes over a
  plural subject ("The Dover Ledger reported… Two Americans were killed. “…,” it added").
* Climbing from a verb with no subject of its own ("adding", "explaining") skips the
  subject of a clause that a reporting verb reports: in "X said that Y “had…,” adding, “…”"
  (or "X said Y's defeat reminded him of…, adding") the one adding is X; so does a clause
  that sets the scene after the reporting verb ("X said after Y won, remarking that “…”"),
  unless it is simultaneous ("X asks as Y walks in, saying" is Y).
* A "subject" the parser gives as a preposition or punctuation ("Of Carson, Levine said")
  is no subject; the names next to the verb are looked at instead, passing over names
  inside a relative clause ("Doe, who gave money to Roe, said" is Doe), and taking a name
  outside a prepositional phrase before one inside ("Doe, in an attempt to draw attention
  to Roe's record, wrote" is Doe).
* A proper noun whose article is a capital "The" where no sentence starts ("“…,” The Blaze
  reported") is an organisation's name, even when the NER missed it.
* A capitalised title as the subject ("Sirius XM Vice President for news Jo Doe called",
  "said former Gov. and Party Chairman Jo Doe") is no name: the name the parse hangs on it
  (a conjunct or apposition) is the speaker.
* "said retired surgeon Jo Doe": the modifiers before a name after the verb are skipped.
  "said Army Capt. Jo Doe": an abbreviated title's point ends no sentence, and a parse that
  takes the title for the subject (or gives the verb two subjects) means the person.
* A description ("the Secretary General", "the senator") → the latest person whose
  description contains that head word. Descriptions come from `MentionFound.title` and also
  from the Doc itself (the compounds, modifiers and appositions the parse hangs on each
  name: "NATO Secretary General Mark Rutte", "Mark Rutte, the NATO chief"; "Sen." counts
  as "senator"), so they work whether or not the mentions stage fills `title`.
  "The newspaper", "the network", "the campaign"... → whom the same noun named when the
  article last used it ("China's foreign ministry… the ministry said" → China, as its
  government; "The Ministry of Defence… the ministry said"), else, when that last use
  named nobody, the latest organisation mention.
* A role with "the" that the article gave nobody by name ("the Florida senator", "the New
  York businessman": head nouns in ROLE_NOUNS) is the person set beside it with a comma,
  however the parse hangs the two ("Jo Doe, the chair of the party, recalled"; "the chair
  of the party, Jo Doe, said"), else whom the story is about: the latest person, outside
  quotes, who is the subject of a sentence's main verb (or that subject's possessor, "Doe's
  assertion drew rebukes", or the name set beside it, "One of the authors, Jo Doe, said"),
  named or he/she ("Marco Rubio spoke
  in Miami, where Trump leads. The Florida senator said…" is Rubio, not Trump). A party
  word with "the" and a modifier ("the Wisconsin Republican") is such a role, and only
  such: so many people are described as Republicans that the description picks nobody.
  So is one of a people, singular, with "the" ("the Texan said", "the Republican said").
* In the passive, a verb whose object is whom the words address or describe (ask, tell,
  call, accuse...: ADDRESSED_VERBS) has the speaker in its "by" phrase: "Brandt was asked by
  host Ivo Renner, “…”" is Renner, and "He was asked, “…”" names nobody. Such a verb counts
  only when the quote hangs on it directly: in "they are asked to rank…, and the group is
  less likely to be “…,” Hoover said" the climb goes on to "said".
* A participle with no subject anywhere ("Doe stated that the report “wasn't good.” Adding,
  “…”") is no cue of its own: the quote goes on with the previous speaker, unless it opens a
  sentence whose main clause follows the quote: "Acknowledging that Trump “says a lot of
  stupid stuff,” though, Allen did suggest…" is Allen's, however the parse hangs it.
* A description that brings in someone new ("a", "an", "one", "another", "some", "several",
  a number: "said one Florida strategist", "a paper") never resolves to an earlier person or
  organisation; "a report from the ACLU" is the ACLU's ("from X" in the phrase), and so
  are a text by or in a named source: "a study by Peter Schott", "an editorial in the
  Register", "a court document filed by state attorney Jo Doe"; and a text someone put out
  is theirs: "Doe released a video that said", "the union issued a statement saying",
  "the Ledger ran a piece that noted", "Doe wrote a letter asking" (`_issuer`). A
  participle names the author only when it is one of writing ("a document filed by",
  "a letter signed by": AUTHORING_VERBS), not of making public ("an email released by
  Judicial Watch", "a memo obtained by the Post"). A text or words with a possessive
  pronoun are that pronoun's ("her tweet said", "his comments suggested"), as a subject,
  and so is an organisation of theirs ("his campaign said", "what her team calls").
  A name and a colon after "on", "in", "at" or "during" is where the words were said, not
  who said them ("Then, later that month on CNN: “…”" goes on with the speaker before).
  A quote set off by dashes inside a sentence ("O'Malley lamented her gaffes - “…?” -
  Democrats said they were unfazed") quotes what the clause before it reports, when a
  reporting verb there has a subject that names someone.
  What a text finds or shows it reports ("A Ledger-ABC News poll found that 75 percent
  said Trump “…”" is the pollster's, the outer report; FINDING_VERBS), not what people find;
  and a poll that frames the sentence ("In a Ledger-ABC News poll, 75 percent said",
  "According to the exit polls, 24% of voters…"), or whose finding their words are part of
  ("The Q poll finds that, while…, 22 percent say", "a CNN poll shows how hard…: Six in 10
  Republicans said"), is the source of the people it counts (`_credit_the_finding`).
* An unnamed member of a group is not the group (`anonymous_member`): in an indefinite
  phrase like that, the group or name it contains is not the speaker either ("an Iowa
  Democrat", "a Republican senator", "one Labour MP", "two Republicans", "a Trump
  supporter", "a member of the party", a bare "Another" or "One" subject → None), unless
  an apposition or a participle names the person ("a Republican senator, Jo Doe, said" →
  Jo Doe, as are "a teacher named Jo Doe" and "the base chief known as Bob"; "Iowa
  Democrat Jo Doe said" has no determiner and is Jo Doe anyway). A definite organisation still speaks ("the party said",
  "the White House said", "NATO said", "Democrats said"), and so does whoever an indefinite
  spokesperson or text stands for ("a Clinton spokesman", "a representative for the union",
  "a Gallup poll", "a statement from the party"). A person's name with an article is that
  person ("an angry Rutte"). The nearest such phrase ends the search for a speaker: the
  names further off are not it.
* After a verb that never comes before its subject (tell, call, describe, accuse, praise...)
  the name is whom it addresses or describes ("told AFP", "called Smith “…”"), never the
  speaker. Before the verb, a name that only modifies another name's apposition is passed
  over ("Gene Sperling, a Clinton adviser, said" → Sperling), and a word the NER labels a name
  elsewhere counts when it stands right before the verb ("“…,” Trump barked", "Trump" unlabelled).
* A subject that describes someone without naming them ("Clinton’s right-hand woman rallied
  supporters, saying") is the name set beside it with a comma, if any ("The editor I spoke
  to, Tim Grieve, cut in to announce"), else nobody: the names near the verb are looked at
  only when the parse gives no subject at all.
* A verb whose object is a speech act reports speech: "made the point that", "issued a
  warning that", and a jab: "took a swipe at “…”", "landed a dig at" (`is_reporting`).
* A reporting verb inside a parenthesis with no quote in it is an aside ("not for her
  policy (think Eleanor Roosevelt) but for her “…”"): it attributes nothing outside it.
* "you" outside the quotes is the reader ("…, you know, well…", where straight quotes nested
  in straight quotes leave the words outside the quote as parsed): no cue, so the quote
  keeps the speaker it goes on from.
* Anything else ("a White House official said") names nobody: the speaker stays None.

A passage quoted over several paragraphs (its first piece left open, the next paragraphs
opening with a mark) whose first paragraph opens with the mark takes the speaker of the
sentence that introduces it ("As the Ledger reported:¶“…¶“…,” Rusk said.”" → the Ledger),
whatever is said inside it.

Quotes with no cue of their own, in order:
* a quote in the same sentence as an attributed one shares its attribution ("same-sentence");
* a quote that fills its paragraph and is followed by a short paragraph that is just a name
  ("- Bernie Sanders.", "-President Obama, tweeting after the speech.", or "- Sanders." where
  only the rest of the article labels the name) is signed by that name ("signature"): in a
  digest of excerpts the sentence above belongs to the previous item;
* a quote under a lead-in that is only a text's name and a colon ("Transcript as follows:",
  "From the report:", "Clinton's statement:") is that text's: the person or organisation
  named in it, else the words as an unnamed source (`_text_heading`; "Here is the
  transcript:" is a sentence and names nobody) ("introduced");
* a quote that opens its sentence takes the speaker of the sentence just before it, in the
  same or the previous paragraph, when that sentence has no quote in it: a name and a colon
  ("Stated Stone:¶“…”"), its reporting verb's subject or else its main subject ("Clinton
  touted her record. “…”", "Cruz continued:¶“…”") ("introduced");
* a quote that fills its paragraph is the words of someone the next paragraph opens by
  saying "also" spoke ("“…”¶Richards also spoke about the case…") ("also-next"), or of
  whom the next sentence names as it points back at it ("“…” That quote from Alabama
  Securities Commissioner Thomas Krebs appeared…") ("pointed-back");
* otherwise it continues the previous quote's speaker when that quote is in the same or the
  previous paragraph ("continuation"). A sentence whose subject is a bare "that" or "this"
  is about the words just quoted ("“…,” Clinton said. That makes her “…”"), so its quote
  counts as one with no cue.
Anything else stays unattributed.

Unnamed sources: when the cue's subject is an unnamed member of a group ("said a senior Cruz
adviser", "according to one intelligence source") or a group the text names only by what its
people are ("law enforcement sources said", "protesters interrupted her, shouting"), the
speaker stays None and `source_text` is the article's description of the source: the noun
phrase up to its noun, with the words after it that still describe it ("one Democrat familiar
with the talks"), never a clause ("a Mexican official", not "who was not authorized to
speak"; "an adviser to both senators", not ", who asked not to be named"). A text whose
author the sentence does not name is a source the same way (`unnamed_document`: "the order
released Friday said", "One news account described", "a notice posted at the gate warns",
a law the NER names), described with the past participles after it that say which text it
is, not the present ones that say what it does ("a statement", not "a statement saying");
so is what an "it" or "they" stands for when that names nobody ("The affidavit… It
continues:", "the protesters… they chanted"). A text with a possessor is not one: "her
tweet" is her words. A quote that shares the sentence or continues the words of such a
source gets the same description. So is someone described with "the" whom the article
never names, as the subject of a reporting verb ("said the designer, who works for another
brand": `_described_person`).

`cue` is the reporting verb's lemma ("say", "tell", ...), or "according-to", "colon",
"subject", "same-sentence", "introduced", "also-next", "pointed-back", "continuation",
"signature"; "" when nothing attributes the quote. A verb cue with speaker None means the
text names nobody ("a source said").
`speaker_label` is the mention's label, PERSON or ORG (NORP speakers, "Republicans argued",
count as ORG); a name the NER missed is taken to be a PERSON.

A place (GPE/LOC/FAC: "New Hampshire", a dateline "LONDON (Reuters) -", "(R-OH)") is a
speaker only as a last resort: a cue whose subject is a place is passed over for the next
one, and a subject that is a place names nobody, unless no other cue exists and the place is
itself the subject of the reporting verb. Then it speaks as an organisation, its government
("“…,” Hungary said"), or as a person when the sentence describes one: the NER takes many
unfamiliar surnames for places ("“…,” said Iampaglia, who graduated in 2009", "“…,” Matdos
Santos, legal director for the ACLU, said"); the registry then makes that name a person. A
one-word place mention that is the surname of a person in the article ("Vladeck said" after
"Stephen Vladeck") is that person.
"""
from __future__ import annotations

from bisect import bisect_right
from itertools import islice
from typing import Sequence

from spacy.tokens import Doc, Token

from .quote_marks import QuotePiece, find_quote_pieces, paragraphs
from .records import BLOCK_SEPARATOR, CharSpan, MentionFound, QuoteFound
from .quote_article import ArticleTables, QuoteDraft, doc_columns, norm_title
from .quote_cues import (
    according_to, byline_speaker, choose_cue, cue_colon_name, cue_in_window, outer_report,
    sentence_subject, sentence_window, speaker_of_verb, subject_of,
)
from .quote_words import (
    DASHES, FINDING_VERBS, FIRST_SECOND_PERSON, GROUP_PRONOUNS, PERSON_PRONOUNS, REPORTING_VERBS,
    ROLE_NOUNS, SENTENCE_END_CHARS, SUBJECT_DEPS, TITLE_SMALL, WORD_RE, WORK_NOUNS,
)
from .speakers import (
    is_reporting, name_label, names_a_text, own_subject, place_speaker, resolve, resolve_source,
    unnamed_source,
)


# --- broken quotes -------------------------------------------------------------------------


def _merge_broken(art: ArticleTables, raw: list[list[QuotePiece]]) -> list[list[QuotePiece]]:
    """Join “We are ready,” he said, “and we will act.” into one quote of two pieces."""
    out: list[list[QuotePiece]] = []
    text = art.text
    for pieces in raw:
        if out and _is_broken_pair(art, out[-1][-1], pieces[0]):
            if text.find(BLOCK_SEPARATOR, out[-1][-1].end, pieces[0].start) < 0:
                out[-1] = out[-1] + pieces
                continue
        out.append(pieces)
    return out


def _is_broken_pair(art: ArticleTables, first: QuotePiece, second: QuotePiece) -> bool:
    text = art.text
    # a nested quote may close right before the outer mark: “‘House of Cards,’” she said, “…”
    if text[first.inner_start:first.inner_end].rstrip("’'")[-1:] not in (",", "—", "–"):
        return False
    gap = text[first.end:second.start]
    if len(gap) > 120 or not gap.rstrip().endswith(",") or "\n" in gap:
        return False
    a, b = art.tok_at(first.end), art.tok_at(second.start)
    toks = art.doc[a:b]
    if any(t.text in SENTENCE_END_CHARS for t in toks):
        return False
    return any(is_reporting(t) for t in toks)


# --- one quote: its cue and speaker ------------------------------------------------------


def _attribute(art: ArticleTables, q: QuoteDraft, qid: int) -> None:
    """Find the cue and speaker of one quote from its own sentence."""
    start_char = q.pieces[0].start
    after = sentence_window(art, q, qid, 1)
    before = sentence_window(art, q, qid, -1)
    has_before = any(not art.doc[i].is_punct for i in before)
    first = q.pieces[0]
    if len(q.pieces) > 1 and first.end == first.inner_end and not has_before:
        # a passage quoted over several paragraphs ("As the Post reported:¶“…¶“…”"): the
        # sentence that introduces it names the source, whatever is said inside it
        lead = _lead_in(art, q)
        intro = _sentence_speaker(art, lead, first.start) if lead else None
        if intro is not None:
            q.speaker, q.cue, q.strong = intro, "introduced", True
            return
    art.unnamed_subject = None
    cue, place_cue = choose_cue(art, q, qid, before, after, has_before)
    if cue is None or cue[2] != "according-to":
        # "“…,” Sanders said, according to CNN": the source that vouches for the quote is
        # the outer one (the convention of the attribution corpora we measured against)
        outer = according_to(art, before + after) or outer_report(art, q, after, cue)
        if outer is not None and resolve_source(art, outer[1], start_char) is not None:
            cue = outer
    if cue is not None and cue[1] is None and cue[0].tag_ == "VBG" and \
            cue[2] not in ("according-to", "colon", "byline", "possessive") and \
            subject_of(art, cue[0]) is None:
        main = _main_subject_after(art, q, cue[0])
        if main is None:
            # "Maher stated that the report “wasn't good.” Adding, “…”": a participle with no
            # subject at all goes on with whoever spoke before (see _continue_speakers)
            return
        # "Acknowledging that Trump “says a lot of stupid stuff,” though, Allen did suggest":
        # the participle opening the sentence is the main clause's subject's
        q.speaker, q.cue, q.strong = resolve(art, main, start_char), cue[2], True
        return
    if cue is not None:
        verb, subj, kind = cue
        if kind == "byline":
            q.speaker = byline_speaker(art, verb, subj)
            kind = "colon"
        elif kind == "according-to":
            q.speaker = resolve_source(art, subj, start_char)
        elif kind in ("colon", "verb-noun", "possessive"):
            q.speaker = resolve(art, subj, start_char)
        elif cue is place_cue:
            q.speaker = place_speaker(art, subj)
        else:
            q.speaker = speaker_of_verb(art, verb, start_char)
        q.cue, q.strong = (verb.lemma_.lower() if kind == "verb-noun" else kind), True
        # an unnamed source speaks through a verb of speech (its own, or one it governs: "a
        # reporter can be heard asking"): in "“…!” — the balloons cascaded down" the words
        # after the quote name no source
        verb_cue = kind == verb.lemma_.lower()  # not "colon", "according-to", "verb-noun"...
        if q.speaker is None and (not verb_cue or is_reporting(verb) or any(
                is_reporting(c) for c in verb.children if c.dep_ in ("xcomp", "ccomp", "advcl"))):
            # where speaker_of_verb's climb stopped at an unnamed member, else the cue's own
            for candidate in (art.unnamed_subject, subj):
                if q.source is None and candidate is not None:
                    q.source = unnamed_source(art, candidate)
        if q.speaker is None:
            _credit_the_finding(art, q, verb, before + after, start_char)
        return
    if has_before:
        subj = sentence_subject(art, q, qid, before)
        if subj is not None and _points_back(subj):
            # "“…,” Clinton has said. That makes her “…”": the sentence is about the words
            # just quoted, so it goes on with their speaker (see _continue_speakers)
            return
        if subj is not None:
            q.speaker, q.cue = resolve(art, subj, start_char), "subject"


# Texts that report what people answered: "According to the exit polls, 24% of voters
# said", "In a Post-ABC News poll, 75 percent of Republicans said".
_FINDING_NOUNS = frozenset("poll polls survey surveys study studies".split())


def _credit_the_finding(art: ArticleTables, q: QuoteDraft, verb: Token, window: list[int],
                        start_char: int) -> None:
    """Give a quote the people it quotes do not name ("24% of Republican voters") to the
    poll or study its sentence frames it with ("according to the exit polls", "in a
    September Post-ABC News poll", "The Q poll finds that, while…, 22 percent say"): its
    author when the phrase names one, else its description. The outer source vouches for
    the words, as "according to" does."""
    finder = _finding_text(verb)
    if finder is not None:
        _credit(art, q, finder, start_char)
        return
    for i in window:
        tok = art.doc[i]
        if tok.lower_ not in ("according", "in") or art.quote_of[i] >= 0 or \
                tok.head.dep_ != "ROOT":
            continue  # (a frame of the sentence, not "Trump, who leads in opinion polls")
        prep = art.doc[i + 1] if tok.lower_ == "according" and i + 1 < len(art.doc) else tok
        for obj in prep.children:
            if obj.dep_ == "pobj" and obj.lower_ in _FINDING_NOUNS:
                _credit(art, q, obj, start_char)
                return


def _credit(art: ArticleTables, q: QuoteDraft, text: Token, start_char: int) -> None:
    """The quote is the poll's or study's: its author when named, else its description."""
    q.speaker = resolve(art, text, start_char)
    q.source = None if q.speaker else unnamed_source(art, text)


def _finding_text(verb: Token) -> Token | None:
    """The text whose finding a reporting verb's clause is part of: the subject of a "finds"
    or "shows" the verb's clause hangs from ("The Q poll also finds that, while…, 39 percent
    blame X and 22 percent say"), or that opens the verb's sentence before a colon ("a fresh
    poll shows how hard it will be: Six in 10 Republicans said"). None when there is none."""
    clauses = list(islice(verb.ancestors, 4)) + [
        c for c in verb.children if c.dep_ == "ccomp" and c.i < verb.i]
    for clause in clauses:
        if clause.lemma_.lower() in FINDING_VERBS:
            for c in clause.children:
                if c.dep_ == "nsubj" and names_a_text(c.text):
                    return c
    return None


def _points_back(subj: Token) -> bool:
    """Is `subj` a demonstrative standing alone ("That makes her…", "This means…")?"""
    return subj.lower_ in ("that", "this") and subj.tag_ == "DT" and \
        not any(c.dep_ != "punct" for c in subj.children)


def _main_subject_after(art: ArticleTables, q: QuoteDraft, participle: Token) -> Token | None:
    """The subject of the main clause after the quote, when `participle` opens the quote's
    sentence ("Acknowledging that … “…,” though, Allen did suggest…" → Allen)."""
    i = participle.i - 1
    while i >= 0 and art.doc[i].is_space and not art.is_boundary(i):
        i -= 1
    if i >= 0 and not art.is_boundary(i):
        return None  # not the sentence's first word (a paragraph break is a boundary)
    for j in range(q.last_tok + 1, min(len(art.doc), q.last_tok + 12)):
        if art.is_boundary(j) or art.quote_of[j] >= 0:
            return None
        tok = art.doc[j]
        if tok.dep_ == "nsubj" and tok.head.dep_ == "ROOT" and (
                tok.lower_ in ("he", "she") or
                (tok.head.i > tok.i and name_label(art, tok) in ("PERSON", "ORG"))):
            return tok
    return None


# --- across quotes: a shared sentence, a continuation, a signature --------------------------


def _same_sentence(art: ArticleTables, a: QuoteDraft, b: QuoteDraft) -> bool:
    """Are quotes a and b (a before b) in one sentence of one paragraph?"""
    if a.last_para != b.para:
        return False
    if a.inner_end in SENTENCE_END_CHARS:
        return False
    return not any(art.quote_of[i] < 0 and art.is_boundary(i)
                   for i in range(a.last_tok + 1, b.first_tok))


def _share_in_sentence(art: ArticleTables, quotes: list[QuoteDraft]) -> None:
    """Quotes in one sentence share the attribution one of them has (“A” and “B,” he said)."""
    for _ in range(2):  # forward and backward
        for a, b in zip(quotes, quotes[1:]):
            if not _same_sentence(art, a, b):
                continue
            if a.strong and not b.strong:
                b.speaker, b.source, b.cue, b.strong = a.speaker, a.source, "same-sentence", True
            elif b.strong and not a.strong:
                a.speaker, a.source, a.cue, a.strong = b.speaker, b.source, "same-sentence", True


def _continue_speakers(art: ArticleTables, quotes: list[QuoteDraft]) -> None:
    """A quote with no cue of its own is signed by a name paragraph right after it ("-
    Bernie Sanders."), else takes the speaker of the sentence that leads into it ("Clinton
    touted her record. “…”", "Cruz continued:¶“…”", its main clause rather than a relative
    one: "the DNC issued a statement…, which included staff suggesting…¶“…”" is the DNC's);
    when the sentence before it is itself a quote's, it continues that quote's speaker (same
    or previous paragraph)."""
    prev: QuoteDraft | None = None
    for q in quotes:
        if not q.cue:
            # a signature is the most specific cue: in a digest of excerpts each quote is
            # signed below it, and the lines above belong to the previous excerpt
            signed = _signature(art, q)
            lead = _lead_in(art, q) if signed is None else []
            heading = _text_heading(art, lead)
            intro = _sentence_speaker(art, lead, q.pieces[0].start) \
                if lead and heading is None else None
            if signed is not None:
                q.speaker, q.cue = signed, "signature"
            elif heading is not None:
                q.speaker, q.source = heading
                q.cue = "introduced"
            elif intro is not None:
                q.speaker, q.cue = intro, "introduced"
            elif (also := _also_speaks_next(art, q)) is not None:
                q.speaker, q.cue = also, "also-next"
            elif (pointed := _quote_from_next(art, q)) is not None:
                q.speaker, q.cue = pointed, "pointed-back"
            elif prev is not None and (prev.speaker or prev.source) and \
                    q.para - prev.last_para <= 1:
                q.speaker, q.source, q.cue = prev.speaker, prev.source, "continuation"
        prev = q


# Verbs that, with "also", say the quote before was the subject's too ("Richards also spoke
# about…"), besides the reporting verbs.
_TALK_VERBS = frozenset("speak talk discuss".split())


def _also_speaks_next(art: ArticleTables, q: QuoteDraft) -> tuple[int, int, str] | None:
    """A paragraph that is all quote, with no cue, followed by one whose first sentence says
    someone "also" spoke: "“…”¶Richards also spoke about the case…" is Richards's."""
    doc = art.doc
    i = q.last_tok + 1
    if not _opens_paragraph(art, q) or i >= len(doc) or \
            not (doc[i].is_space and art.is_boundary(i)):
        return None  # the quote does not fill its paragraph
    while i < len(doc) and doc[i].is_space:
        i += 1
    for j in range(i, min(len(doc), i + 8)):
        tok = doc[j]
        if art.is_boundary(j) or art.quote_of[j] >= 0:
            return None
        verb = tok.head
        if tok.lower_ == "also" and tok.dep_ == "advmod" and \
                (is_reporting(verb) or verb.lemma_.lower() in _TALK_VERBS):
            subj = own_subject(art, verb)
            if subj is not None and subj.i < tok.i and name_label(art, subj) == "PERSON":
                return resolve(art, subj, q.pieces[0].start)
            return None
    return None


# Nouns by which the sentence after a quote points back at it ("That quote from X…").
_QUOTE_NOUNS = frozenset("quote line remark comment words statement quip".split())


def _quote_from_next(art: ArticleTables, q: QuoteDraft) -> tuple[int, int, str] | None:
    """A quote that opens its sentence, followed by one that begins by pointing back at it
    and naming its source: "“…” That quote from Alabama's securities commissioner, Thomas
    Krebs, appeared in 1980" is Krebs's."""
    doc = art.doc
    i = q.last_tok + 1
    while i < len(doc) and doc[i].is_space and not art.is_boundary(i):
        i += 1
    if i + 3 >= len(doc) or art.is_boundary(i) or doc[i].lower_ not in ("that", "this", "the") \
            or q.inner_end not in SENTENCE_END_CHARS:
        return None
    noun = doc[i + 1]
    if noun.lemma_.lower() not in _QUOTE_NOUNS:
        return None
    # the parse may hang "from …" on the verb ("That quote from X appeared"): right after
    # the noun, it is still the noun's
    preps = [c for c in noun.children] + [c for c in noun.head.children if c.i == noun.i + 1]
    for prep in preps:
        if prep.dep_ == "prep" and prep.lower_ in ("from", "by", "of"):
            for obj in prep.children:
                if obj.dep_ == "pobj" and art.quote_of[obj.i] < 0:
                    named = resolve(art, obj, q.pieces[0].start)
                    if named is not None and named[2] == "PERSON":
                        return named
    return None


def _opens_paragraph(art: ArticleTables, q: QuoteDraft) -> bool:
    i = q.first_tok - 1
    return i < 0 or (art.doc[i].is_space and "\n" in art.doc[i].text)


def _signature(art: ArticleTables, q: QuoteDraft) -> tuple[int, int, str] | None:
    """A quote that fills its paragraph, followed by a short paragraph that is a name
    ("- Bernie Sanders.", "Dean Baker, Center for Economic and Policy Research.", "-President
    Obama, tweeting after the speech."): a mention, or a word the article labels a name
    elsewhere ("- Sanders." where the NER missed it here). After a comma a participle may
    say how ("tweeting"), but a finite verb makes the paragraph a sentence."""
    n = len(art.doc)
    i = q.last_tok + 1
    if not _opens_paragraph(art, q) or not (
            i < n and art.doc[i].is_space and art.doc[i].text.count("\n") >= 2):
        return None
    i += 1
    while i < n and art.doc[i].text in DASHES:
        i += 1
    start = i
    while i + 1 < n and art.mention_of[i] < 0 and art.doc[i].text[:1].isupper() and \
            norm_title(art.doc[i].text) in ROLE_NOUNS:
        i += 1  # "-President Obama, tweeting…": a title before the name
    if i >= n or art.quote_of[i] >= 0:
        return None
    k = art.mention_of[i]
    if k >= 0:
        if art.mentions[k].label not in ("PERSON", "ORG"):
            return None
        span = art.mention_span(k)
    else:
        last = i
        while last < n and art.doc[last].text in art.name_labels and \
                art.doc[last].pos_ == "PROPN" and len(art.doc[last].text) > 2:
            last += 1
        if last == i:
            return None
        label = art.name_labels[art.doc[last - 1].text]
        span = (art.doc[i].idx, art.doc[last - 1].idx + len(art.doc[last - 1].text), label)
    j = i
    while j < n and not (art.doc[j].is_space and "\n" in art.doc[j].text):
        j += 1
    i = start
    if j - i > 16:
        return None
    comma = next((t for t in range(i, j) if art.doc[t].text == ","), j)
    for t in range(i, j):
        tok = art.doc[t]
        if tok.lower_ == "via" or (tok.pos_ in ("VERB", "AUX") and
                                   (t < comma or tok.tag_ not in ("VBG", "VBN"))):
            return None  # a sentence, not a signature
    return span


def _lead_in(art: ArticleTables, q: QuoteDraft) -> list[int]:
    """The sentence just before a quote that opens its sentence: its tokens, or [] when
    there is none in this or the previous paragraph, or when a quote is part of it."""
    i = q.first_tok - 1
    paras = 0
    while i >= 0 and art.doc[i].is_space:  # paragraph separators
        paras += "\n" in art.doc[i].text
        i -= 1
    if i < 0 or paras > 1 or art.quote_of[i] >= 0:
        return []
    if art.doc[i].text in SENTENCE_END_CHARS:
        i -= 1
    out = []
    while i >= 0 and not art.is_boundary(i):
        if art.quote_of[i] >= 0:
            return []
        out.append(i)
        i -= 1
    out.reverse()
    return out


def _text_heading(art: ArticleTables, lead: list[int]
                  ) -> tuple[tuple[int, int, str] | None, tuple[int, int] | None] | None:
    """A lead-in that is only a text's name and a colon ("Transcript as follows:", "The
    full statement:", "Partial transcript below:"): the quotes under it are that text's, so
    (speaker, source) is the name in it ("Trump's statement:") or else its words as an
    unnamed source. None when the lead-in is anything else."""
    words = [i for i in lead if not art.doc[i].is_space]
    if len(words) < 2 or art.doc[words[-1]].text != ":":
        return None
    words = words[:-1]
    if len(words) > 1 and art.doc[words[0]].pos_ == "ADP":
        words = words[1:]  # "From the report:"
    lows = [art.doc[i].lower_ for i in words]
    if lows[-2:] == ["as", "follows"]:
        words = words[:-2]
    elif lows[-1] in ("below", "follows"):
        words = words[:-1]
    if not words or len(words) > 6 or not names_a_text(art.doc[words[-1]].text) or \
            any(art.doc[i].pos_ == "AUX" or art.doc[i].tag_.startswith("VB") for i in words):
        return None  # ("Here is the transcript:", "Read the letter below:": a sentence)
    for i in words:
        k = art.mention_of[i]
        if k >= 0 and art.mentions[k].label in ("PERSON", "ORG"):
            return art.mention_span(k), None
    last = art.doc[words[-1]]
    return None, (art.doc[words[0]].idx, last.idx + len(last.text))


def _in_wh_clause(tok: Token) -> bool:
    """Is `tok` in a relative clause that a wh-word opens ("…, which included staff members
    suggesting")? (Not "as the Foundation's website notes", which the parse may also call
    a relative clause.)"""
    return any(a.dep_ == "relcl" and a.left_edge.lower_ in ("which", "who", "whom", "whose")
               for a in [tok, *tok.ancestors])


def _sentence_speaker(art: ArticleTables, window: list[int], before_char: int):
    """Who a sentence is about: its reporting verb's subject, else its main subject; a
    sentence that is a name and a colon ("Stated Stone:") is that name."""
    label = cue_colon_name(art, window, before_char)
    if label is not None:
        return resolve(art, label[1], before_char)
    # not a verb inside a relative clause: "the DNC issued a statement…, which included
    # staff members suggesting…" is about the DNC, not the staff members
    main_words = [i for i in window if not _in_wh_clause(art.doc[i])]
    cue = cue_in_window(art, main_words, prefer_last=False)
    if cue is not None:
        if cue[2] == "according-to":
            return resolve(art, cue[1], before_char)
        subj = own_subject(art, cue[0])
        if subj is not None and subj.lower_ in GROUP_PRONOUNS:
            return None  # "They also lie in..." is rarely who speaks next
        return speaker_of_verb(art, cue[0], before_char)
    lo, hi = (window[0], window[-1]) if window else (0, -1)
    for i in window:
        tok = art.doc[i]
        # the main clause's subject: its verb is the root, or hangs outside the sentence
        # (the parse can run over the paragraph end into the quote)
        if tok.dep_ in SUBJECT_DEPS and (tok.head.dep_ == "ROOT" or
                                         not lo <= tok.head.head.i <= hi):
            # without a reporting verb only a person or organisation named outright (or
            # he/she) is taken to lead into the quote, not "the Trump face" or "they"
            if art.mention_of[i] >= 0 or tok.lower_ in PERSON_PRONOUNS or \
                    tok.text in art.name_labels:
                return resolve(art, tok, before_char)
            return None
    return None


# --- policy --------------------------------------------------------------------------------


def _quote_text(text: str, q: QuoteDraft) -> str:
    return " ".join(text[p.inner_start:p.inner_end] for p in q.pieces)


def _is_title_case(words: list[str]) -> bool:
    content = [w for w in words if w.lower() not in TITLE_SMALL]
    # "I", "we", "you" say a quote is speech, but not capitalised inside a title ("Talk
    # Bernie to Me", "The Spy Who Shagged Me"); a quote's first word is capitalised anyway
    if not content or any(w.lower() in FIRST_SECOND_PERSON and
                          (k == 0 or w[:1].islower() or w.lower().startswith("i"))
                          for k, w in enumerate(words)):
        return False
    return sum(w[:1].isupper() for w in content) >= 0.8 * len(content) and words[0][:1].isupper()


def _names_a_work(art: ArticleTables, q: QuoteDraft) -> bool:
    """Does the quote stand where a name goes: right after a preposition, a determiner or a
    possessive ("on CNN’s “State of the Union,”", "the “Make America Great Again” hat")?"""
    i = q.first_tok - 1
    while i >= 0 and art.doc[i].is_space:
        i -= 1
    if i < 0:
        return False
    prev = art.doc[i]
    if prev.dep_ == "acl" and prev.tag_ == "VBN" and prev.lemma_.lower() in _NAMING_VERBS:
        return True  # "a play called “Los Hijos de Trump”": the participle names it
    if prev.pos_ == "NOUN" and prev.lemma_.lower() in WORK_NOUNS:
        return True  # "in his book “Backfire”"
    if prev.pos_ == "CCONJ" and i > 0 and art.quote_of[i - 1] >= 0:
        return True  # "starred in “Parks and Recreation” and “Guardians of the Galaxy”"
    return prev.pos_ in ("ADP", "DET", "PART", "PROPN", "ADJ") or prev.tag_ == "POS"


# Participles that give a thing its name ("a group called", "a book titled").
_NAMING_VERBS = frozenset(("call", "name", "title", "entitle", "dub", "label", "brand"))


# Cues that report words as said, for a quote in Title Case (see _is_speech).
_SPEECH_CUES = REPORTING_VERBS | {"according-to", "colon", "byline", "introduced"}


def _is_speech(art: ArticleTables, q: QuoteDraft, qtext: str) -> bool:
    """False for scare quotes and quoted titles that nobody is reported as saying."""
    words = WORD_RE.findall(qtext)
    short = len(words) <= 3 and len(q.pieces) == 1 and q.inner_end not in SENTENCE_END_CHARS
    if short and art.text[max(0, q.pieces[0].start - 12):q.pieces[0].start].lower().rstrip() \
            .endswith("so-called"):
        return False
    titled = len(q.pieces) == 1 and 2 <= len(words) <= 12 and _is_title_case(words)
    if titled and (not q.strong or _names_a_work(art, q)):
        return False
    # nor is one that no verb of speech reports: what someone "listed" or "loves" after a
    # colon, or a title sharing a sentence with a real quote, is a name, not words said (a
    # question or an exclamation is words spoken, however capitalised: “Mr. D’Souza?”)
    if titled and q.cue not in _SPEECH_CUES and q.inner_end not in ("?", "!"):
        return False
    if q.strong and (q.speaker is not None or not short):
        return True
    if short:
        starts_sentence = not any(
            not art.doc[i].is_punct for i in sentence_window(art, q, art.quote_of[q.first_tok], -1))
        if not starts_sentence:
            return False
    return True


def _without_possessive(text: str, sp: tuple[int, int, str] | None):
    """"Rubio’s" (as in "Rubio’s campaign said") → "Rubio": the speaker is the name."""
    if sp is not None and text[sp[1] - 2:sp[1]] in ("’s", "'s") and sp[1] - 2 > sp[0]:
        return (sp[0], sp[1] - 2, sp[2])
    return sp


def find_quotes(doc: Doc, mentions: Sequence[MentionFound]) -> tuple[QuoteFound, ...]:
    """Direct quotations in `doc` (an article's analysed text), each with its speaker."""
    columns = doc_columns(doc)
    found = _find_quotes(doc, mentions, columns)
    missed = _speakers_the_model_missed(found, mentions)
    if missed:
        # a speaker the NER saw no name in ("D’Souza replied, “…”") is a person the next
        # "he added" can mean: find the quotes again with them among the mentions
        found = _find_quotes(doc, sorted([*mentions, *missed], key=lambda m: m.span.start),
                             columns)
    return found


def _speakers_the_model_missed(found: Sequence[QuoteFound],
                               mentions: Sequence[MentionFound]) -> list[MentionFound]:
    """Speakers named by a word or two that no mention covers, as PERSON mentions. Longer
    runs are left out: an unlabelled "Right Wing Watch first reported" is more often a
    title than a person, and would take "he" from the person the story is about; so are
    capitals ("IOWA POLLS", a digest's heading)."""
    missed: dict[CharSpan, MentionFound] = {}
    for q in found:
        sp = q.speaker
        name = q.speaker_text or ""
        if sp is None or q.speaker_label != "PERSON" or sp in missed or \
                len(name.split()) > 2 or name.isupper() or \
                any(m.span.start < sp.end and sp.start < m.span.end for m in mentions):
            continue
        missed[sp] = MentionFound(sp, name, "PERSON")
    return list(missed.values())


def _find_quotes(doc: Doc, mentions: Sequence[MentionFound],
                 columns: tuple[str, list[list[int]]]) -> tuple[QuoteFound, ...]:
    art = ArticleTables(doc, mentions, columns)
    text = art.text
    paras = paragraphs(text)
    para_starts = [p[0] for p in paras]
    quotes: list[QuoteDraft] = []
    for pieces in _merge_broken(art, find_quote_pieces(text)):
        inner = text[pieces[-1].inner_start:pieces[-1].inner_end].rstrip(" ’'")
        q = QuoteDraft(pieces, art.tok_at(pieces[0].start), art.tok_at(pieces[-1].end - 1),
                   bisect_right(para_starts, pieces[0].start) - 1,
                   bisect_right(para_starts, pieces[-1].start) - 1, inner[-1:])
        for p in pieces:
            for i in range(art.tok_at(p.start), art.tok_at(p.end - 1) + 1):
                art.quote_of[i] = len(quotes)
        quotes.append(q)
    art.count_bounds()
    for qid, q in enumerate(quotes):
        _attribute(art, q, qid)
    _share_in_sentence(art, quotes)
    _continue_speakers(art, quotes)
    out = []
    for q in quotes:
        qtext = _quote_text(text, q)
        if not _is_speech(art, q, qtext):
            continue
        sp = _without_possessive(text, q.speaker)
        out.append(QuoteFound(
            pieces=tuple(CharSpan(p.start, p.end) for p in q.pieces),
            text=qtext,
            speaker=CharSpan(sp[0], sp[1]) if sp else None,
            speaker_text=text[sp[0]:sp[1]] if sp else None,
            speaker_label=sp[2] if sp else None,
            cue=q.cue if sp or q.strong else "",
            source_text=text[q.source[0]:q.source[1]] if q.source and not sp else None))
    return tuple(out)
