"""Whom a word names: a subject of a reporting verb resolved to a person or organisation
mention (a pronoun or a description to the one meant, "a spokesman for X" to X), or to an
unnamed source's description. Part of the quote finder (see builder/quotes.py for the
rules).
"""
from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Token

from .quote_article import ArticleTables, norm_title
from .quote_words import (
    AUTHORING_VERBS, CLAUSE_DEPS, DASHES, DOCUMENT_NOUNS, FINDING_VERBS, FIRST_SECOND_PERSON,
    GROUP_PRONOUNS, INDEFINITE_DETS, ISSUING_VERBS, JAB_NOUNS, JAB_VERBS, LIGHT_VERBS,
    NOT_SOURCE_NOUNS, NOT_SUBJECT_POS, ORG_NOUNS, PARTY_MEMBER_NOUNS, PERSON_PRONOUNS,
    PLACE_LABELS, QUANTIFIERS, REPORTING_FORMS, REPORTING_VERBS, RETORT_VERBS, ROLE_NOUNS,
    SPEECH_ACT_NOUNS, SPOKESPEOPLE, SPOKES_NOUNS, SUBJECT_DEPS, TITLE_ABBREV,
    TITLE_ABBREVIATIONS,
)


def is_reporting(tok: Token) -> bool:
    if not (tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")):
        return False
    if tok.i > 0 and tok.doc[tok.i - 1].text == "-" and not tok.doc[tok.i - 1].whitespace_:
        return False  # the end of a compound word ("body-related", "much-said")
    lemma = tok.lemma_.lower()
    if lemma in REPORTING_VERBS or tok.lower_ in REPORTING_FORMS:
        return True
    if lemma in FINDING_VERBS:
        # "The Q poll also finds that… 22 percent say he is “…”": what a text finds it reports
        return any(c.dep_ == "nsubj" and names_a_text(c.text) for c in tok.children)
    if lemma in RETORT_VERBS:
        # "“…,” Trump shot back": a retort, but only with its "back" ("fired the aide" is not)
        return any(c.dep_ in ("prt", "advmod") and c.lower_ == "back" for c in tok.children)
    # "made the point that …", "issued a warning that …": a verb whose object is a speech act
    if lemma in LIGHT_VERBS or lemma in JAB_VERBS:
        nouns = JAB_NOUNS if lemma in JAB_VERBS else SPEECH_ACT_NOUNS
        return any(c.dep_ == "dobj" and c.lemma_.lower() in nouns for c in tok.children)
    return False


def own_subject(art: ArticleTables, tok: Token) -> Token | None:
    """A verb's own subject. Words inside quotes are never the subject (the parser often
    hangs the quote's own subject on the reporting verb), nor words across a sentence or
    paragraph end (spaCy's sentences can run over "\n\n")."""
    found = [child for child in tok.children
             if child.dep_ in SUBJECT_DEPS and art.quote_of[child.i] < 0 and
             art.same_sentence(child.i, tok.i) and child.pos_ not in NOT_SUBJECT_POS]
    if len(found) > 1:
        # two subjects is a parse that split a title from its name ("said Army Capt. Jo
        # Doe" → "Capt", "Doe"): the person is the subject; else the one nearest the verb
        # (in "Nothing the president said “…,” the senator said" the parse gives the last
        # "said" both "Nothing" and "senator")
        people = [c for c in found if name_label(art, c) == "PERSON"]
        return people[-1] if people else min(found, key=lambda c: abs(c.i - tok.i))
    return _out_of_aside(art, found[0]) if found else None


def _out_of_aside(art: ArticleTables, subj: Token) -> Token:
    """The subject, or what the parse set beside it past a closing dash: in "In the letter
    - addressed to the U.S. attorney, Jo Doe - the Utah Republican asks" the parser takes the
    aside's last noun for the subject and the real one for its apposition."""
    if not _between_dashes(art, subj):
        return subj
    for child in subj.rights:
        if child.dep_ == "appos" and not _between_dashes(art, child) and _past_dash(child):
            return child
    return subj


def _past_dash(appos: Token) -> bool:
    """Is a dash between an apposition and its head: the parse's apposition that is really
    the subject after an aside (see `_out_of_aside`)?"""
    return any(appos.doc[j].text in DASHES for j in range(appos.head.i + 1, appos.i))


def resolve_source(art: ArticleTables, tok: Token | None, before_char: int):
    """Whom "according to X" names: as `resolve`, and also a title with an article that
    the NER missed ("according to The Blaze"): a capitalised proper noun, not a place."""
    found = resolve(art, tok, before_char)
    if found is None and tok is not None and tok.pos_ == "PROPN" and tok.text[:1].isupper() \
            and not names_a_place(art, tok) and art.quote_of[tok.i] < 0:
        return _name_run(tok, "ORG")
    return found


def resolve(art: ArticleTables, subj: Token | None,
            before_char: int) -> tuple[int, int, str] | None:
    """The name a subject stands for: itself, a name inside its noun phrase, or the person /
    organisation a pronoun or description refers to."""
    if subj is None:
        return None
    member = anonymous_member(art, subj)
    if member is not None:
        return _named_member(art, member, before_char)
    titled = _person_after_title(art, subj)
    if titled is not None:
        return titled
    if _party_member_role(subj):
        # "the Wisconsin Republican said": one person, whom the story has named, not the party
        return _resolve_description(art, subj, before_char)
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
        return _group_antecedent(art, before_char, singular=low == "it")
    if low in ("who", "that") and subj.head.dep_ == "relcl":
        return resolve(art, subj.head.head, before_char)
    if subj.pos_ == "PRON" or subj.lower_ in QUANTIFIERS:
        return None  # ("Much of Beck’s ire…", "Many said": however the tagger takes them)
    if capital_after_quote(art, subj) and is_reporting(subj.doc[subj.i + 1]):
        return _name_run(subj, "PERSON")  # "“…,” Will wrote": a surname that is a word
    if subj.pos_ == "PROPN" and norm_title(subj.text) in ROLE_NOUNS:
        # "Sirius XM Vice President for news and talk Dave Gorab called": a capitalised title
        # is no name; the person the phrase goes on to name is the speaker
        for t in subj.children:
            if t.dep_ in ("conj", "appos") and art.quote_of[t.i] < 0 and (
                    name_label(art, t) == "PERSON" or _looks_like_name(t)):
                k = art.mention_of[t.i]
                return art.mention_span(k) if k >= 0 else _name_run(t, "PERSON")
    if subj.pos_ == "PROPN" and _looks_like_name(subj) and subj.ent_type_ in ("", "PERSON"):
        # the subject is itself a name, whatever the words before it are tagged
        # ("Sirius XM Vice President for news and talk Dave Gorab called")
        return _name_run(subj, art.name_labels.get(subj.text, "PERSON"))
    named = _name_in_phrase(art, subj) or _named_by_participle(art, subj) or \
        _issuer(art, subj, before_char) or _owner_of_words(art, subj, before_char)
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


def _capitalised_the(art: ArticleTables, tok: Token) -> bool:
    """A proper noun whose article is written "The" where no sentence starts ("“…,” The
    Blaze reported", "wrote The Sentinel"): the name of a publication or organisation."""
    if tok.pos_ != "PROPN" or not tok.text[:1].isupper() or names_a_place(art, tok):
        return False
    det = next((c for c in tok.children if c.dep_ == "det" and c.i < tok.i), None)
    if det is None or det.text != "The" or det.i == 0:
        return False
    prev = art.doc[det.i - 1]
    if prev.text in ("”", '"') and art.quote_of[prev.i] >= 0:  # “…,” The Blaze reported
        return art.text[prev.idx - 1:prev.idx] in (",", "?", "!")
    return prev.text == "," or (prev.is_alpha and art.quote_of[prev.i] < 0)


def _person_after_title(art: ArticleTables, subj: Token) -> tuple[int, int, str] | None:
    """"said Army Capt. Jo Doe": a parse that takes the abbreviated title for the subject
    (and leaves the name hanging) means the person named right after it."""
    if subj.lower_.rstrip(".") not in TITLE_ABBREVIATIONS:
        return None
    i = subj.i + 1
    if i < len(art.doc) and art.doc[i].text == ".":
        i += 1
    if i < len(art.doc) and art.mention_of[i] >= 0 and \
            art.mentions[art.mention_of[i]].label == "PERSON":
        return art.mention_span(art.mention_of[i])
    return None


def capital_after_quote(art: ArticleTables, tok: Token) -> bool:
    """A capitalised word right after a quote's closing mark or a comma, where no sentence
    starts: in "“…,” Will wrote" or "…, Stone said" it is a name, however the tagger reads
    the word (a modal, a noun)."""
    if not tok.text[:1].isupper() or tok.text == "I" or tok.i == 0 or \
            tok.i + 1 >= len(art.doc) or tok.pos_ in ("PRON", "DET", "PUNCT"):
        return False
    prev = art.doc[tok.i - 1]
    return prev.text == "," or (prev.text in ("”", '"') and art.quote_of[prev.i] >= 0 and
                                art.text[prev.idx - 1:prev.idx] == ",")


def name_run_start(tok: Token) -> int:
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
    first = tok.doc[name_run_start(tok)]
    return (first.idx, tok.idx + len(tok.text), label)


def _name_in_phrase(art: ArticleTables, head: Token) -> tuple[int, int, str] | None:
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
                                         norm_title(head.text) in SPOKES_NOUNS)
                                        or child.lower_ == "from" or
                                        (child.lower_ in ("by", "in") and
                                         norm_title(head.text) in DOCUMENT_NOUNS)):
            # "a spokesman for Sanders"; "a letter from the ACLU" is the ACLU's, and so are
            # "a study by the ACLU" and "an editorial in the Register" the author's
            cands = [t for t in child.children if t.dep_ == "pobj"]
        elif child.dep_ == "acl" and norm_title(head.text) in DOCUMENT_NOUNS and \
                child.lemma_.lower() in AUTHORING_VERBS:
            # "a court document filed by state attorney Jo Doe"
            cands = [t for agent in child.children if agent.dep_ == "agent"
                     for t in agent.children if t.dep_ == "pobj"]
        for t in cands:
            k = art.mention_of[t.i]
            if k < 0 and child.dep_ == "poss" and t.i == child.i and art.quote_of[t.i] < 0 and \
                    art.name_labels.get(t.text) == "PERSON" and norm_title(head.text) in ORG_NOUNS:
                # "Sanders’ campaign" where the NER missed this "Sanders": a person's
                # campaign or office, by a name the article labels elsewhere
                span = _name_run(t, "PERSON")
            elif k >= 0 and art.quote_of[t.i] < 0:
                span = art.mention_span(k)
            else:
                continue
            rank = (span[2] == "PERSON", span[2] == "PERSON" and child.dep_ == "appos")
            if best is None or rank > best_rank:
                best, best_rank = span, rank
    return best


def _issuer(art: ArticleTables, head: Token, before_char: int) -> tuple[int, int, str] | None:
    """Whoever put out the text a document noun names: "Black Lives Matter issued a statement
    saying…", "Trump released a marketing video that said…" are theirs."""
    verb = head.head
    if head.dep_ != "dobj" or norm_title(head.text) not in DOCUMENT_NOUNS or \
            verb.lemma_.lower() not in ISSUING_VERBS:
        return None
    subj = own_subject(art, verb)
    return resolve(art, subj, before_char) if subj is not None and subj.i != head.i else None


_OWNED_NOUNS = DOCUMENT_NOUNS | NOT_SOURCE_NOUNS | ORG_NOUNS


def _owner_of_words(art: ArticleTables, head: Token,
                    before_char: int) -> tuple[int, int, str] | None:
    """Whom a possessive pronoun stands for, when the subject is their text, their words or
    their organisation: "her tweet said", "his statement read", "his comments suggested",
    "what her team calls" are that person's (as "Trump's campaign said" is Trump's)."""
    noun = norm_title(head.text)
    if head.dep_ not in SUBJECT_DEPS or head.head.pos_ != "VERB" or \
            (noun not in _OWNED_NOUNS and noun.removesuffix("s") not in _OWNED_NOUNS):
        return None  # (not an object: "will only make his voice louder: “…”")
    for child in head.children:
        if child.dep_ != "poss":
            continue
        before_char = min(before_char, child.idx)
        if child.lower_ in ("his", "her"):
            return _recent_person(art, before_char, "he" if child.lower_ == "his" else "she")
        if child.lower_ in ("its", "their"):
            return _group_antecedent(art, before_char, singular=child.lower_ == "its")
    return None


def _looks_like_name(tok: Token) -> bool:
    """A capitalised subject with no determiner: a proper name the NER did not label."""
    if not tok.text[:1].isupper() or tok.pos_ not in ("PROPN", "NOUN"):
        return False
    if any(c.dep_ == "det" for c in tok.children):
        return False
    if tok.pos_ == "NOUN" and (tok.i == 0 or tok.i == tok.sent.start or tok.nbor(-1).is_space):
        return False  # a capital at a sentence start says nothing
    return norm_title(tok.text) not in ORG_NOUNS and tok.text.lower() not in TITLE_ABBREV


def _resolve_description(art: ArticleTables, subj: Token,
                         before_char: int) -> tuple[int, int, str] | None:
    """"the Secretary General" → the latest person whose description has that head word;
    "the newspaper" → the latest organisation."""
    if _is_indefinite(subj):
        return None  # "one Florida strategist", "a paper": someone new, not someone named
    head = norm_title(subj.text)
    # a party word describes too many people to pick one by description ("Republican
    # Mitch McConnell" is not "the Wisconsin Republican"): only the person beside it or the
    # one the story is about
    k = -1 if _party_member_role(subj) else bisect_left(art.mention_starts, before_char) - 1
    while k >= 0 and art.mentions[k].span.start >= before_char - 8000:
        if art.mentions[k].label == "PERSON" and head in art.titles(k):
            return art.mention_span(k)
        k -= 1
    if head in ORG_NOUNS:
        return _owner_named_before(art, subj) or _recent_org(art, before_char)
    if (head in ROLE_NOUNS or _party_member_role(subj)) and _with_the(subj):
        beside = name_beside(art, subj)
        if beside is not None or (subj.dep_ == "appos" and not _past_dash(subj)):
            return beside
        # "Marco Rubio spoke in Miami, where Trump leads. The Florida senator said…": a role
        # the article never gave anyone by name refers back to whom the story is about, the
        # person last written about as the subject of a sentence (not of a clause inside one)
        return _recent_main_subject(art, before_char)
    return None


def _owner_named_before(art: ArticleTables, subj: Token) -> tuple[int, int, str] | None:
    """"China's foreign ministry… “…,” the ministry said": the name the same noun had the
    last time the article used it, within a few paragraphs (or the name it was part of); a
    country is its government. Nearer than the organisation named last, which is often
    another one; None when that last use named nobody."""
    i = subj.i - 1
    while i >= 0 and subj.i - i < 400:
        tok = art.doc[i]
        if tok.lower_ == subj.lower_ and art.quote_of[i] < 0:
            if art.mention_of[i] >= 0:  # "The Ministry of Defence… the ministry said"
                return art.mention_span(art.mention_of[i])
            for child in tok.children:
                if child.dep_ not in ("poss", "compound") or art.quote_of[child.i] >= 0:
                    continue
                k = art.mention_of[child.i]
                if k >= 0:
                    return art.mention_span(k)
                if names_a_place(art, child):
                    return place_speaker(art, child)
            return None  # the noun's last use named nobody ("the trade group for…")
        i -= 1
    return None


def _party_member_role(subj: Token) -> bool:
    """"the Wisconsin Republican", "the Nevada Democrat": a party word with "the" and a
    modifier is a role, like "the Florida senator" ("the Republicans", "the Democratic
    Party" are the party), and so is a singular people's name with "the" ("the Texan")."""
    if not _with_the(subj):
        return False
    if subj.ent_type_ == "NORP" and subj.tag_ == "NNP" and subj.dep_ in SUBJECT_DEPS:
        return True  # "the Texan said": one of a people, singular, is a person too
    return subj.lower_ in PARTY_MEMBER_NOUNS and \
        any(c.dep_ in ("compound", "amod", "nmod") and c.i < subj.i for c in subj.children)


def name_beside(art: ArticleTables, subj: Token) -> tuple[int, int, str] | None:
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


def _recent_main_subject(art: ArticleTables, before_char: int) -> tuple[int, int, str] | None:
    """The latest person, outside quotes, who is the subject of a sentence's main verb: named
    ("Rubio spoke") or he/she ("At the moment Christie learned…, he was clocking…"), or the
    possessor of that subject ("Trump's assertion drew rebukes")."""
    i = art.tok_at(before_char) - 1
    while i >= 0 and art.starts[i] >= before_char - 3000:
        tok = art.doc[i]
        main = tok.head if tok.dep_ == "appos" else tok  # "One of the authors, Jo Doe, said"
        if art.quote_of[i] < 0 and main.dep_ in SUBJECT_DEPS and _main_clause(main.head):
            if tok.lower_ in ("he", "she"):
                return _recent_person(art, tok.idx, tok.lower_)
            k = art.mention_of[i]
            # a person, even where the NER labels this one mention otherwise ("Trump", ORG)
            if k >= 0 and (art.mentions[k].label == "PERSON" or
                           art.name_labels.get(tok.text) == "PERSON"):
                m = art.mentions[k]
                return (m.span.start, m.span.end, "PERSON")
            # or whose words or deeds the subject is: "Donald Trump's assertion… drew rebukes"
            for child in tok.children:
                j = art.mention_of[child.i] if child.dep_ == "poss" else -1
                if j >= 0 and art.mentions[j].label == "PERSON" and art.quote_of[child.i] < 0:
                    return art.mention_span(j)
        i -= 1
    return None


def _main_clause(verb: Token) -> bool:
    """Is the verb its sentence's main one: the root, or a clause the root comes after
    ("Doe requested an inquiry, officials said"; "Doe requested an inquiry - this one on
    emails", where the parser roots the sentence in the aside)?"""
    return verb.dep_ == "ROOT" or (verb.dep_ == "ccomp" and verb.head.dep_ == "ROOT" and
                                   verb.i < verb.head.i)


def _is_indefinite(tok: Token) -> bool:
    """A noun phrase that introduces someone new: "a", "an", "another", "one", "several"...
    or a number with no definite determiner ("two Republicans", not "the two senators")."""
    kids = [c for c in tok.children if c.dep_ in ("det", "nummod", "amod", "quantmod")]
    if any(c.lower_ in INDEFINITE_DETS for c in kids):
        return True
    # a number before the noun counts ("two Republicans"), not one after it ("Channel 4")
    return any(c.dep_ == "nummod" and c.like_num and c.i < tok.i for c in kids) and \
        not any(c.dep_ in ("det", "poss") for c in tok.children)


def _phrase_head(tok: Token) -> Token:
    """The noun a modifier before it modifies, through compounds ("Iowa" → "Democrat",
    "Trump" → "supporter", "campaign" in "a campaign TV ad" → "ad"); else `tok` itself."""
    head = tok
    while head.dep_ in ("compound", "amod", "nmod") and head.i < head.head.i:
        head = head.head
    return head


def _with_the(tok: Token) -> bool:
    """Does the noun have "the" for its determiner ("the Florida senator", "the designer")?"""
    return any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children)


def anonymous_member(art: ArticleTables, tok: Token) -> Token | None:
    """The head of an indefinite noun phrase that `tok` is part of, when that phrase is
    some unnamed member(s) of a group: "an Iowa Democrat", "a Republican senator", "one
    Labour MP", "two Republicans", "a Trump supporter". A spokesperson is not one: "a
    Clinton spokesman" speaks for Clinton, "a representative for the union" for the union;
    nor is a text from someone ("a statement from the party" is the party's)."""
    if tok.lower_ in ("another", "one") and tok.pos_ in ("DET", "NUM", "PRON") and \
            tok.dep_ in SUBJECT_DEPS and not any(c.dep_ != "punct" for c in tok.children):
        return tok  # standing for a noun said before: "one user wrote… Another said"
    head = _phrase_head(tok)
    if not _is_indefinite(head) or name_label(art, head) == "PERSON" or \
            art.name_labels.get(head.text) == "PERSON":
        # "an angry Rutte" (even where the NER labels this "Rutte" otherwise), "Jo Doe, 66,"
        return None
    noun = norm_title(head.text)
    if head.lower_ in SPOKESPEOPLE or noun in DOCUMENT_NOUNS or noun in NOT_SOURCE_NOUNS:
        return None
    for child in head.children:
        if noun in SPOKES_NOUNS and child.dep_ in ("compound", "poss") and \
                name_label(art, child) in ("PERSON", "ORG"):
            return None  # "a Channel 4 representative"; "a Republican representative" is one
        if child.dep_ == "prep" and (
                (child.lower_ == "for" and noun in SPOKES_NOUNS) or
                (child.lower_ == "from" and head.ent_type_ != "NORP" and
                 any(t.dep_ == "pobj" and t.ent_type_ in ("PERSON", "ORG")
                     for t in child.children))):
            return None
    return head


def unnamed_group(art: ArticleTables, tok: Token) -> Token | None:
    """The head of a plural noun phrase that `tok` is part of, when the phrase is people the
    text describes without naming them: "Law enforcement sources have said", "Sanders
    protesters interrupted her, shouting", "Hundreds of demonstrators marched, chanting". Not
    a name ("Democrats" is a group that speaks for itself: an organisation), a document
    ("the reports said") or a spokesperson (who speaks for someone)."""
    head = _phrase_head(tok)
    if head.tag_ != "NNS" or art.mention_of[head.i] >= 0 or art.name_labels.get(head.text):
        return None
    noun = norm_title(head.text).removesuffix("s")
    if noun in DOCUMENT_NOUNS or noun in SPOKES_NOUNS or noun in NOT_SOURCE_NOUNS or \
            head.lower_ in SPOKESPEOPLE:
        return None
    if any(c.dep_ == "compound" and norm_title(c.text) in DOCUMENT_NOUNS for c in head.children):
        return None  # "the document states": a verb the tagger took for a plural noun
    return head


def unnamed_document(art: ArticleTables, tok: Token) -> Token | None:
    """The head of a noun phrase that `tok` is part of, when the phrase is a text whose
    author the sentence does not name: "the order released Friday said", "One news account
    described", "An Egyptian textbook just published for 9th graders explains", or a law
    the NER names ("the First Amendment says"). Not one with a possessor ("her tweet", "Trump's
    statement": the author's words, found or not) or an author inside it ("a Gallup poll"
    is Gallup's: `_name_in_phrase` finds that before this is asked)."""
    head = _phrase_head(tok)
    if head.ent_type_ == "LAW" and art.mention_of[head.i] < 0:
        return head
    if head.pos_ != "NOUN" or any(c.dep_ == "poss" and _could_write(c) for c in head.children):
        return None  # (but "Thursday's memo" is a text whose author is not named)
    return head if names_a_text(head.text) else None


def names_a_text(word: str) -> bool:
    """Is the word (singular or plural) a noun for a text: "poll", "reports", "the Memo"?"""
    noun = norm_title(word)
    return noun in DOCUMENT_NOUNS or noun.removesuffix("s") in DOCUMENT_NOUNS


def _described_person(art: ArticleTables, tok: Token) -> Token | None:
    """A singular noun with "the" that speaks and that the article gives no name: "said
    the designer, who works for another brand" (the woman it quoted without naming)."""
    head = _phrase_head(tok)
    noun = norm_title(head.text)
    if head.tag_ != "NN" or art.mention_of[head.i] >= 0 or head.dep_ not in SUBJECT_DEPS or \
            not is_reporting(head.head) or \
            noun in ORG_NOUNS or noun in SPOKES_NOUNS or noun in NOT_SOURCE_NOUNS or \
            names_a_text(head.text) or not _with_the(head):
        return None
    return head


def _could_write(tok: Token) -> bool:
    """Could this possessor be a text's author: a pronoun, or anything but a date or time?"""
    return tok.pos_ == "PRON" or tok.ent_type_ not in ("DATE", "TIME")


def _phrase_end(tok: Token) -> int:
    """The index of the last word of `tok`'s phrase before any clause inside it and the
    punctuation that sets the clause off: "to both senators" in "to both senators, who asked
    not to be named", whichever word the parser hangs the clause on."""
    clauses = [t.left_edge.i for t in tok.subtree if t.dep_ in CLAUSE_DEPS and t.i != tok.i]
    end = min([tok.right_edge.i] + [i - 1 for i in clauses])
    while end > tok.i and tok.doc[end].is_punct:
        end -= 1
    return end


def unnamed_source(art: ArticleTables, subj: Token) -> tuple[int, int] | None:
    """How the text describes a speaker it does not name, as a span: "a senior Cruz
    adviser", "one Democrat familiar with the talks", "a Mexican official" (not "who was not
    authorized to speak publicly"), or a group of people the text names only by what they
    are ("Law enforcement sources", "Sanders protesters", "Leaders of the organization"),
    or a text whose author the sentence does not name ("the order released Friday"), or what
    an "it"/"they" subject stands for when that is one of these. None otherwise."""
    if subj.lower_ in GROUP_PRONOUNS:
        # "The email… “…,” it reads": what the pronoun stands for, when that names nobody
        antecedent = group_antecedent(art, subj.idx, subj.lower_ == "it")
        if antecedent is None or resolve(art, antecedent, antecedent.idx) is not None:
            return None
        subj = antecedent
    document = None
    head = anonymous_member(art, subj) or unnamed_group(art, subj)
    if head is None:
        head = document = unnamed_document(art, subj)
    if head is None:
        head = _described_person(art, subj)
    if head is None or art.quote_of[head.i] >= 0:
        return None
    doc = art.doc
    first, last = head.left_edge.i, head.i
    while first < last and doc[first].dep_ in ("advmod", "cc", "preconj", "punct"):
        first += 1  # "even a top strategist said": the sentence's word, not the source's
    for child in head.rights:  # words after the noun that still describe it, never a clause
        end = _phrase_end(child)
        # (a comma inside is only one that lists what the people are: "A group of 67 Latin
        # American artists, writers, actors and scientists")
        # (a text is also described by a past participle after it: "the order released
        # Friday", not "a statement saying")
        described_by = child.dep_ in ("prep", "amod") or \
            (document is not None and child.dep_ == "acl" and child.tag_ == "VBN")
        if not described_by or end - first > 12 or \
                any((doc[i].is_punct and not _lists(doc, i)) or art.quote_of[i] >= 0
                    for i in range(last + 1, end + 1)):
            break
        last = end
    after = doc[last + 1] if last + 1 < len(doc) else None
    if after is not None and last == head.i and after.dep_ == "prep" and \
            after.lower_ in ("to", "of") and after.head.i == head.head.i and head.head.i < head.i:
        # "said one longtime adviser to Bill Clinton": the parse hangs the phrase on the verb
        # before the source, but a verb said to someone puts "to" before its subject
        names = [t for t in after.children if t.dep_ == "pobj" and art.mention_of[t.i] >= 0]
        if names and _phrase_end(after) - first <= 12:
            last = _phrase_end(after)
    if any(art.quote_of[i] >= 0 for i in range(first, last + 1)):
        return None
    return (doc[first].idx, doc[last].idx + len(doc[last].text))


def _lists(doc, i: int) -> bool:
    """Is token i a comma between the members of a list ("artists, writers and actors")?"""
    return doc[i].text == "," and i + 1 < len(doc) and doc[i + 1].dep_ == "conj"


def name_label(art: ArticleTables, tok: Token) -> str:
    """PERSON, ORG or NORP when the token is part of such a mention (or of a name the
    article labels elsewhere), else ""."""
    k = art.mention_of[tok.i]
    if k >= 0:
        return art.mentions[k].label
    return art.name_labels.get(tok.text, "") if tok.text[:1].isupper() else ""


def _named_member(art: ArticleTables, head: Token, before_char: int):
    """An unnamed member of a group names nobody, unless an apposition or a participle names
    the person ("a Republican senator, Jo Doe, said", "an academic named Eric Kingson")."""
    for child in head.children:
        if child.dep_ == "appos":
            named = resolve(art, child, before_char)
            if named is not None and named[2] == "PERSON":
                return named
    return _named_by_participle(art, head)


# Participles that give a described person's name: "an academic named Eric Kingson", "the
# base chief known as Bob", "a man identified as Jo Doe".
_NAMING_PARTICIPLES = frozenset("name know call identify".split())


def _named_by_participle(art: ArticleTables, head: Token) -> tuple[int, int, str] | None:
    for child in head.children:
        if child.dep_ != "acl" or child.lemma_.lower() not in _NAMING_PARTICIPLES or \
                child.tag_ != "VBN":
            continue
        names = [t for t in child.children if t.dep_ in ("oprd", "attr", "dobj", "npadvmod")]
        names += [t for prep in child.children if prep.dep_ == "prep" and prep.lower_ == "as"
                  for t in prep.children if t.dep_ == "pobj"]
        for t in names:
            k = art.mention_of[t.i]
            if k >= 0 and art.mentions[k].label == "PERSON" and art.quote_of[t.i] < 0:
                return art.mention_span(k)
    return None


# How many sentences a person named since may be from the last subject of the pronoun's
# gender before the pronoun means them instead (measured on the PolNeAR harness: 4 or fewer
# let a passing name take over a story that is still about its subject).
_SUBJECT_FADES_AFTER = 5


def _recent_person(art: ArticleTables, before_char: int,
                   pronoun: str) -> tuple[int, int, str] | None:
    """Whom a he/she most likely means: the latest person mention outside quotes that was a
    subject, else the latest person mention; people whose gender the article shows to be
    the other one are skipped. A person named since the subject, though not as a subject,
    takes over once the subject is several sentences back ("McDonough was responding to a
    message from Wendy Sherman… “…,” she wrote" is Sherman, not the Clinton of long ago)."""
    want = "m" if pronoun in ("he", "him") else "f"
    k = bisect_left(art.mention_starts, before_char) - 1
    latest = -1  # the latest person mention of that gender, subject or not
    while k >= 0 and art.mentions[k].span.start >= before_char - 3000:
        tok = _person_head(art, k, want)
        if tok is not None:
            if _is_subject(tok) and not _between_dashes(art, tok):
                if latest >= 0 and _takes_over(art, latest, tok, pronoun, want):
                    return art.mention_span(latest)
                return art.mention_span(_main_subject_beside(art, k, tok, want))
            if latest < 0:
                latest = k
        k -= 1
    return art.mention_span(latest) if latest >= 0 else None


def _takes_over(art: ArticleTables, k: int, subject: Token, pronoun: str, sex: str) -> bool:
    """Does person mention k, not a subject, stand for the pronoun rather than the older
    `subject`? Only when the article gives k that gender itself (not a stray capitalised
    phrase the NER took for a person), the subject is several sentences back, and k's own
    sentence is not about someone else the pronoun could mean ("He lambasted the deal
    negotiated by President Obama", "the actor discussed…")."""
    tok = art.doc[art.tok_at(art.mentions[k].span.end - 1)]
    if art.bounds_before[tok.i] - art.bounds_before[subject.i] < _SUBJECT_FADES_AFTER:
        return False
    if art.gender_of(art.mentions[k].text) != sex:
        return False
    for c in tok.sent.root.children:
        if c.dep_ in SUBJECT_DEPS and c.i != tok.i and (
                c.lower_ == pronoun or
                (c.pos_ == "NOUN" and any(d.lower_ == "the" for d in c.children))):
            return False
    return True


def _person_head(art: ArticleTables, k: int, gender: str) -> Token | None:
    """The last token of mention k when it is a person outside quotes who may be of
    `gender`, else None."""
    m = art.mentions[k]
    if m.label != "PERSON":
        return None
    tok = art.doc[art.tok_at(m.span.end - 1)]
    if art.quote_of[tok.i] >= 0 or art.gender_of(m.text) not in ("", gender):
        return None
    return tok


def _is_subject(tok: Token) -> bool:
    """Is `tok` a subject, or a name set beside one? Not a name joined to a pronoun ("He
    said he and Trump differ…" goes on about whoever "he" is, not Trump)."""
    return tok.dep_ in SUBJECT_DEPS or (tok.dep_ in ("appos", "conj")
                                        and tok.head.dep_ in SUBJECT_DEPS
                                        and not (tok.dep_ == "conj" and tok.head.pos_ == "PRON"))


def _between_dashes(art: ArticleTables, tok: Token) -> bool:
    """Is `tok` inside a narrator's aside set off by a pair of dashes in its sentence? A
    subject there is not whom the story goes on about: in "“I don't think the conventional
    wisdom” -- that Bloomberg is perceived as a liberal -- “is going to last,” he says" the
    "he" is whoever spoke before, not Bloomberg."""
    found = 0
    for step in (-1, 1):
        j = tok.i + step
        while 0 <= j < len(art.doc) and art.same_sentence(tok.i, j) and art.quote_of[j] < 0:
            # a dash set off by spaces (not the hyphen in "Cobb-Hunter")
            if art.doc[j].text in DASHES and art.doc[j].whitespace_ and \
                    art.doc[j - 1].whitespace_:
                found += 1
                break
            j += step
    return found == 2


def _subject_verb(subj: Token) -> Token:
    """The verb a subject (or a name set beside a subject) is the subject of."""
    return subj.head if subj.dep_ in SUBJECT_DEPS else subj.head.head


def _main_subject_beside(art: ArticleTables, k: int, tok: Token, gender: str) -> int:
    """Mention k is the latest subject; when it is a subordinate clause's and the main
    clause of its sentence has a person subject before it, that one is whom the story is
    following ("Levin dismissed concerns… even though Sanders won Michigan. “…,” he said"
    is Levin). Not when its clause is an aside that says who is speaking ("Trump, Sexton
    said, has created a “…”": the story follows Sexton)."""
    verb = _subject_verb(tok)
    if verb.dep_ == "ROOT" or (verb.dep_ == "parataxis" and is_reporting(verb)):
        return k
    j = k - 1
    while j >= 0 and art.same_sentence(art.tok_at(art.mentions[j].span.start), tok.i):
        other = _person_head(art, j, gender)
        if other is not None and _is_subject(other) and _subject_verb(other).dep_ == "ROOT":
            return j
        j -= 1
    return k


# How many sentence ends back an "it" or "they" looks for the subject it stands for.
_GROUP_PRONOUN_REACH = 2


def _group_antecedent(art: ArticleTables, before_char: int,
                      singular: bool) -> tuple[int, int, str] | None:
    """Whom an "it" or "they" speaking stands for: the latest main-clause subject before it,
    within two sentences, that is not a person, when that subject names an organisation
    ("The Post reported that Klein said… It added, “…”", "Senate Democrats blocked the bill
    because they said", "The newspaper… writes… “…,” they conclude", "Trump's campaign put
    out a statement… it said" → Trump). Anything else it
    stands for names nobody: a document ("The email… “…,” it reads"), people the article
    does not name ("the protesters… they chanted"); `unnamed_source` describes those. The
    organisation named last is too often not the one meant ("…on the Electoral College.
    “…,” it read" is the newspaper's). An "it" passes over plural subjects ("Two Americans
    were killed": not what "it reads" means)."""
    subj = group_antecedent(art, before_char, singular)
    # (a person only through a phrase: "Trump's campaign… it said" is Trump's)
    return resolve(art, subj, subj.idx) if subj is not None else None


def group_antecedent(art: ArticleTables, before_char: int, singular: bool,
                     depth: int = 0) -> Token | None:
    """The subject an "it" (`singular`) or "they" at `before_char` refers back to (see
    _group_antecedent)."""
    i = art.tok_at(before_char) - 1
    limit = art.bounds_before[i] - _GROUP_PRONOUN_REACH if i >= 0 else 0
    while i >= 0 and art.bounds_before[i] >= limit:
        tok = art.doc[i]
        if art.quote_of[i] < 0 and tok.dep_ in SUBJECT_DEPS and tok.head.dep_ == "ROOT" and \
                not _names_a_person(art, tok) and not (singular and _plural(art, tok)) and \
                not (not singular and tok.tag_ == "NN" and norm_title(tok.text) not in ORG_NOUNS
                     and not any(c.dep_ == "conj" for c in tok.children)):
            # (a "they" is people or an organisation, never "the controversy" before it; "the
            # senator and his allies" are people)
            if tok.lower_ in GROUP_PRONOUNS:
                return group_antecedent(art, tok.idx, tok.lower_ == "it", depth + 1) \
                    if depth < 3 else None
            return tok
        i -= 1
    return None


def _plural(art: ArticleTables, tok: Token) -> bool:
    """A plural noun or a people's name ("Americans", "Republicans"); not "The Times"."""
    k = art.mention_of[tok.i]
    return tok.tag_ == "NNS" or tok.lower_ == "they" or \
        (k >= 0 and art.mentions[k].label == "NORP")


def _names_a_person(art: ArticleTables, tok: Token) -> bool:
    if tok.lower_ in PERSON_PRONOUNS or tok.lower_ in FIRST_SECOND_PERSON:
        return True
    k = art.mention_of[tok.i]
    return k >= 0 and art.mentions[k].label == "PERSON"


def _recent_org(art: ArticleTables, before_char: int) -> tuple[int, int, str] | None:
    k = bisect_left(art.mention_starts, before_char) - 1
    while k >= 0 and art.mentions[k].span.start >= before_char - 1500:
        m = art.mentions[k]
        if m.label == "ORG" and art.quote_of[art.tok_at(m.span.start)] < 0:
            return art.mention_span(k)
        k -= 1
    return None


def names_a_place(art: ArticleTables, tok: Token | None) -> bool:
    return tok is not None and art.mention_of[tok.i] < 0 and \
        (art.is_place[tok.i] or tok.ent_type_ in PLACE_LABELS)


def place_speaker(art: ArticleTables, tok: Token) -> tuple[int, int, str]:
    """A place as a speaker: its mention (or name) as an organisation, or as a person when the
    sentence describes one ("Iampaglia, who graduated…", "Santos, legal director of…")."""
    person = any((c.dep_ == "relcl" and c.left_edge.lower_ in ("who", "whose")) or
                 (c.dep_ == "appos" and norm_title(c.text) in ROLE_NOUNS | SPOKES_NOUNS)
                 for c in tok.children)
    label = "PERSON" if person else "ORG"
    first = name_run_start(tok)
    return (art.doc[first].idx, tok.idx + len(tok.text), label)
