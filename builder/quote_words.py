"""The words quote attribution knows: reporting verbs, pronouns, role and document nouns.

Part of the quote finder; builder/quotes.py describes the rules these lists serve.
"""
from __future__ import annotations

import re
from pathlib import Path


SENTENCE_END_CHARS = frozenset(".!?")

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
grumble
""".split())
# Verbs that report what a text says when a text is their subject ("the poll found that",
# "the report shows"), and not otherwise ("police found the car").
FINDING_VERBS = frozenset("find show".split())
# Forms of reporting verbs the lemmatizer gets wrong ("sniped" → "snip", "griped" → "grip").
REPORTING_FORMS = frozenset("snipe snipes sniped sniping gripe gripes griped griping".split())

# Verbs that report a retort with "back" after them: "shot back", "fired back", "hit back".
RETORT_VERBS = frozenset("shoot fire hit strike snap push".split())
# Verbs that report speech through their object ("made the point that", "issued a warning
# that", "offered the assessment that"), and the objects that make them do so.
LIGHT_VERBS = frozenset("make offer issue raise voice express".split())
# "took a swipe at", "landed a sharp dig at": a jab is words aimed at someone
JAB_VERBS = frozenset("take land get".split())
JAB_NOUNS = frozenset("dig jab swipe potshot barb".split())
SPEECH_ACT_NOUNS = frozenset("""
point case argument claim remark comment observation assessment warning prediction promise
pledge vow accusation charge admission concession assurance reminder concern hope fear desire
""".split()) | JAB_NOUNS
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
# Quantifiers, never a name however the tagger takes a capitalised one ("Much of…").
QUANTIFIERS = frozenset("much many most more some several few all both each either neither none".split())
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
frontrunner runner contender hopeful challenger incumbent
aide adviser advisor strategist
""".split())
# A party's member, singular: with "the" and a modifier, a role ("the Ohio Republican").
PARTY_MEMBER_NOUNS = frozenset("republican democrat independent conservative liberal".split())
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
headline banner sign poster placard caption textbook slogan piece order affidavit indictment
decision verdict resolution platform petition agreement contract clause policy guideline
regulation motion warrant subpoena notice flyer leaflet mailer brochure pamphlet website note
script questionnaire manual handbook summary excerpt law constitution text
""".split())
# Nouns for works a Title-Case quote right after them names ("his book “Backfire”", "the
# song “Madre Tierra”").
WORK_NOUNS = frozenset("""
book novel memoir biography film movie documentary show series episode program programme
podcast song album single play musical poem essay column headline slogan hashtag
""".split())
# Nouns for words said or the parts of a body, never their source: "his comments said", "one
# sweeping question asked", "her eyes said" name nobody, not even an unnamed one.
NOT_SOURCE_NOUNS = frozenset("""
comment remark suggestion question answer word shout chant cry cheer response reply phrase
eye face voice hand
""".split())
# Verbs by which someone makes a document, so that "a court document filed by X" is X's
# words (not "an email released by X" or "a memo obtained by X": someone else may have
# written those).
AUTHORING_VERBS = frozenset("""
write pen author draft compose sign file issue send prepare
""".split())
# Verbs by which someone puts out a document ("issued a statement saying"): its words are theirs.
ISSUING_VERBS = frozenset("""
issue release publish post send put air run circulate distribute file sign unveil launch
write pen
""".split())
# Abbreviated titles, so "Sen. Bernie Sanders" resolves "the senator".
TITLE_ABBREV = {"sen.": "senator", "sen": "senator", "rep.": "representative",
                "gov.": "governor", "gen.": "general", "pres.": "president", "sec.": "secretary",
                "lt.": "lieutenant", "col.": "colonel", "amb.": "ambassador", "adm.": "admiral",
                "atty.": "attorney", "supt.": "superintendent", "dr.": "doctor"}
# Function words a Title-Case title may leave in lower case.
TITLE_SMALL = frozenset("a an the of and or but for nor on in at to by with from as is are vs"
                         " via de la le del du".split())
# Abbreviated titles whose point the tokenizer may split off ("Capt", "."): that point
# never ends a sentence before a name.
TITLE_ABBREVIATIONS = frozenset("""
capt sgt maj cpl pvt lt col gen adm cmdr gov sen rep rev dr prof mr mrs ms atty supt amb
""".split())
FIRST_SECOND_PERSON = frozenset("i i'm i’m we we're we’re you you're you’re me my our us".split())
WORD_RE = re.compile(r"[^\W\d_][\w'’.-]*")

MALE_PRONOUNS = frozenset("he him his himself".split())
FEMALE_PRONOUNS = frozenset("she her hers herself".split())
MALE_HONORIFICS = frozenset(("mr.", "mr", "sir"))
FEMALE_HONORIFICS = frozenset(("mrs.", "mrs", "ms.", "ms", "miss", "madam", "lady"))


# A "subject" with one of these tags is a parse error ("Of Carson, Levine said": "Of"), and
# the verb is treated as having none (the name next to it is then looked for).
NOT_SUBJECT_POS = frozenset(("ADP", "PUNCT", "CCONJ", "SCONJ", "PART", "SPACE"))


WH_WORDS = frozenset("who whom whose which".split())
RELATIVE_PRONOUNS = frozenset("which that who whom".split())


# Dependencies that lead from a clause up to the verb that reports it ("said [she is sure
# [Roe will continue]]"): complements only. A coordinated or adverbial verb ("Roe says…
# and Doe says", "Doe tweeted after Roe argued") is a report of its own.
REPORTED_DEPS = frozenset(("ccomp", "xcomp", "acomp"))


DASHES = frozenset(("-", "—", "–", "--"))


def _first_names() -> dict[str, str]:
    """First name → "m" or "f", for names borne mostly by one sex, from the 1990 US Census
    lists (made by tools/make_first_names.py)."""
    table = Path(__file__).with_name("first_names.tsv").read_text(encoding="utf-8")
    return dict(line.split("\t") for line in table.splitlines() if line and line[0] != "#")


FIRST_NAME_SEX = _first_names()
