"""Direct quotations in an article and the speaker each one is attributed to.

`find_quotes(doc, mentions)` works on the article's analysed text (prose blocks joined with
BLOCK_SEPARATOR) and its spaCy Doc. It is a pure function of its inputs: every lookup table
lives in an `_Article` made per call.

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
  unbalanced mark never swallows the rest of the article.
* A clear opener met while a quote is still open means its closing mark is missing: the open
  quote ends just before it, rather than pairing across into the next quote.
* A quote broken by its attribution (“We are ready,” he said, “and we will act.”) is merged
  into one record with two pieces when the first part ends with a comma (or dash) and the
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
* a Title-Case phrase of 2-12 words with no I/we/you (a show, book, film or slogan:
  “Meet the Press”, “Make America Great Again”) is a title, not speech, unless a reporting
  verb, "according to" or a name and a colon attributes it (not a clause with some other
  verb: "listed his guilty pleasure: “Saturday Night Live”", nor a quote beside it in the
  sentence) and it does not stand where a name goes (after a preposition, a determiner or a
  possessive: "on CNN's “State of the Union,”"). A question or an exclamation needs no
  reporting verb: “Mr. D’Souza?” is words spoken.
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

The verb's subject becomes a *name span* (`_speaker_of_verb`, `_resolve`). The verb's own
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
  follows the name as a subject, outside quotes). they/it → the latest organisation mention.
* Climbing from a verb with no subject of its own ("adding", "explaining") skips the
  subject of a clause that a reporting verb reports: in "X said that Y “had…,” adding, “…”"
  (or "X said Y's defeat reminded him of…, adding") the one adding is X; so does a clause
  that sets the scene after the reporting verb ("X said after Y won, remarking that “…”"),
  unless it is simultaneous ("X asks as Y walks in, saying" is Y).
* A "subject" the parser gives as a preposition or punctuation ("Of Carson, Levine said")
  is no subject; the names next to the verb are looked at instead, passing over names
  inside a relative clause ("Doe, who gave money to Roe, said" is Doe).
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
  "The newspaper", "the network", "the campaign"... → the latest organisation mention.
* A role with "the" that the article gave nobody by name ("the Florida senator", "the New
  York businessman": head nouns in ROLE_NOUNS) is the person set beside it with a comma,
  however the parse hangs the two ("Jo Doe, the chair of the party, recalled"; "the chair
  of the party, Jo Doe, said"), else whom the story is about: the latest person, outside
  quotes, who is the subject of a sentence's main verb, named or he/she ("Marco Rubio spoke
  in Miami, where Trump leads. The Florida senator said…" is Rubio, not Trump).
* In the passive, a verb whose object is whom the words address or describe (ask, tell,
  call, accuse...: ADDRESSED_VERBS) has the speaker in its "by" phrase: "Brandt was asked by
  host Ivo Renner, “…”" is Renner, and "He was asked, “…”" names nobody. Such a verb counts
  only when the quote hangs on it directly: in "they are asked to rank…, and the group is
  less likely to be “…,” Hoover said" the climb goes on to "said".
* A participle with no subject anywhere ("Doe stated that the report “wasn't good.” Adding,
  “…”") is no cue of its own: the quote goes on with the previous speaker.
* A description that brings in someone new ("a", "an", "one", "another", "some", "several",
  a number: "said one Florida strategist", "a paper") never resolves to an earlier person or
  organisation; "a report from the ACLU" is the ACLU's ("from X" in the phrase), and so
  are a text by or in a named source: "a study by Peter Schott", "an editorial in the
  Register", "a court document filed by state attorney Jo Doe"; and a text someone put out
  is theirs: "Doe released a video that said", "the union issued a statement saying", "Doe
  wrote a letter asking" (`_issuer`).
* An unnamed member of a group is not the group (`_anonymous_member`): in an indefinite
  phrase like that, the group or name it contains is not the speaker either ("an Iowa
  Democrat", "a Republican senator", "one Labour MP", "two Republicans", "a Trump
  supporter", "a member of the party" → None), unless an apposition names the person ("a
  Republican senator, Jo Doe, said" → Jo Doe; "Iowa Democrat Jo Doe said" has no
  determiner and is Jo Doe anyway). A definite organisation still speaks ("the party said",
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
* a quote that opens its sentence takes the speaker of the sentence just before it, in the
  same or the previous paragraph, when that sentence has no quote in it: a name and a colon
  ("Stated Stone:¶“…”"), its reporting verb's subject or else its main subject ("Clinton
  touted her record. “…”", "Cruz continued:¶“…”") ("introduced");
* otherwise it continues the previous quote's speaker when that quote is in the same or the
  previous paragraph ("continuation").
Anything else stays unattributed.

Unnamed sources: when the cue's subject is an unnamed member of a group ("said a senior Cruz
adviser", "according to one intelligence source") or a group the text names only by what its
people are ("law enforcement sources said", "protesters interrupted her, shouting"), the
speaker stays None and `source_text` is the article's description of the source: the noun
phrase up to its noun, with the words after it that still describe it ("one Democrat familiar
with the talks"), never a clause ("a Mexican official", not "who was not authorized to
speak"; "an adviser to both senators", not ", who asked not to be named"). A quote that
shares the sentence or continues the words of such a source gets the same description.

`cue` is the reporting verb's lemma ("say", "tell", ...), or "according-to", "colon",
"subject", "same-sentence", "introduced", "continuation", "signature"; "" when nothing
attributes the quote. A verb cue with speaker None means the text names nobody ("a source
said").
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

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from typing import Sequence

from spacy.attrs import IDX, IS_SPACE, LENGTH, ORTH
from spacy.tokens import Doc, Token

from .quote_marks import QuotePiece, find_quote_pieces, paragraphs
from .records import BLOCK_SEPARATOR, CharSpan, MentionFound, QuoteFound

_SENTENCE_END_CHARS = frozenset(".!?")

# --- lexicons ------------------------------------------------------------------------------

# Lemmas of verbs that report speech or writing. Broad on purpose: a verb only counts when
# it governs the quote in the parse or stands in the quote's own sentence.
REPORTING_VERBS = frozenset("""
say tell add explain note write state declare announce claim argue insist warn ask answer
reply respond continue conclude admit acknowledge concede confirm deny suggest recall remark
observe comment mention point stress emphasize emphasise assert contend maintain predict
promise vow pledge urge boast brag joke quip complain lament tweet post report quote cite
describe call put shout yell scream cry whisper mutter proclaim testify counter retort charge
accuse allege opine muse wonder speculate reason caution advise recommend demand plead beg
reiterate repeat agree disagree confess reveal disclose indicate hint imply read begin offer
chime interject exclaim scoff laugh sigh thunder blast slam criticize criticise praise
applaud hail attack mock assure remind inform query question posit elaborate clarify
summarize summarise tout dub label term brand characterize characterise recount relate sum
lash rail estimate believe think feel chant sing pronounce order instruct worry fret
""".split())

# Verbs that report a retort with "back" after them: "shot back", "fired back", "hit back".
RETORT_VERBS = frozenset("shoot fire hit strike snap push".split())
SUBJECT_DEPS = frozenset(("nsubj", "nsubjpass", "csubj"))
# dependents that start a clause inside a noun phrase: "an aide, who asked not to be named"
CLAUSE_DEPS = frozenset(("relcl", "acl", "advcl", "appos", "ccomp"))
# Reporting verbs that never come before their subject: the name after them is whom they
# address or describe ("told AFP", "called Smith “a liar”"), never the speaker, unlike
# "said Smith" or "asked Smith".
NOT_INVERTED_VERBS = frozenset("""
tell inform call describe dub label term brand characterize characterise praise criticize
criticise attack accuse blast slam mock hail applaud urge remind assure thank
""".split())
# Reporting verbs whose object is whom the words are addressed to or about: in the passive
# ("was asked", "was told", "was called"), their subject is that person, not the speaker.
ASKING_VERBS = frozenset("ask question quiz press".split())
ADDRESSED_VERBS = NOT_INVERTED_VERBS | ASKING_VERBS
# Determiners and quantifiers of a noun phrase that brings in someone new ("a New Hampshire
# Republican said", "one strategist said", "several Democrats said"; a number counts too:
# "two Republicans said"): such a phrase never refers back to a named person or group, and
# a group or name inside it is not the speaker either: "an Iowa Democrat" is one unnamed
# member of the party, "a Trump supporter" is not Trump.
INDEFINITE_DETS = frozenset("a an another one some several many few most each".split())
# Mention labels that can speak, and the speaker_label they get: a country or a group
# speaking is an organisation for our purposes ("Russia said", "Republicans argued").
SPEAKER_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "NORP": "ORG"}
# A place never speaks: "New Hampshire", a dateline ("LONDON (Reuters) -"), "(R-OH)". A
# subject that is a place names nobody, and the search goes on to the next candidate.
PLACE_LABELS = frozenset(("GPE", "LOC", "FAC"))
PERSON_PRONOUNS = frozenset("he she him her".split())
GROUP_PRONOUNS = frozenset("they it".split())
# Head nouns of descriptions that stand for an organisation ("the newspaper said").
ORG_NOUNS = frozenset("""
newspaper paper network agency company campaign committee group organization organisation
magazine outlet station channel website site publication ministry department office
administration government party union association institute council board firm bank court
team daily tabloid broadcaster service corporation
""".split())
# Head nouns of descriptions that stand for a person by their role ("the Florida senator",
# "the New York businessman"): with "the", they refer back to someone already named.
ROLE_NOUNS = frozenset("""
senator governor president congressman congresswoman representative lawmaker mayor candidate
nominee businessman businesswoman billionaire mogul secretary minister chancellor
chairman chairwoman leader speaker ambassador director executive founder host anchor
commentator columnist pastor judge justice general admiral officer prosecutor attorney
""".split())
# Nouns whose "for X" / "of X" names whom they speak for ("a spokesman for Sanders").
SPOKES_NOUNS = frozenset("""
spokesman spokeswoman spokesperson representative campaign office spokespeople
""".split())
# Of those, the ones that speak for someone even when indefinite ("a Clinton spokesman said"
# is Clinton's statement; "a Republican representative" needs "for": "a representative for").
SPOKESPEOPLE = frozenset("spokesman spokeswoman spokesperson spokespeople".split())
# Nouns for a text or a finding, not a person: "a Gallup poll", "a ministry readout", "a
# Senate staff report" are their author's, however indefinite.
DOCUMENT_NOUNS = frozenset("""
report statement poll survey readout account release memo letter study analysis filing
transcript email tweet post article editorial story investigation review document paper
ad advertisement commercial opinion ruling complaint lawsuit book column blog video message
""".split())
# Verbs by which someone puts out a document ("issued a statement saying"): its words are theirs.
ISSUING_VERBS = frozenset("""
issue release publish post send put air run circulate distribute file sign unveil launch
write
""".split())
# Abbreviated titles, so "Sen. Bernie Sanders" resolves "the senator".
TITLE_ABBREV = {"sen.": "senator", "sen": "senator", "rep.": "representative",
                "gov.": "governor", "gen.": "general", "pres.": "president", "sec.": "secretary",
                "lt.": "lieutenant", "col.": "colonel", "amb.": "ambassador", "adm.": "admiral",
                "atty.": "attorney", "supt.": "superintendent", "dr.": "doctor"}
# Function words a Title-Case title may leave in lower case.
_TITLE_SMALL = frozenset("a an the of and or but for nor on in at to by with from as is are vs"
                         " via de la le del du".split())
# Abbreviated titles whose point the tokenizer may split off ("Capt", "."): that point
# never ends a sentence before a name.
_TITLE_ABBREVIATIONS = frozenset("""
capt sgt maj cpl pvt lt col gen adm cmdr gov sen rep rev dr prof mr mrs ms atty supt amb
""".split())
_FIRST_SECOND_PERSON = frozenset("i i'm i’m we we're we’re you you're you’re me my our us".split())
_WORD_RE = re.compile(r"[^\W\d_][\w'’.-]*")

_MALE_PRONOUNS = frozenset("he him his himself".split())
_FEMALE_PRONOUNS = frozenset("she her hers herself".split())
_MALE_HONORIFICS = frozenset(("mr.", "mr", "sir"))
_FEMALE_HONORIFICS = frozenset(("mrs.", "mrs", "ms.", "ms", "miss", "madam", "lady"))
_SENT_END = frozenset((".", "!", "?"))
_MAX_WINDOW = 40  # tokens looked at on each side of a quote
_MAX_CLIMB = 8  # how far up the parse a quote's governing verb is looked for


# --- per-call tables -----------------------------------------------------------------------


@dataclass
class _Quote:
    pieces: list[QuotePiece]
    first_tok: int  # the opening mark of the first piece
    last_tok: int  # the closing mark (or last token) of the last piece
    para: int  # paragraph of the first piece
    last_para: int  # paragraph of the last piece
    inner_end: str  # the last character inside the quote (",", ".", ...)
    speaker: tuple[int, int, str] | None = None  # (start, end, label)
    cue: str = ""
    strong: bool = False  # attributed by a cue in its own sentence (verb, according to...)
    source: tuple[int, int] | None = None  # how the text describes an unnamed speaker


class _Article:
    """Lookup tables over one Doc, built once per `find_quotes` call."""

    def __init__(self, doc: Doc, mentions: Sequence[MentionFound]):
        self.doc = doc
        self.text = text = doc.text  # Doc.text is rebuilt on every access: read it once
        # token columns as plain lists: creating Token objects is the slow part of spaCy's
        # Python API, so per-token tests below work on these instead
        cols = doc.to_array([IDX, LENGTH, IS_SPACE, ORTH]).tolist() if len(doc) else []
        self.starts = [c[0] for c in cols]
        ends = frozenset(doc.vocab.strings[p] for p in _SENT_END)
        self.boundary = [c[3] in ends or (c[2] == 1 and "\n" in text[c[0]:c[0] + c[1]])
                         for c in cols]
        n = len(doc)
        for i in range(n - 1):
            # a split-off abbreviation point ("(Tex.) has said", "Jr., who") ends nothing
            if self.boundary[i] and cols[i][2] == 0:
                nxt = text[cols[i + 1][0]]
                if nxt in "),;:" or nxt.islower():
                    self.boundary[i] = False
                elif i > 0 and cols[i - 1][0] + cols[i - 1][1] == cols[i][0] and \
                        text[cols[i - 1][0]:cols[i][0]].lower() in _TITLE_ABBREVIATIONS:
                    self.boundary[i] = False  # "said Army Capt. Jo Doe": a title, not an end
        self.quote_of = [-1] * n  # index of the quote a token belongs to
        # the NER often labels a repeated surname a place ("Vladeck said" after "Stephen
        # Vladeck"): a one-word place mention that is the surname of a person is that person
        surnames = {m.text.split()[-1] for m in mentions
                    if m.label == "PERSON" and len(m.text.split()) > 1}
        mentions = [replace(m, label="PERSON") if m.label in PLACE_LABELS and m.text in surnames
                    else m for m in mentions]
        self.mentions = sorted((m for m in mentions if m.label in SPEAKER_LABELS),
                               key=lambda m: m.span.start)
        self.mention_starts = [m.span.start for m in self.mentions]
        self.mention_of = [-1] * n
        self.is_place = [False] * n
        for m in mentions:
            if m.label in PLACE_LABELS:
                for i in range(self.tok_at(m.span.start), n):
                    if self.starts[i] >= m.span.end:
                        break
                    self.is_place[i] = True
        for k, m in enumerate(self.mentions):
            for i in range(self.tok_at(m.span.start), n):
                if self.starts[i] >= m.span.end:
                    break
                self.mention_of[i] = k
        self._titles: dict[int, frozenset[str]] = {}
        # the unnamed member ("a senior aide") the last _speaker_of_verb stopped at, if any
        self.unnamed_subject: Token | None = None
        self._genders: dict[str, str] | None = None
        # every word of a PERSON/ORG name, so an unlabelled repeat can be recognised
        self.name_labels: dict[str, str] = {}
        for m in self.mentions:
            if m.label in ("PERSON", "ORG"):
                for w in m.text.split():
                    if w[:1].isupper() and w.lower() not in _TITLE_SMALL:
                        self.name_labels.setdefault(w, m.label)

    def tok_at(self, char: int) -> int:
        """The token containing `char` (or the next one, if `char` is in whitespace)."""
        i = bisect_right(self.starts, char) - 1
        if i < 0:
            return 0
        tok = self.doc[i]
        if char >= tok.idx + len(tok.text) and i + 1 < len(self.doc):
            return i + 1
        return i

    def is_boundary(self, i: int) -> bool:
        """Does token i end a sentence (. ! ?) or a paragraph?"""
        return self.boundary[i]

    def count_bounds(self) -> None:
        """bounds_before[i]: how many sentence or paragraph ends (outside quotes) precede
        token i, so "same sentence?" is one comparison. Needs `quote_of` filled."""
        acc = 0
        out = [0] * (len(self.doc) + 1)
        for i in range(len(self.doc)):
            out[i] = acc
            if self.quote_of[i] < 0 and self.boundary[i]:
                acc += 1
        out[len(self.doc)] = acc
        self.bounds_before = out

    def gender_of(self, name: str) -> str:
        """"m", "f" or "" for a person (by the last word of the name), from the article
        itself: an honorific before the name (Mr., Mrs., Ms.), or the pronouns that follow
        the name as a subject (the next he/his/him or she/her within a few words)."""
        if self._genders is None:
            self._genders = self._collect_genders()
        words = name.split()
        return self._genders.get(words[-1], "") if words else ""

    def _collect_genders(self) -> dict[str, str]:
        votes: dict[str, list[int]] = {}
        doc, n = self.doc, len(self.doc)
        for m in self.mentions:
            if m.label != "PERSON" or not m.text.split():
                continue
            last = m.text.split()[-1]
            first = self.tok_at(m.span.start)
            end = self.tok_at(m.span.end - 1)
            v = votes.setdefault(last, [0, 0])
            prev = doc[first - 1].lower_ if first > 0 else ""
            if prev in _MALE_HONORIFICS:
                v[0] += 2
            elif prev in _FEMALE_HONORIFICS:
                v[1] += 2
            if doc[end].dep_ not in SUBJECT_DEPS:
                continue
            for i in range(end + 1, min(n, end + 16)):
                if self.quote_of[i] >= 0:
                    continue  # "Kunin said. “His demeanor…”": a pronoun in a quote is not hers
                low = doc[i].lower_
                if low in _MALE_PRONOUNS:
                    v[0] += 1
                    break
                if low in _FEMALE_PRONOUNS:
                    v[1] += 1
                    break
                if self.mention_of[i] >= 0 and self.mentions[self.mention_of[i]].label == "PERSON":
                    break  # another person: the pronoun may be theirs
        return {w: ("m" if a > b else "f" if b > a else "") for w, (a, b) in votes.items()}

    def same_sentence(self, a: int, b: int) -> bool:
        """No sentence or paragraph end strictly between tokens a and b."""
        if a > b:
            a, b = b, a
        return b - a < 2 or self.bounds_before[b] == self.bounds_before[a + 1]

    def mention_span(self, k: int) -> tuple[int, int, str]:
        m = self.mentions[k]
        return (m.span.start, m.span.end, SPEAKER_LABELS[m.label])

    def titles(self, k: int) -> frozenset[str]:
        """Lower-cased description words of mention k: its `title` plus the compounds,
        modifiers and appositions the parse hangs on the name."""
        got = self._titles.get(k)
        if got is None:
            got = self._titles[k] = frozenset(self._title_words(k))
        return got

    def _title_words(self, k: int) -> set[str]:
        m = self.mentions[k]
        words = {_norm_title(w) for w in m.title.split()}
        root = self.doc[self.tok_at(m.span.end - 1)]
        first = self.tok_at(m.span.start)
        for child in root.children:
            if first <= child.i <= root.i:
                continue
            if child.dep_ in ("compound", "amod", "nmod") and child.i < root.i:
                words.update(_norm_title(t.text) for t in child.subtree)
            elif child.dep_ == "appos":  # "Mark Rutte, the NATO chief,"
                words.update(_norm_title(t.text) for t in child.subtree if t.i - child.i < 6)
        if root.dep_ == "appos":  # "the NATO chief, Mark Rutte"
            words.add(_norm_title(root.head.text))
            words.update(_norm_title(t.text) for t in root.head.lefts)
        words.discard("")
        return words


def _norm_title(word: str) -> str:
    w = word.lower()
    return TITLE_ABBREV.get(w, w.rstrip("."))


# --- broken quotes -------------------------------------------------------------------------


def _merge_broken(art: _Article, raw: list[list[QuotePiece]]) -> list[list[QuotePiece]]:
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


def _is_broken_pair(art: _Article, first: QuotePiece, second: QuotePiece) -> bool:
    text = art.text
    if text[first.inner_end - 1:first.inner_end] not in (",", "—", "–"):
        return False
    gap = text[first.end:second.start]
    if len(gap) > 120 or not gap.rstrip().endswith(",") or "\n" in gap:
        return False
    a, b = art.tok_at(first.end), art.tok_at(second.start)
    toks = art.doc[a:b]
    if any(t.text in _SENT_END for t in toks):
        return False
    return any(_is_reporting(t) for t in toks)


# --- attribution ---------------------------------------------------------------------------


def _is_reporting(tok: Token) -> bool:
    if not (tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")):
        return False
    lemma = tok.lemma_.lower()
    # "“…,” Trump shot back": a retort, but only with its "back" ("fired the aide" is not)
    return lemma in REPORTING_VERBS or (lemma in RETORT_VERBS and any(
        c.dep_ in ("prt", "advmod") and c.lower_ == "back" for c in tok.children))


def _own_subject(art: _Article, tok: Token) -> Token | None:
    """A verb's own subject. Words inside quotes are never the subject (the parser often
    hangs the quote's own subject on the reporting verb), nor words across a sentence or
    paragraph end (spaCy's sentences can run over "\n\n")."""
    found = [child for child in tok.children
             if child.dep_ in SUBJECT_DEPS and art.quote_of[child.i] < 0 and
             art.same_sentence(child.i, tok.i) and child.pos_ not in _NOT_SUBJECT_POS]
    if len(found) > 1:
        # two subjects is a parse that split a title from its name ("said Army Capt. Jo
        # Doe" → "Capt", "Doe"): the person is the subject; else the one nearest the verb
        # (in "Nothing the president said “…,” the senator said" the parse gives the last
        # "said" both "Nothing" and "senator")
        people = [c for c in found if _name_label(art, c) == "PERSON"]
        return people[-1] if people else min(found, key=lambda c: abs(c.i - tok.i))
    return found[0] if found else None


# A "subject" with one of these tags is a parse error ("Of Carson, Levine said": "Of"), and
# the verb is treated as having none (the name next to it is then looked for).
_NOT_SUBJECT_POS = frozenset(("ADP", "PUNCT", "CCONJ", "SCONJ", "PART", "SPACE"))


def _subject_of(art: _Article, verb: Token) -> Token | None:
    """The subject of a reporting verb, climbing through conjunctions, clauses and control
    verbs ("went on to say", "said and added", "before claiming")."""
    tok = verb
    for _ in range(5):
        subj = _own_subject(art, tok)
        if subj is not None:
            return subj
        if tok.dep_ == "relcl" or _describes_document(tok):
            return tok.head  # "Smith, who said", "a statement saying": what the clause describes
        if tok.dep_ in ("ROOT", "parataxis") or tok.head.i == tok.i or \
                not art.same_sentence(tok.i, tok.head.i):
            break
        tok = tok.head
    near = _adjacent_names(art, verb)
    return near[0] if near else None


def _speaker_of_verb(art: _Article, verb: Token, before_char: int) -> tuple[int, int, str] | None:
    """Resolve the subject of a reporting verb. The verb's own subject decides (even when it
    names nobody: "a White House official said"); a subject reached by climbing to another
    verb only counts if it resolves, else the climb goes on ("X said the move was made by
    Y and said “…”", where the parser hangs the second "said" on "made")."""
    art.unnamed_subject = None
    if _addressed_in_passive(verb):
        # "Sanders was asked by host Bill Maher, “…”": the one asked is not who speaks; the
        # agent is, and without one nobody named is ("Trump was asked, “…”")
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
        return _resolve(art, pobj, before_char)
    tok = verb
    described = None  # a subject met that describes someone it does not name
    for step in range(6):
        subj = _own_subject(art, tok)
        if step > 0 and _reported_clause(tok) and tok.head.i < tok.i and \
                art.same_sentence(tok.i, tok.head.i):
            subj = None  # "Trump said that Romney had “…,” adding": not Romney's adding
        if subj is not None:
            if described is None and subj.pos_ == "NOUN":
                described = subj
            speaker = _resolve(art, subj, before_char)
            unnamed = speaker is None and _anonymous_member(art, subj) is not None
            if unnamed or (speaker is None and art.unnamed_subject is None and
                           _unnamed_group(art, subj) is not None):
                art.unnamed_subject = subj  # for the quote's source (see _unnamed_source)
            # an unnamed member stops the climb only as the subject of a reporting verb ("a
            # senior official said, adding"): "denied that a shakeup is coming, explaining"
            # is still the denier's explaining
            if speaker is not None or step == 0 or (unnamed and _is_reporting(tok)):
                return speaker
        if tok.dep_ == "relcl":
            return _resolve(art, tok.head, before_char)
        if _describes_document(tok):
            # "issued a statement saying": the statement's issuer, else on up ("wrote a
            # letter asking…", "revised her statement explaining…": who wrote or revised it)
            speaker = _resolve(art, tok.head, before_char)
            if speaker is not None:
                return speaker
        if tok.head.i == tok.i or not art.same_sentence(tok.i, tok.head.i):
            break
        tok = tok.head
    if described is not None:
        # "The editor I spoke to, Tim Grieve, cut in to announce": the name set beside it;
        # "Clinton’s right-hand woman rallied…, saying": nobody named, not a name nearby
        return _name_beside(art, described)
    for tok in _adjacent_names(art, verb):
        speaker = _resolve(art, tok, before_char)
        if speaker is not None or _anonymous_member(art, tok) is not None:
            return speaker  # the nearest is an unnamed member ("a White House official")
    return None


def _describes_document(verb: Token) -> bool:
    """"a statement saying", "an ad claiming": a participle describing a text, whose words
    the text is."""
    return verb.dep_ == "acl" and verb.tag_ == "VBG" and \
        _norm_title(verb.head.text) in DOCUMENT_NOUNS


def _addressed_in_passive(verb: Token) -> bool:
    """"was asked", "was told", "was called": the subject is whom the words address."""
    return verb.lemma_.lower() in ADDRESSED_VERBS and \
        any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _asked_or_agent(verb: Token) -> bool:
    """A passive that still reports words as said: a question put to someone ("was asked,
    “…?”"), or any such verb with its agent ("was called “a liar” by Roe")."""
    return verb.lemma_.lower() in ASKING_VERBS or any(c.dep_ == "agent" for c in verb.children)


def _reported_clause(tok: Token) -> bool:
    """Is `tok` the verb of what a reporting verb reports ("said that Romney had…", "said
    Clinton's defeat reminded him of…"), or of a clause that sets the scene for a reporting
    verb before it ("Doe said after Roe won, remarking that…": the one remarking is Doe)?"""
    if not _is_reporting(tok.head):
        return False
    if tok.dep_ == "ccomp":
        return True
    # "as Roe walks in, saying…" / "while Roe…, saying": the one in the clause does both
    return tok.dep_ == "advcl" and tok.head.i < tok.i and \
        not any(c.dep_ == "mark" and c.lower_ in ("as", "while") for c in tok.children)


def _adjacent_names(art: _Article, verb: Token) -> list[Token]:
    """When the parse gives the verb no usable subject, candidates nearest first: the last
    word of the proper-noun run right after the verb ("said Oversight ranking Democrat
    Elijah Cummings"), then, before the verb in its sentence, words parsed as some clause's
    subject ("Sanders, meanwhile, who sits at zero endorsements, said"), then names."""
    out = []
    n = len(art.doc)
    i, run = verb.i + 1, None
    if verb.lemma_.lower() in NOT_INVERTED_VERBS:
        i = n  # "told AFP", "called Braynard": the name after the verb is not the speaker
    while i < n and i - verb.i <= 8 and art.quote_of[i] < 0 and not art.is_boundary(i):
        tok = art.doc[i]
        if art.mention_of[i] < 0 and (art.is_place[i] or tok.ent_type_ in PLACE_LABELS):
            if run is not None:
                break
        elif (tok.pos_ == "PROPN" and tok.ent_type_ in ("", "PERSON", "ORG", "NORP")) \
                or art.mention_of[i] >= 0 or tok.text in art.name_labels:
            run = tok
        elif run is not None or tok.pos_ in ("AUX", "PUNCT", "ADP", "SCONJ", "PRON") or \
                (tok.pos_ == "VERB" and tok.dep_ != "amod"):
            break  # ("said retired neurosurgeon Ben Carson": modifiers before the name)
        i += 1
    if run is not None:
        out.append(run)
    names = []
    i = verb.i - 1
    while i >= 0 and verb.i - i <= 20 and not art.is_boundary(i):
        tok = art.doc[i]
        if art.quote_of[i] < 0 and not _in_relative_clause(tok, verb):
            if tok.dep_ in SUBJECT_DEPS and tok.lower_ not in ("who", "that", "which"):
                out.append(tok)
            elif art.mention_of[i] >= 0 or (i == verb.i - 1 and (
                    tok.text in art.name_labels or _capital_after_quote(art, tok))):
                # a name, or a word the NER labels a name elsewhere right before the verb
                # ("“…,” Trump barked" with "Trump" unlabelled here)
                names.append(tok)
        i -= 1
    # a name that only modifies another name's apposition is not the speaker: "Gene
    # Sperling, a Clinton adviser, said" and "Jo Doe, founder of the Center, said" are
    # Sperling and Doe
    at = {t.i for t in names}
    return out + [t for t in names if not _inside_apposition(art, t, at)]


_WH_WORDS = frozenset("who whom whose which".split())
_RELATIVE_PRONOUNS = frozenset("which that who whom".split())


def _in_relative_clause(tok: Token, verb: Token) -> bool:
    """Is `tok` inside a relative clause that ends before `verb` ("Levine, who has given
    money to Rubio, said": Rubio is not who said it)?"""
    for a in tok.ancestors:
        if a.i == verb.i:
            return False
        if a.dep_ == "relcl" and a.i < verb.i:
            first = a.left_edge
            return first.lower_ in _WH_WORDS and first.i > 0 and \
                first.nbor(-1).text == "," and a.head.i < first.i
    return False


def _inside_apposition(art: _Article, tok: Token, names: set[int]) -> bool:
    k = art.mention_of[tok.i]
    while tok.dep_ == "compound" and art.mention_of[tok.head.i] == k >= 0:
        tok = tok.head  # the name's own head word
    if tok.dep_ not in ("compound", "poss", "pobj"):
        return False
    appos = False
    for a in tok.ancestors:
        if a.i in names:
            return appos
        appos = appos or a.dep_ == "appos"
    return False


def _top_tokens(art: _Article, q: _Quote, qid: int) -> list[Token]:
    """The quote's words whose syntactic head lies outside the quote."""
    out = []
    for p in q.pieces:
        last = art.tok_at(max(p.inner_start, p.inner_end - 1))
        for i in range(art.tok_at(p.inner_start), last + 1):
            tok = art.doc[i]
            if art.quote_of[tok.head.i] != qid and not tok.is_punct:
                out.append(tok)
    return out


def _in_quote_sentence(art: _Article, q: _Quote, i: int) -> bool:
    """Is token i in the quote's own sentence (no sentence or paragraph end between)?"""
    if i < q.first_tok:
        return art.bounds_before[q.first_tok] == art.bounds_before[i + 1]
    if i > q.last_tok:
        return art.bounds_before[i] == art.bounds_before[q.last_tok + 1]
    return True


def _cue_from_tree(art: _Article, q: _Quote, qid: int):
    """The first reporting verb governing the quote in the parse, and its subject."""
    for top in _top_tokens(art, q, qid):
        tok = top.head
        for _ in range(_MAX_CLIMB):
            if not _in_quote_sentence(art, q, tok.i):
                break
            # not a relative clause before the quote: in "Nothing the president said “will
            # help,” the senator said" the parse hangs the quote on the clause
            # nor "they are asked to rank…, and the group is less likely to be “…,” Hoover
            # said": the one asked is no speaker unless the quote is what was asked; and
            # what someone "was branded" or "was called" by nobody named is the reporter's
            # to tell ("Guccifer 2.0 was branded “in homage to” Lazar, Song wrote")
            if art.quote_of[tok.i] < 0 and _is_reporting(tok) and \
                    not (tok.dep_ == "relcl" and tok.i < q.first_tok) and \
                    not (_addressed_in_passive(tok) and
                         (tok.i != top.head.i or not _asked_or_agent(tok))):
                subj = _subject_of(art, tok)
                if subj is not None:
                    return _outer_reporter(art, q, tok, subj)
            if tok.head.i == tok.i:
                break
            tok = tok.head
    return None


def _outer_reporter(art: _Article, q: _Quote, verb: Token, subj: Token):
    """The reporting verb that vouches for the quote: when the verb governing it is inside
    what another reporting verb reports ("Doe said she is sure Roe will continue to be
    “…”", "Doe said Roe begged him and “…”"), the outer one's subject is the source."""
    best = (verb, subj, verb.lemma_.lower())
    if verb.i > q.first_tok:
        return best  # "Doe said: “…,” the Ledger reported": not a clause inside another
    tok = verb
    for _ in range(_MAX_CLIMB):
        if tok.head.i == tok.i or tok.dep_ not in _REPORTED_DEPS:
            break
        tok = tok.head
        if not _in_quote_sentence(art, q, tok.i) or art.quote_of[tok.i] >= 0:
            break
        if _is_reporting(tok) and tok.i < verb.i:
            outer = _own_subject(art, tok)
            if outer is not None:
                best = (tok, outer, tok.lemma_.lower())
    return best


# Dependencies that lead from a clause up to the verb that reports it ("said [she is sure
# [Roe will continue]]"): complements only. A coordinated or adverbial verb ("Roe says…
# and Doe says", "Doe tweeted after Roe argued") is a report of its own.
_REPORTED_DEPS = frozenset(("ccomp", "xcomp", "acomp"))


def _window(art: _Article, q: _Quote, qid: int, step: int) -> list[int]:
    """Tokens before (step -1) or after (step 1) the quote up to the sentence edge. Other
    quotes in the same sentence are skipped over; one ending with . ! ? ends the window."""
    out = []
    n = len(art.doc)
    i = (q.first_tok - 1) if step < 0 else (q.last_tok + 1)
    while 0 <= i < n and len(out) < _MAX_WINDOW:
        other = art.quote_of[i]
        if other >= 0:
            if other == qid:
                break
            j = i
            while 0 <= j + step < n and art.quote_of[j + step] == other:
                j += step
            inner = art.doc[j if step < 0 else i: (i if step < 0 else j) + 1].text.rstrip(" ”\"")
            if inner[-1:] in _SENTENCE_END_CHARS:
                break
            i = j + step
            continue
        if art.is_boundary(i):
            break
        out.append(i)
        i += step
    if step < 0:
        out.reverse()
    return out


def _between(art: _Article, q: _Quote) -> list[int]:
    out = []
    for p, nxt in zip(q.pieces, q.pieces[1:]):
        a, b = art.tok_at(p.end), art.tok_at(nxt.start)
        out.extend(i for i in range(a, b) if art.quote_of[i] < 0 and not art.doc[i].is_space)
    return out


def _cue_in_window(art: _Article, window: list[int], prefer_last: bool):
    """A reporting verb (or "according to") in a window of tokens, and its subject."""
    for i in (reversed(window) if prefer_last else window):
        tok = art.doc[i]
        if tok.lower_ == "according" and i + 1 < len(art.doc) and art.doc[i + 1].lower_ == "to":
            obj = next((c for c in art.doc[i + 1].children if c.dep_ == "pobj"), None)
            if obj is None and i + 2 < len(art.doc):
                obj = art.doc[i + 2]
            return tok, obj, "according-to"
        if _is_reporting(tok):
            return tok, _subject_of(art, tok), tok.lemma_.lower()
    return None


def _according_to(art: _Article, window: list[int]):
    """An "according to X" in the quote's sentence, as a cue."""
    for i in window:
        if art.doc[i].lower_ == "according" and i + 1 < len(art.doc) and \
                art.doc[i + 1].lower_ == "to":
            cue = _cue_in_window(art, [i], prefer_last=False)
            if cue is not None and cue[1] is not None:
                return cue
    return None


def _outer_report(art: _Article, q: _Quote, after: list[int], cue):
    """"“…,” said Jo Doe, reports the Ledger." / "“…,” Doe said, the Ledger reported.": a
    publication reporting the attributed quote is the outer source, as "according to" is.
    Not after a quote that ends its sentence ("“….” Her move was reported by the Ledger")."""
    if cue is None or cue[2] in ("according-to", "colon", "byline") or \
            q.inner_end in _SENTENCE_END_CHARS:
        return None
    for i in after:
        tok = art.doc[i]
        if i <= cue[0].i or tok.lemma_.lower() != "report" or tok.pos_ != "VERB":
            continue
        # "said Jo Doe, reports the Ledger" may be parsed with both names as its subjects:
        # the one after the verb is the publication
        inverted = [c for c in tok.children if c.dep_ == "nsubj" and c.i > i]
        subj = inverted[0] if inverted else _own_subject(art, tok)
        if subj is not None and subj.dep_ != "nsubj":
            return None  # "was reported by": what is reported, not who reports it
        if subj is None and i + 1 < len(art.doc) and art.mention_of[i + 1] >= 0:
            # "reports USA Today": the parse rarely makes the name the subject
            k = art.mention_of[i + 1]
            subj = art.doc[art.tok_at(art.mentions[k].span.end - 1)]
        if subj is not None:
            return tok, subj, "according-to"
    return None


def _resolve_source(art: _Article, tok: Token | None, before_char: int):
    """Whom "according to X" names: as `_resolve`, and also a title with an article that
    the NER missed ("according to The Blaze"): a capitalised proper noun, not a place."""
    found = _resolve(art, tok, before_char)
    if found is None and tok is not None and tok.pos_ == "PROPN" and tok.text[:1].isupper() \
            and not _is_place(art, tok) and art.quote_of[tok.i] < 0:
        return _name_run(tok, "ORG")
    return found


def _sentence_subject(art: _Article, q: _Quote, qid: int, before: list[int]) -> Token | None:
    """For a quote inside a sentence with no reporting verb: the subject of the clause that
    governs the quote ("Obama called the plan “a disaster”")."""
    for top in _top_tokens(art, q, qid):
        tok = top.head
        for _ in range(_MAX_CLIMB):
            if not _in_quote_sentence(art, q, tok.i):
                break
            if art.quote_of[tok.i] < 0:
                for child in tok.children:
                    if child.dep_ in SUBJECT_DEPS and art.quote_of[child.i] < 0 and \
                            child.i < q.first_tok:
                        return child
            if tok.head.i == tok.i:
                break
            tok = tok.head
    for i in reversed(before):
        if art.doc[i].dep_ in SUBJECT_DEPS:
            return art.doc[i]
    return None


def _resolve(art: _Article, subj: Token | None, before_char: int) -> tuple[int, int, str] | None:
    """The name a subject stands for: itself, a name inside its noun phrase, or the person /
    organisation a pronoun or description refers to."""
    if subj is None:
        return None
    member = _anonymous_member(art, subj)
    if member is not None:
        return _named_member(art, member, before_char)
    titled = _person_after_title(art, subj)
    if titled is not None:
        return titled
    k = art.mention_of[subj.i]
    if k >= 0:
        return art.mention_span(k)
    if art.is_place[subj.i] or subj.ent_type_ in PLACE_LABELS:
        return None
    low = subj.lower_
    # a pronoun or description refers back from where it stands: in "Trump told reporters he
    # thought Fields had “…”" the "he" is Trump, not Fields, named after it
    before_char = min(before_char, subj.idx)
    if low in PERSON_PRONOUNS:
        return _recent_person(art, before_char, low)
    if low in GROUP_PRONOUNS:
        return _recent_org(art, before_char)
    if low in ("who", "that") and subj.head.dep_ == "relcl":
        return _resolve(art, subj.head.head, before_char)
    if subj.pos_ == "PRON":
        return None
    if _capital_after_quote(art, subj) and _is_reporting(subj.doc[subj.i + 1]):
        return _name_run(subj, "PERSON")  # "“…,” Will wrote": a surname that is a word
    if subj.pos_ == "PROPN" and _norm_title(subj.text) in ROLE_NOUNS:
        # "Sirius XM Vice President for news and talk Dave Gorab called": a capitalised title
        # is no name; the person the phrase goes on to name is the speaker
        for t in subj.children:
            if t.dep_ in ("conj", "appos") and art.quote_of[t.i] < 0 and (
                    _name_label(art, t) == "PERSON" or _looks_like_name(t)):
                k = art.mention_of[t.i]
                return art.mention_span(k) if k >= 0 else _name_run(t, "PERSON")
    if subj.pos_ == "PROPN" and _looks_like_name(subj) and subj.ent_type_ in ("", "PERSON"):
        # the subject is itself a name, whatever the words before it are tagged
        # ("Sirius XM Vice President for news and talk Dave Gorab called")
        return _name_run(subj, art.name_labels.get(subj.text, "PERSON"))
    named = _name_in_phrase(art, subj) or _issuer(art, subj, before_char)
    if named is not None:
        return named
    if subj.text[:1].isupper() and subj.text in art.name_labels:
        # a word the NER labels as a name elsewhere in the article ("Trump shot back")
        return _name_run(subj, art.name_labels[subj.text])
    if _looks_like_name(subj):
        return _name_run(subj, "PERSON")  # a name the NER missed ("O’Donnell said")
    if _capitalised_the(art, subj):
        return _name_run(subj, "ORG")  # "“…,” The Blaze reported": a title the NER missed
    return _resolve_description(art, subj, before_char)


def _capitalised_the(art: _Article, tok: Token) -> bool:
    """A proper noun whose article is written "The" where no sentence starts ("“…,” The
    Blaze reported", "wrote The Sentinel"): the name of a publication or organisation."""
    if tok.pos_ != "PROPN" or not tok.text[:1].isupper() or _is_place(art, tok):
        return False
    det = next((c for c in tok.children if c.dep_ == "det" and c.i < tok.i), None)
    if det is None or det.text != "The" or det.i == 0:
        return False
    prev = art.doc[det.i - 1]
    if prev.text in ("”", '"') and art.quote_of[prev.i] >= 0:  # “…,” The Blaze reported
        return art.text[prev.idx - 1:prev.idx] in (",", "?", "!")
    return prev.text == "," or (prev.is_alpha and art.quote_of[prev.i] < 0)


def _person_after_title(art: _Article, subj: Token) -> tuple[int, int, str] | None:
    """"said Army Capt. Jo Doe": a parse that takes the abbreviated title for the subject
    (and leaves the name hanging) means the person named right after it."""
    if subj.lower_.rstrip(".") not in _TITLE_ABBREVIATIONS:
        return None
    i = subj.i + 1
    if i < len(art.doc) and art.doc[i].text == ".":
        i += 1
    if i < len(art.doc) and art.mention_of[i] >= 0 and \
            art.mentions[art.mention_of[i]].label == "PERSON":
        return art.mention_span(art.mention_of[i])
    return None


def _capital_after_quote(art: _Article, tok: Token) -> bool:
    """A capitalised word right after a quote's closing mark or a comma, where no sentence
    starts: in "“…,” Will wrote" or "…, Stone said" it is a name, however the tagger reads
    the word (a modal, a noun)."""
    if not tok.text[:1].isupper() or tok.text == "I" or tok.i == 0 or \
            tok.i + 1 >= len(art.doc) or tok.pos_ in ("PRON", "DET", "PUNCT"):
        return False
    prev = art.doc[tok.i - 1]
    return prev.text == "," or (prev.text in ("”", '"') and art.quote_of[prev.i] >= 0 and
                                art.text[prev.idx - 1:prev.idx] == ",")


def _name_run_start(tok: Token) -> int:
    """The first token of the name ending at `tok` (its capitalised compounds)."""
    first = tok
    while first.i > 0:
        left = first.nbor(-1)
        if left.dep_ != "compound" or left.pos_ != "PROPN" or not left.text[:1].isupper():
            break
        first = left
    return first.i


def _name_run(tok: Token, label: str) -> tuple[int, int, str]:
    """The span of a name ending at `tok`, with the capitalised compounds right before it."""
    first = tok.doc[_name_run_start(tok)]
    return (first.idx, tok.idx + len(tok.text), label)


def _name_in_phrase(art: _Article, head: Token) -> tuple[int, int, str] | None:
    """A name the noun phrase is about: an apposition ("a spokesman, Jo Doe,"), a compound
    or possessor ("the Clinton campaign", "Trump's campaign"), or whom a spokesperson
    speaks for ("a spokesman for Sanders"). People win over organisations, and the person an
    apposition names wins over the one a possessor or compound names ("Doe's chief of
    staff, Jo Roe, said" is Roe)."""
    best, best_rank = None, (False, False)
    for child in head.children:
        cands: list[Token] = []
        if child.dep_ in ("appos", "compound", "poss", "nmod"):
            cands = [child] + [t for t in child.children if t.dep_ == "compound"]
        elif child.dep_ == "prep" and ((child.lower_ in ("for", "of") and
                                         _norm_title(head.text) in SPOKES_NOUNS)
                                        or child.lower_ == "from" or
                                        (child.lower_ in ("by", "in") and
                                         _norm_title(head.text) in DOCUMENT_NOUNS)):
            # "a spokesman for Sanders"; "a letter from the ACLU" is the ACLU's, and so are
            # "a study by the ACLU" and "an editorial in the Register" the author's
            cands = [t for t in child.children if t.dep_ == "pobj"]
        elif child.dep_ == "acl" and _norm_title(head.text) in DOCUMENT_NOUNS:
            # "a court document filed by state attorney Jo Doe"
            cands = [t for agent in child.children if agent.dep_ == "agent"
                     for t in agent.children if t.dep_ == "pobj"]
        for t in cands:
            k = art.mention_of[t.i]
            if k >= 0 and art.quote_of[t.i] < 0:
                span = art.mention_span(k)
                rank = (span[2] == "PERSON", span[2] == "PERSON" and child.dep_ == "appos")
                if best is None or rank > best_rank:
                    best, best_rank = span, rank
    return best


def _issuer(art: _Article, head: Token, before_char: int) -> tuple[int, int, str] | None:
    """Whoever put out the text a document noun names: "Black Lives Matter issued a statement
    saying…", "Trump released a marketing video that said…" are theirs."""
    verb = head.head
    if head.dep_ != "dobj" or _norm_title(head.text) not in DOCUMENT_NOUNS or \
            verb.lemma_.lower() not in ISSUING_VERBS:
        return None
    subj = _own_subject(art, verb)
    return _resolve(art, subj, before_char) if subj is not None and subj.i != head.i else None


def _looks_like_name(tok: Token) -> bool:
    """A capitalised subject with no determiner: a proper name the NER did not label."""
    if not tok.text[:1].isupper() or tok.pos_ not in ("PROPN", "NOUN"):
        return False
    if any(c.dep_ == "det" for c in tok.children):
        return False
    if tok.pos_ == "NOUN" and (tok.i == 0 or tok.i == tok.sent.start or tok.nbor(-1).is_space):
        return False  # a capital at a sentence start says nothing
    return _norm_title(tok.text) not in ORG_NOUNS and tok.text.lower() not in TITLE_ABBREV


def _resolve_description(art: _Article, subj: Token,
                         before_char: int) -> tuple[int, int, str] | None:
    """"the Secretary General" → the latest person whose description has that head word;
    "the newspaper" → the latest organisation."""
    if _is_indefinite(subj):
        return None  # "one Florida strategist", "a paper": someone new, not someone named
    head = _norm_title(subj.text)
    k = bisect_left(art.mention_starts, before_char) - 1
    while k >= 0 and art.mentions[k].span.start >= before_char - 8000:
        if art.mentions[k].label == "PERSON" and head in art.titles(k):
            return art.mention_span(k)
        k -= 1
    if head in ORG_NOUNS:
        return _recent_org(art, before_char)
    if head in ROLE_NOUNS and any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children):
        beside = _name_beside(art, subj)
        if beside is not None or subj.dep_ == "appos":
            return beside
        # "Marco Rubio spoke in Miami, where Trump leads. The Florida senator said…": a role
        # the article never gave anyone by name refers back to whom the story is about, the
        # person last written about as the subject of a sentence (not of a clause inside one)
        return _recent_main_subject(art, before_char)
    return None


def _name_beside(art: _Article, subj: Token) -> tuple[int, int, str] | None:
    """The person a role is set beside with a comma, whatever the parse made of the two:
    "Jo Doe, the chair of the party, said" and "the chair of the party, Jo Doe, said"."""
    first, last = subj.left_edge.i, subj.right_edge.i
    if first >= 2 and art.doc[first - 1].text == ",":
        k = art.mention_of[first - 2]
        if k >= 0 and art.mentions[k].label == "PERSON":
            return art.mention_span(k)
    for i in range(first + 1, last + 1):
        k = art.mention_of[i]
        if k >= 0 and art.mentions[k].label == "PERSON" and art.doc[i - 1].text == ",":
            return art.mention_span(k)
    return None


def _recent_main_subject(art: _Article, before_char: int) -> tuple[int, int, str] | None:
    """The latest person, outside quotes, who is the subject of a sentence's main verb: named
    ("Rubio spoke") or he/she ("At the moment Christie learned…, he was clocking…")."""
    i = art.tok_at(before_char) - 1
    while i >= 0 and art.starts[i] >= before_char - 3000:
        tok = art.doc[i]
        if art.quote_of[i] < 0 and tok.dep_ in SUBJECT_DEPS and tok.head.dep_ == "ROOT":
            if tok.lower_ in ("he", "she"):
                return _recent_person(art, tok.idx, tok.lower_)
            k = art.mention_of[i]
            # a person, even where the NER labels this one mention otherwise ("Trump", ORG)
            if k >= 0 and (art.mentions[k].label == "PERSON" or
                           art.name_labels.get(tok.text) == "PERSON"):
                m = art.mentions[k]
                return (m.span.start, m.span.end, "PERSON")
        i -= 1
    return None


def _is_indefinite(tok: Token) -> bool:
    """A noun phrase that introduces someone new: "a", "an", "another", "one", "several"...
    or a number with no definite determiner ("two Republicans", not "the two senators")."""
    kids = [c for c in tok.children if c.dep_ in ("det", "nummod", "amod", "quantmod")]
    if any(c.lower_ in INDEFINITE_DETS for c in kids):
        return True
    # a number before the noun counts ("two Republicans"), not one after it ("Channel 4")
    return any(c.dep_ == "nummod" and c.like_num and c.i < tok.i for c in kids) and \
        not any(c.dep_ in ("det", "poss") for c in tok.children)


def _anonymous_member(art: _Article, tok: Token) -> Token | None:
    """The head of an indefinite noun phrase that `tok` is part of, when that phrase is
    some unnamed member(s) of a group: "an Iowa Democrat", "a Republican senator", "one
    Labour MP", "two Republicans", "a Trump supporter". A spokesperson is not one: "a
    Clinton spokesman" speaks for Clinton, "a representative for the union" for the union;
    nor is a text from someone ("a statement from the party" is the party's)."""
    head = tok
    # from a modifier to the noun it modifies ("Iowa" → "Democrat", "Trump" → "supporter")
    while head.dep_ in ("compound", "amod", "nmod") and head.i < head.head.i:
        head = head.head
    if not _is_indefinite(head) or _name_label(art, head) == "PERSON" or \
            art.name_labels.get(head.text) == "PERSON":
        # "an angry Rutte" (even where the NER labels this "Rutte" otherwise), "Jo Doe, 66,"
        return None
    noun = _norm_title(head.text)
    if head.lower_ in SPOKESPEOPLE or noun in DOCUMENT_NOUNS:
        return None
    for child in head.children:
        if noun in SPOKES_NOUNS and child.dep_ in ("compound", "poss") and \
                _name_label(art, child) in ("PERSON", "ORG"):
            return None  # "a Channel 4 representative"; "a Republican representative" is one
        if child.dep_ == "prep" and (
                (child.lower_ == "for" and noun in SPOKES_NOUNS) or
                (child.lower_ == "from" and head.ent_type_ != "NORP" and
                 any(t.dep_ == "pobj" and t.ent_type_ in ("PERSON", "ORG")
                     for t in child.children))):
            return None
    return head


def _unnamed_group(art: _Article, tok: Token) -> Token | None:
    """The head of a plural noun phrase that `tok` is part of, when the phrase is people the
    text describes without naming them: "Law enforcement sources have said", "Sanders
    protesters interrupted her, shouting", "Hundreds of demonstrators marched, chanting". Not
    a name ("Democrats" is a group that speaks for itself: an organisation), a document
    ("the reports said") or a spokesperson (who speaks for someone)."""
    head = tok
    while head.dep_ in ("compound", "amod", "nmod") and head.i < head.head.i:
        head = head.head
    if head.tag_ != "NNS" or art.mention_of[head.i] >= 0 or art.name_labels.get(head.text):
        return None
    noun = _norm_title(head.text).removesuffix("s")
    if noun in DOCUMENT_NOUNS or noun in SPOKES_NOUNS or head.lower_ in SPOKESPEOPLE:
        return None
    return head


def _phrase_end(tok: Token) -> int:
    """The index of the last word of `tok`'s phrase before any clause inside it and the
    punctuation that sets the clause off: "to both senators" in "to both senators, who asked
    not to be named", whichever word the parser hangs the clause on."""
    clauses = [t.left_edge.i for t in tok.subtree if t.dep_ in CLAUSE_DEPS and t.i != tok.i]
    end = min([tok.right_edge.i] + [i - 1 for i in clauses])
    while end > tok.i and tok.doc[end].is_punct:
        end -= 1
    return end


def _unnamed_source(art: _Article, subj: Token) -> tuple[int, int] | None:
    """How the text describes a speaker it does not name, as a span: "a senior Cruz
    adviser", "one Democrat familiar with the talks", "a Mexican official" (not "who was not
    authorized to speak publicly"), or a group of people the text names only by what they
    are ("Law enforcement sources", "Sanders protesters", "Leaders of the organization").
    None unless the subject is such an unnamed member or group."""
    head = _anonymous_member(art, subj) or _unnamed_group(art, subj)
    if head is None or art.quote_of[head.i] >= 0:
        return None
    doc = art.doc
    first, last = head.left_edge.i, head.i
    while first < last and doc[first].dep_ in ("advmod", "cc", "preconj", "punct"):
        first += 1  # "even a top strategist said": the sentence's word, not the source's
    for child in head.rights:  # words after the noun that still describe it, never a clause
        end = _phrase_end(child)
        if child.dep_ not in ("prep", "amod") or end - first > 9 or \
                any(doc[i].is_punct or art.quote_of[i] >= 0 for i in range(last + 1, end + 1)):
            break
        last = end
    if any(art.quote_of[i] >= 0 for i in range(first, last + 1)):
        return None
    return (doc[first].idx, doc[last].idx + len(doc[last].text))


def _name_label(art: _Article, tok: Token) -> str:
    """PERSON, ORG or NORP when the token is part of such a mention (or of a name the
    article labels elsewhere), else ""."""
    k = art.mention_of[tok.i]
    if k >= 0:
        return art.mentions[k].label
    return art.name_labels.get(tok.text, "") if tok.text[:1].isupper() else ""


def _named_member(art: _Article, head: Token, before_char: int):
    """An unnamed member of a group names nobody, unless an apposition names the person
    ("a Republican senator, Jo Doe, said")."""
    for child in head.children:
        if child.dep_ == "appos":
            named = _resolve(art, child, before_char)
            if named is not None and named[2] == "PERSON":
                return named
    return None


def _recent_person(art: _Article, before_char: int, pronoun: str) -> tuple[int, int, str] | None:
    """Whom a he/she most likely means: the latest person mention outside quotes that was a
    subject, else the latest person mention; people whose gender the article shows to be
    the other one are skipped."""
    want = "m" if pronoun in ("he", "him") else "f"
    k = bisect_left(art.mention_starts, before_char) - 1
    fallback = None
    while k >= 0 and art.mentions[k].span.start >= before_char - 3000:
        m = art.mentions[k]
        if m.label == "PERSON":
            tok = art.doc[art.tok_at(m.span.end - 1)]
            if art.quote_of[tok.i] < 0 and art.gender_of(m.text) in ("", want):
                if tok.dep_ in SUBJECT_DEPS or (tok.dep_ in ("appos", "conj")
                                                and tok.head.dep_ in SUBJECT_DEPS):
                    return art.mention_span(k)
                if fallback is None:
                    fallback = art.mention_span(k)
        k -= 1
    return fallback


def _recent_org(art: _Article, before_char: int) -> tuple[int, int, str] | None:
    k = bisect_left(art.mention_starts, before_char) - 1
    while k >= 0 and art.mentions[k].span.start >= before_char - 1500:
        m = art.mentions[k]
        if m.label == "ORG" and art.quote_of[art.tok_at(m.span.start)] < 0:
            return art.mention_span(k)
        k -= 1
    return None


def _cue_after_comma(art: _Article, q: _Quote, after: list[int]):
    """“…,” Toomey fumed / “…?” asked Smith: a quote that ends with a comma (or ? ! —) and is
    followed by a short clause: that clause's verb is the attribution, whatever its lemma."""
    if q.inner_end not in ",?!—–-…" or not after:
        return None
    first = after[0]
    for i in after[:7]:
        tok = art.doc[i]
        if tok.pos_ != "VERB" and tok.lemma_.lower() in REPORTING_VERBS and i > first:
            # a reporting verb the tagger took for a noun ("the Saudis state"): the words
            # between the quote and it are the subject
            head = max((art.doc[j] for j in range(first, i)
                        if art.doc[j].pos_ in ("PROPN", "NOUN", "PRON")), default=None,
                       key=lambda t: t.i)
            return (tok, head, "verb-noun") if head is not None else None
        if tok.pos_ == "VERB" or _is_reporting(tok):
            subj = _subject_of(art, tok)
            if subj is None or subj.i <= q.last_tok or subj.lower_ in _RELATIVE_PRONOUNS:
                return None  # "its “Bathroom Bill,” which allows…": the quote is a name
            # "X fumed" with X opening the clause, or "fumed X" with the verb opening it
            if (subj.i < tok.i and subj.left_edge.i <= first + 1) or \
                    (i <= first + 1 and subj.i > tok.i):
                return tok, subj, tok.lemma_.lower()
            return None
    return None


def _cue_verb_before(art: _Article, before: list[int]):
    """Doe fired back: “…” / Doe shot back, “…” — the mirror of `_cue_after_comma`: a
    clause "subject verb [back, forcefully]" that ends with a colon or comma right before the
    quote introduces it, whatever the verb, so a reporting verb earlier in the sentence ("When
    Roe suggested…, Doe fired back: “…”") is not the attribution."""
    words = [i for i in before if not art.doc[i].is_space]
    if len(words) < 3 or art.doc[words[-1]].text not in (":", ","):
        return None
    k = len(words) - 2
    while k > 0 and len(words) - 2 - k < 2 and art.doc[words[k]].dep_ in ("prt", "advmod"):
        k -= 1
    verb = art.doc[words[k]]
    if verb.pos_ != "VERB" or any(c.dep_ in ("dobj", "ccomp", "xcomp") and art.quote_of[c.i] < 0
                                  for c in verb.children):
        return None  # "…, saying the plan was dead, “…”": the verb has its own content
    subj = _own_subject(art, verb)
    if subj is None or subj.i > verb.i:
        return None
    if subj.lower_ in _WH_WORDS or subj.lower_ == "what":
        return None  # "Doe apologized for what happened:": not what happened speaking
    return verb, subj, verb.lemma_.lower()


def _cue_colon_clause(art: _Article, before: list[int]):
    """Doe has since apologized for what happened: “…” — a clause that ends with a colon
    right before the quote and whose main verb has a person or organisation for subject
    introduces the quote, whatever the verb, when no reporting verb does."""
    words = [i for i in before if not art.doc[i].is_space]
    if len(words) < 3 or art.doc[words[-1]].text != ":":
        return None
    inside = set(words)
    for i in words:
        verb = art.doc[i]
        if verb.pos_ not in ("VERB", "AUX") or (verb.head.i in inside and verb.head.i != verb.i):
            continue  # not the clause's main verb
        subj = _own_subject(art, verb)
        if subj is not None and subj.i < verb.i and _name_label(art, subj) in ("PERSON", "ORG"):
            return verb, subj, verb.lemma_.lower()
        return None
    return None


def _bare_attribution(art: _Article, verb: Token) -> bool:
    """Is the verb's clause only an attribution ("Smith said in a statement."), with no
    content of its own (no clause or object), so that it can follow a finished quote?"""
    return not any(c.dep_ in ("ccomp", "xcomp", "dobj", "advcl") and art.quote_of[c.i] < 0
                   for c in verb.children)


def _cue_colon_name(art: _Article, before: list[int], before_char: int):
    """Clinton: “…” — a name and a colon right before the quote."""
    if len(before) < 2 or art.doc[before[-1]].text != ":":
        return None
    tok = art.doc[before[-2]]
    if art.mention_of[tok.i] < 0 and tok.pos_ != "PROPN":
        return None
    # a name that ends a clause whose subject names someone else is not a label: "Perez
    # contrasted him with Clinton: “…”" is Perez speaking ("Smith: “…”", "More from Smith:
    # “…”" and "The result did not surprise Smith: “…”" are Smith)
    k = art.mention_of[tok.i]
    first = art.tok_at(art.mentions[k].span.start) if k >= 0 else _name_run_start(tok)
    for i in before:
        if i < first and art.doc[i].dep_ in SUBJECT_DEPS and \
                _resolve(art, art.doc[i], before_char) is not None:
            return None
    return tok, tok, "colon"


def _cue_possessor(art: _Article, q: _Quote):
    """Obama's “if you like your plan, you can keep it” promise: words a person owns (an
    organisation's are most often a title: CNN's “State of the Union”)."""
    i = q.first_tok - 1
    if i < 1 or art.doc[i].tag_ != "POS" or art.quote_of[i - 1] >= 0:
        return None
    name = art.doc[i - 1]
    return (name, name, "possessive") if _name_label(art, name) == "PERSON" else None


def _cue_byline(art: _Article, before: list[int]):
    """Polls were not wrong, just early - Jo Doe: “…” — in a digest of excerpts, a dash, a
    name and a colon right before the quote sign it, whatever the headline before the dash
    says (its own verb or subject is not the attribution)."""
    words = [i for i in before if not art.doc[i].is_space]
    if len(words) < 3 or art.doc[words[-1]].text != ":":
        return None
    name = words[-2]
    k = len(words) - 2
    while k >= 0 and words[-2] - words[k] < 6 and _is_name_word(art, art.doc[words[k]]):
        k -= 1
    if k < 0 or k == len(words) - 2 or art.doc[words[k]].text not in _DASHES:
        return None
    return art.doc[words[k + 1]], art.doc[name], "byline"


def _is_name_word(art: _Article, tok: Token) -> bool:
    """A word of a name: part of a mention, or capitalised (the NER misses some bylines,
    "Pew Research", and the tagger may take them for common nouns)."""
    return art.mention_of[tok.i] >= 0 or \
        (tok.pos_ in ("PROPN", "NOUN") and tok.text[:1].isupper())


def _byline_speaker(art: _Article, first: Token, last: Token) -> tuple[int, int, str]:
    """The name of a byline: the mention it ends with, else the words as written."""
    k = art.mention_of[last.i]
    if k >= 0 and art.mentions[k].span.start <= first.idx:
        return art.mention_span(k)
    label = art.mentions[k].label if k >= 0 else art.name_labels.get(last.text, "PERSON")
    return (first.idx, last.idx + len(last.text), SPEAKER_LABELS.get(label, "PERSON"))


_DASHES = frozenset(("-", "—", "–", "--"))


def _is_place(art: _Article, tok: Token | None) -> bool:
    return tok is not None and art.mention_of[tok.i] < 0 and \
        (art.is_place[tok.i] or tok.ent_type_ in PLACE_LABELS)


def _cues(art: _Article, q: _Quote, qid: int, before: list[int], after: list[int],
          has_before: bool):
    """The quote's candidate cues, best first (computed lazily: the first usable one wins)."""
    if len(q.pieces) > 1:
        yield _cue_in_window(art, _between(art, q), prefer_last=False)
    yield _cue_byline(art, before)
    tree, right_after = _cue_from_tree(art, q, qid), _cue_after_comma(art, q, after)
    if tree is not None and right_after is not None and _is_reporting(right_after[0]) and \
            right_after[1] is not None and art.quote_of[right_after[1].i] < 0 and \
            _name_label(art, right_after[1]) in ("PERSON", "ORG") and \
            right_after[1].i + 1 == right_after[0].i and q.last_tok < right_after[0].i < tree[0].i:
        # "“…,” Trump said, after Quick said…": the parse may hang the quote on a later
        # verb; the name and verb right after the quote's comma are nearer, and say it
        yield right_after
    yield tree
    yield right_after
    yield _cue_colon_name(art, before, q.pieces[0].start)
    if has_before:
        yield _cue_verb_before(art, before)
        yield _cue_in_window(art, before, prefer_last=True)
        yield _cue_colon_clause(art, before)
    if after:
        cue = _cue_in_window(art, after[:15], prefer_last=False)
        # “…it is over.” Smith said the plan...: a new sentence
        if cue is None or q.inner_end != "." or _bare_attribution(art, cue[0]):
            yield cue
    # last: "Trump's “coarse effusion,” Will wrote" is Will's description of Trump's words
    yield _cue_possessor(art, q)


def _attribute(art: _Article, q: _Quote, qid: int) -> None:
    """Find the cue and speaker of one quote from its own sentence."""
    start_char = q.pieces[0].start
    after = _window(art, q, qid, 1)
    before = _window(art, q, qid, -1)
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
    cue, place_cue = _choose_cue(art, q, qid, before, after, has_before)
    if cue is None or cue[2] != "according-to":
        # "“…,” Sanders said, according to CNN": the source that vouches for the quote is
        # the outer one (the convention of the attribution corpora we measured against)
        outer = _according_to(art, before + after) or _outer_report(art, q, after, cue)
        if outer is not None and _resolve_source(art, outer[1], start_char) is not None:
            cue = outer
    if cue is not None and cue[1] is None and cue[0].tag_ == "VBG" and \
            cue[2] not in ("according-to", "colon", "byline", "possessive") and \
            _subject_of(art, cue[0]) is None:
        # "Maher stated that the report “wasn't good.” Adding, “…”": a participle with no
        # subject at all goes on with whoever spoke before (see _continue_speakers)
        return
    if cue is not None:
        verb, subj, kind = cue
        if kind == "byline":
            q.speaker = _byline_speaker(art, verb, subj)
            kind = "colon"
        elif kind == "according-to":
            q.speaker = _resolve_source(art, subj, start_char)
        elif kind in ("colon", "verb-noun", "possessive"):
            q.speaker = _resolve(art, subj, start_char)
        elif cue is place_cue:
            q.speaker = _place_speaker(art, subj)
        else:
            q.speaker = _speaker_of_verb(art, verb, start_char)
        q.cue, q.strong = (verb.lemma_.lower() if kind == "verb-noun" else kind), True
        if q.speaker is None:
            # where _speaker_of_verb's climb stopped at an unnamed member, else the cue's own
            for candidate in (art.unnamed_subject, subj):
                if q.source is None and candidate is not None:
                    q.source = _unnamed_source(art, candidate)
        return
    if has_before:
        subj = _sentence_subject(art, q, qid, before)
        if subj is not None:
            q.speaker, q.cue = _resolve(art, subj, start_char), "subject"


def _choose_cue(art: _Article, q: _Quote, qid: int, before: list[int], after: list[int],
                has_before: bool):
    """(cue, place_cue): the first cue whose subject is not a place ("…, but Moscow denies —
    “…?” asked Dunn" is Dunn's); with none, the first place that is itself the subject of a
    reporting verb, which then speaks as its government ("Russia said") or as a person the NER
    took for a place ("“…,” said Iampaglia, who graduated in 2009"). Either may be None; the
    cue is the place cue when that is the one taken."""
    place_cue = None
    for cue in _cues(art, q, qid, before, after, has_before):
        if cue is None:
            continue
        cue = _past_writers_aside(art, cue)
        if not _is_place(art, cue[1]):
            return cue, place_cue
        verb, subj, _ = cue
        # the place must be the reporting verb's own subject, or the one its clause climbs to
        # ("Bryne went on to say", "Nefzi said, adding"): then it is who speaks
        if place_cue is None and subj.dep_ in SUBJECT_DEPS and _is_reporting(verb) and \
                (subj.head.i == verb.i or _subject_of(art, verb) == subj) and \
                subj.pos_ == "PROPN" and subj.text[:1].isupper() and not _is_dateline(art, subj):
            place_cue = cue
    return place_cue, place_cue


def _is_dateline(art: _Article, tok: Token) -> bool:
    """"TALLAHASSEE — Rep. Gwen Graham on Friday pummeled…": a place in capitals or set off by
    a dash opens the story; the parser may make it a subject, but it names where, not who."""
    nxt = tok.i + 1
    return (tok.text.isupper() and len(tok.text) > 2) or \
        (nxt < len(art.doc) and art.doc[nxt].text in _DASHES)


def _past_writers_aside(art: _Article, cue):
    """"Trump said, and I quote, “…”": the writer's "I quote" vouches for the words; the
    reporting verb it is joined to says whose they are."""
    verb, subj, _ = cue
    head = verb.head
    if verb.lemma_.lower() == "quote" and subj is not None and subj.lower_ in ("i", "we") and \
            verb.dep_ == "conj" and head.i < verb.i and _is_reporting(head):
        outer = _subject_of(art, head)
        if outer is not None:
            return head, outer, head.lemma_.lower()
    return cue


def _place_speaker(art: _Article, tok: Token) -> tuple[int, int, str]:
    """A place as a speaker: its mention (or name) as an organisation, or as a person when the
    sentence describes one ("Iampaglia, who graduated…", "Santos, legal director of…")."""
    person = any((c.dep_ == "relcl" and c.left_edge.lower_ in ("who", "whose")) or
                 (c.dep_ == "appos" and _norm_title(c.text) in ROLE_NOUNS | SPOKES_NOUNS)
                 for c in tok.children)
    label = "PERSON" if person else "ORG"
    first = _name_run_start(tok)
    return (art.doc[first].idx, tok.idx + len(tok.text), label)


def _same_sentence(art: _Article, a: _Quote, b: _Quote) -> bool:
    """Are quotes a and b (a before b) in one sentence of one paragraph?"""
    if a.last_para != b.para:
        return False
    if a.inner_end in _SENTENCE_END_CHARS:
        return False
    return not any(art.quote_of[i] < 0 and art.is_boundary(i)
                   for i in range(a.last_tok + 1, b.first_tok))


def _share_in_sentence(art: _Article, quotes: list[_Quote]) -> None:
    """Quotes in one sentence share the attribution one of them has (“A” and “B,” he said)."""
    for _ in range(2):  # forward and backward
        for a, b in zip(quotes, quotes[1:]):
            if not _same_sentence(art, a, b):
                continue
            if a.strong and not b.strong:
                b.speaker, b.source, b.cue, b.strong = a.speaker, a.source, "same-sentence", True
            elif b.strong and not a.strong:
                a.speaker, a.source, a.cue, a.strong = b.speaker, b.source, "same-sentence", True


def _continue_speakers(art: _Article, quotes: list[_Quote]) -> None:
    """A quote with no cue of its own is signed by a name paragraph right after it ("-
    Bernie Sanders."), else takes the speaker of the sentence that leads into it ("Clinton
    touted her record. “…”", "Cruz continued:¶“…”"); when the sentence before it is itself a
    quote's, it continues that quote's speaker (same or previous paragraph)."""
    prev: _Quote | None = None
    for q in quotes:
        if not q.cue:
            # a signature is the most specific cue: in a digest of excerpts each quote is
            # signed below it, and the lines above belong to the previous excerpt
            signed = _signature(art, q)
            lead = _lead_in(art, q) if signed is None else []
            intro = _sentence_speaker(art, lead, q.pieces[0].start) if lead else None
            if signed is not None:
                q.speaker, q.cue = signed, "signature"
            elif intro is not None:
                q.speaker, q.cue = intro, "introduced"
            elif prev is not None and (prev.speaker or prev.source) and \
                    q.para - prev.last_para <= 1:
                q.speaker, q.source, q.cue = prev.speaker, prev.source, "continuation"
        prev = q


def _opens_paragraph(art: _Article, q: _Quote) -> bool:
    i = q.first_tok - 1
    return i < 0 or (art.doc[i].is_space and "\n" in art.doc[i].text)


def _signature(art: _Article, q: _Quote) -> tuple[int, int, str] | None:
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
    while i < n and art.doc[i].text in _DASHES:
        i += 1
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
    if j - i > 16:
        return None
    comma = next((t for t in range(i, j) if art.doc[t].text == ","), j)
    for t in range(i, j):
        tok = art.doc[t]
        if tok.lower_ == "via" or (tok.pos_ in ("VERB", "AUX") and
                                   (t < comma or tok.tag_ not in ("VBG", "VBN"))):
            return None  # a sentence, not a signature
    return span


def _lead_in(art: _Article, q: _Quote) -> list[int]:
    """The sentence just before a quote that opens its sentence: its tokens, or [] when
    there is none in this or the previous paragraph, or when a quote is part of it."""
    i = q.first_tok - 1
    paras = 0
    while i >= 0 and art.doc[i].is_space:  # paragraph separators
        paras += "\n" in art.doc[i].text
        i -= 1
    if i < 0 or paras > 1 or art.quote_of[i] >= 0:
        return []
    if art.doc[i].text in _SENT_END:
        i -= 1
    out = []
    while i >= 0 and not art.is_boundary(i):
        if art.quote_of[i] >= 0:
            return []
        out.append(i)
        i -= 1
    out.reverse()
    return out


def _sentence_speaker(art: _Article, window: list[int], before_char: int):
    """Who a sentence is about: its reporting verb's subject, else its main subject; a
    sentence that is a name and a colon ("Stated Stone:") is that name."""
    label = _cue_colon_name(art, window, before_char)
    if label is not None:
        return _resolve(art, label[1], before_char)
    cue = _cue_in_window(art, window, prefer_last=False)
    if cue is not None:
        if cue[2] == "according-to":
            return _resolve(art, cue[1], before_char)
        subj = _own_subject(art, cue[0])
        if subj is not None and subj.lower_ in GROUP_PRONOUNS:
            return None  # "They also lie in..." is rarely who speaks next
        return _speaker_of_verb(art, cue[0], before_char)
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
                return _resolve(art, tok, before_char)
            return None
    return None


# --- policy --------------------------------------------------------------------------------


def _quote_text(text: str, q: _Quote) -> str:
    return " ".join(text[p.inner_start:p.inner_end] for p in q.pieces)


def _is_title_case(words: list[str]) -> bool:
    content = [w for w in words if w.lower() not in _TITLE_SMALL]
    if not content or any(w.lower() in _FIRST_SECOND_PERSON for w in words):
        return False
    return sum(w[:1].isupper() for w in content) >= 0.8 * len(content) and words[0][:1].isupper()


def _names_a_work(art: _Article, q: _Quote) -> bool:
    """Does the quote stand where a name goes: right after a preposition, a determiner or a
    possessive ("on CNN’s “State of the Union,”", "the “Make America Great Again” hat")?"""
    i = q.first_tok - 1
    while i >= 0 and art.doc[i].is_space:
        i -= 1
    if i < 0:
        return False
    prev = art.doc[i]
    return prev.pos_ in ("ADP", "DET", "PART", "PROPN", "ADJ") or prev.tag_ == "POS"


# Cues that report words as said, for a quote in Title Case (see _is_speech).
_SPEECH_CUES = REPORTING_VERBS | {"according-to", "colon", "byline", "introduced"}


def _is_speech(art: _Article, q: _Quote, qtext: str) -> bool:
    """False for scare quotes and quoted titles that nobody is reported as saying."""
    words = _WORD_RE.findall(qtext)
    short = len(words) <= 3 and len(q.pieces) == 1 and q.inner_end not in _SENTENCE_END_CHARS
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
            not art.doc[i].is_punct for i in _window(art, q, art.quote_of[q.first_tok], -1))
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
    art = _Article(doc, mentions)
    text = art.text
    paras = paragraphs(text)
    para_starts = [p[0] for p in paras]
    quotes: list[_Quote] = []
    for pieces in _merge_broken(art, find_quote_pieces(text)):
        inner = text[pieces[-1].inner_start:pieces[-1].inner_end].rstrip(" ’'")
        q = _Quote(pieces, art.tok_at(pieces[0].start), art.tok_at(pieces[-1].end - 1),
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
