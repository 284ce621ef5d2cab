"""What in a quote's sentence attributes it: the reporting verb that governs it in the
parse, a verb and name right after it, a clause before it, "according to", a name and a
colon, a byline; and the verb's subject, climbing the parse. Part of the quote finder (see
builder/quotes.py for the rules).
"""
from __future__ import annotations


from spacy.tokens import Token

from .quote_article import ArticleTables, QuoteDraft, norm_title
from .quote_words import (
    ADDRESSED_VERBS, ASKING_VERBS, DASHES, DOCUMENT_NOUNS, NOT_INVERTED_VERBS, PLACE_LABELS,
    RELATIVE_PRONOUNS, REPORTED_DEPS, REPORTING_VERBS, SENTENCE_END_CHARS, SPEAKER_LABELS,
    SUBJECT_DEPS, WH_WORDS,
)
from .speakers import (
    anonymous_member, capital_after_quote, is_reporting, name_beside, name_label,
    name_run_start, names_a_place, own_subject, resolve, unnamed_group,
)


_MAX_WINDOW = 40  # tokens looked at on each side of a quote
_MAX_CLIMB = 8  # how far up the parse a quote's governing verb is looked for


# --- reporting verbs and their subjects -------------------------------------------------


def subject_of(art: ArticleTables, verb: Token) -> Token | None:
    """The subject of a reporting verb, climbing through conjunctions, clauses and control
    verbs ("went on to say", "said and added", "before claiming")."""
    tok = verb
    for _ in range(5):
        subj = own_subject(art, tok)
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


def speaker_of_verb(art: ArticleTables, verb: Token,
                    before_char: int) -> tuple[int, int, str] | None:
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
        return resolve(art, pobj, before_char)
    tok = verb
    described = None  # a subject met that describes someone it does not name
    for step in range(6):
        subj = own_subject(art, tok)
        if step > 0 and _reported_clause(tok) and tok.head.i < tok.i and \
                art.same_sentence(tok.i, tok.head.i) and not _attribution_after_quote(art, tok):
            # "Trump said that Romney had “…,” adding": not Romney's adding (but in "Comey
            # cannot say that “…,” Lewandowski added, saying" the adding is Lewandowski's)
            subj = None
        if subj is not None:
            if described is None and subj.pos_ == "NOUN":
                described = subj
            speaker = resolve(art, subj, before_char)
            unnamed = speaker is None and anonymous_member(art, subj) is not None
            if unnamed or (speaker is None and art.unnamed_subject is None and
                           unnamed_group(art, subj) is not None):
                art.unnamed_subject = subj  # for the quote's source (see unnamed_source)
            # an unnamed member stops the climb only as the subject of a reporting verb ("a
            # senior official said, adding"): "denied that a shakeup is coming, explaining"
            # is still the denier's explaining
            if speaker is not None or step == 0 or (unnamed and is_reporting(tok)):
                return speaker
        if tok.dep_ == "relcl":
            return resolve(art, tok.head, before_char)
        if _describes_document(tok):
            # "issued a statement saying": the statement's issuer, else on up ("wrote a
            # letter asking…", "revised her statement explaining…": who wrote or revised it)
            speaker = resolve(art, tok.head, before_char)
            if speaker is not None:
                return speaker
        if tok.head.i == tok.i or not art.same_sentence(tok.i, tok.head.i):
            break
        tok = tok.head
    if described is not None:
        # "The editor I spoke to, Tim Grieve, cut in to announce": the name set beside it;
        # "Clinton’s right-hand woman rallied…, saying": nobody named, not a name nearby
        return name_beside(art, described)
    for tok in _adjacent_names(art, verb):
        speaker = resolve(art, tok, before_char)
        if speaker is not None or anonymous_member(art, tok) is not None:
            return speaker  # the nearest is an unnamed member ("a White House official")
    return None


def _attribution_after_quote(art: ArticleTables, verb: Token) -> bool:
    """"“…,” Lewandowski added": a reporting verb whose subject stands right after a quote,
    an attribution of its own even where the parse makes it part of another report."""
    subj = own_subject(art, verb)
    if not is_reporting(verb) or subj is None or subj.i != verb.i - 1:
        return False
    first = name_run_start(subj)
    return first > 0 and art.quote_of[first - 1] >= 0


def _describes_document(verb: Token) -> bool:
    """"a statement saying", "an ad claiming": a participle describing a text, whose words
    the text is."""
    return verb.dep_ == "acl" and verb.tag_ == "VBG" and \
        norm_title(verb.head.text) in DOCUMENT_NOUNS


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
    if not is_reporting(tok.head):
        return False
    if tok.dep_ == "ccomp":
        return True
    # "as Roe walks in, saying…" / "while Roe…, saying": the one in the clause does both
    return tok.dep_ == "advcl" and tok.head.i < tok.i and \
        not any(c.dep_ == "mark" and c.lower_ in ("as", "while") for c in tok.children)


def _adjacent_names(art: ArticleTables, verb: Token) -> list[Token]:
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
                    tok.text in art.name_labels or capital_after_quote(art, tok))):
                # a name, or a word the NER labels a name elsewhere right before the verb
                # ("“…,” Trump barked" with "Trump" unlabelled here)
                names.append(tok)
        i -= 1
    # a name that only modifies another name's apposition is not the speaker: "Gene
    # Sperling, a Clinton adviser, said" and "Jo Doe, founder of the Center, said" are
    # Sperling and Doe
    at = {t.i for t in names}
    names = [t for t in names if not _inside_apposition(art, t, at)]
    # a name outside any prepositional phrase before one inside ("Sullivan, in an attempt to
    # draw attention to Clinton's record, wrote" is Sullivan)
    return out + sorted(names, key=lambda t: _under_preposition(t, verb))


def _under_preposition(tok: Token, verb: Token) -> bool:
    """Is `tok` inside a prepositional phrase ("Sullivan, in an attempt to draw attention
    to Clinton's record, wrote": Clinton is what the aside is about, not who wrote)?"""
    for a in tok.ancestors:
        if a.i == verb.i:
            return False
        if a.dep_ == "prep":
            return True
    return False


def _in_relative_clause(tok: Token, verb: Token) -> bool:
    """Is `tok` inside a relative clause that ends before `verb` ("Levine, who has given
    money to Rubio, said": Rubio is not who said it)?"""
    for a in tok.ancestors:
        if a.i == verb.i:
            return False
        if a.dep_ == "relcl" and a.i < verb.i:
            first = a.left_edge
            return first.lower_ in WH_WORDS and first.i > 0 and \
                first.nbor(-1).text == "," and a.head.i < first.i
    return False


def _inside_apposition(art: ArticleTables, tok: Token, names: set[int]) -> bool:
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


# --- cues: what in the quote's sentence attributes it ------------------------------------


def _top_tokens(art: ArticleTables, q: QuoteDraft, qid: int) -> list[Token]:
    """The quote's words whose syntactic head lies outside the quote."""
    out = []
    for p in q.pieces:
        last = art.tok_at(max(p.inner_start, p.inner_end - 1))
        for i in range(art.tok_at(p.inner_start), last + 1):
            tok = art.doc[i]
            if art.quote_of[tok.head.i] != qid and not tok.is_punct:
                out.append(tok)
    return out


def _in_quote_sentence(art: ArticleTables, q: QuoteDraft, i: int) -> bool:
    """Is token i in the quote's own sentence (no sentence or paragraph end between)?"""
    if i < q.first_tok:
        return art.bounds_before[q.first_tok] == art.bounds_before[i + 1]
    if i > q.last_tok:
        return art.bounds_before[i] == art.bounds_before[q.last_tok + 1]
    return True


def _cue_from_tree(art: ArticleTables, q: QuoteDraft, qid: int):
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
            if art.quote_of[tok.i] < 0 and is_reporting(tok) and \
                    not (tok.dep_ == "relcl" and tok.i < q.first_tok and
                         not _calls_its_object(art, tok, q)) and \
                    not (_addressed_in_passive(tok) and
                         (tok.i != top.head.i or not _asked_or_agent(tok))):
                subj = subject_of(art, tok)
                if subj is not None:
                    return _outer_reporter(art, q, tok, subj)
            if tok.head.i == tok.i or (tok.dep_ == "advcl" and tok.i < q.first_tok and any(
                    c.dep_ == "mark" and c.lower_ in _CONTRASTS for c in tok.children)):
                # "X sniped that…, while Y penned letters that called him “…”": the quote is
                # in a clause of its own, not what the main verb reports
                break
            tok = tok.head
    return None


# Marks of an adverbial clause that sets another event beside the main one.
_CONTRASTS = frozenset("while whereas although though".split())


def _calls_its_object(art: ArticleTables, verb: Token, q: QuoteDraft) -> bool:
    """"a clip that Judge Mosman called “distasteful,”", "in which Trump called himself “…”":
    a relative clause whose named subject calls something by the quote is its attribution
    (unlike "Nothing the president said “will help,” the senator said", where the parse
    merely hangs the quote on the clause). A pronoun subject is left to the main clause: in
    "Clinton, whom he called “…”" the "he" is not the nearest name."""
    subj = own_subject(art, verb)
    return verb.lemma_.lower() in NOT_INVERTED_VERBS and subj is not None and \
        name_label(art, subj) in ("PERSON", "ORG") and \
        all(c.i < q.first_tok for c in verb.children if c.dep_ in ("dobj", "nsubj"))


def _outer_reporter(art: ArticleTables, q: QuoteDraft, verb: Token, subj: Token):
    """The reporting verb that vouches for the quote: when the verb governing it is inside
    what another reporting verb reports ("Doe said she is sure Roe will continue to be
    “…”", "Doe said Roe begged him and “…”"), the outer one's subject is the source."""
    best = (verb, subj, verb.lemma_.lower())
    if verb.i > q.first_tok:
        return best  # "Doe said: “…,” the Ledger reported": not a clause inside another
    tok = verb
    for _ in range(_MAX_CLIMB):
        if tok.head.i == tok.i or tok.dep_ not in REPORTED_DEPS:
            break
        tok = tok.head
        if not _in_quote_sentence(art, q, tok.i) or art.quote_of[tok.i] >= 0:
            break
        if is_reporting(tok) and tok.i < verb.i:
            outer = own_subject(art, tok)
            if outer is not None:
                best = (tok, outer, tok.lemma_.lower())
    return best


def sentence_window(art: ArticleTables, q: QuoteDraft, qid: int, step: int) -> list[int]:
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
            if inner[-1:] in SENTENCE_END_CHARS:
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


def _between(art: ArticleTables, q: QuoteDraft) -> list[int]:
    out = []
    for p, nxt in zip(q.pieces, q.pieces[1:]):
        a, b = art.tok_at(p.end), art.tok_at(nxt.start)
        out.extend(i for i in range(a, b) if art.quote_of[i] < 0 and not art.doc[i].is_space)
    return out


def cue_in_window(art: ArticleTables, window: list[int], prefer_last: bool):
    """A reporting verb (or "according to") in a window of tokens, and its subject."""
    for i in (reversed(window) if prefer_last else window):
        tok = art.doc[i]
        if tok.lower_ == "according" and i + 1 < len(art.doc) and art.doc[i + 1].lower_ == "to":
            obj = next((c for c in art.doc[i + 1].children if c.dep_ == "pobj"), None)
            if obj is None and i + 2 < len(art.doc):
                obj = art.doc[i + 2]
            return tok, obj, "according-to"
        if is_reporting(tok) and not _in_aside(art, i):
            return tok, subject_of(art, tok), tok.lemma_.lower()
    return None


def _in_aside(art: ArticleTables, i: int) -> bool:
    """Token i is inside a parenthesis with no quote in it ("…not for her policy (think
    Eleanor Roosevelt) but for her “…”"): an aside, which attributes nothing outside it."""
    doc = art.doc
    edges = []
    # look left for the "(" and right for the ")", giving up at a quote or the other mark
    for step, edge, other in ((-1, "(", ")"), (1, ")", "(")):
        j = i + step
        while 0 <= j < len(doc) and abs(j - i) < 30 and art.same_sentence(i, j):
            if art.quote_of[j] >= 0 or doc[j].text == other:
                return False
            if doc[j].text == edge:
                edges.append(j)
                break
            j += step
    return len(edges) == 2


def according_to(art: ArticleTables, window: list[int]):
    """An "according to X" in the quote's sentence, as a cue."""
    for i in window:
        if art.doc[i].lower_ == "according" and i + 1 < len(art.doc) and \
                art.doc[i + 1].lower_ == "to":
            cue = cue_in_window(art, [i], prefer_last=False)
            if cue is not None and cue[1] is not None:
                return cue
    return None


def outer_report(art: ArticleTables, q: QuoteDraft, after: list[int], cue):
    """"“…,” said Jo Doe, reports the Ledger." / "“…,” Doe said, the Ledger reported.": a
    publication reporting the attributed quote is the outer source, as "according to" is.
    Not after a quote that ends its sentence ("“….” Her move was reported by the Ledger")."""
    if cue is None or cue[2] in ("according-to", "colon", "byline") or \
            q.inner_end in SENTENCE_END_CHARS:
        return None
    for i in after:
        tok = art.doc[i]
        if i <= cue[0].i or tok.lemma_.lower() != "report" or tok.pos_ != "VERB":
            continue
        # "said Jo Doe, reports the Ledger" may be parsed with both names as its subjects:
        # the one after the verb is the publication
        inverted = [c for c in tok.children if c.dep_ == "nsubj" and c.i > i]
        subj = inverted[0] if inverted else own_subject(art, tok)
        if subj is not None and subj.dep_ != "nsubj":
            return None  # "was reported by": what is reported, not who reports it
        if subj is None and i + 1 < len(art.doc) and art.mention_of[i + 1] >= 0:
            # "reports USA Today": the parse rarely makes the name the subject
            k = art.mention_of[i + 1]
            subj = art.doc[art.tok_at(art.mentions[k].span.end - 1)]
        if subj is not None:
            return tok, subj, "according-to"
    return None


def sentence_subject(art: ArticleTables, q: QuoteDraft, qid: int,
                     before: list[int]) -> Token | None:
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


# Words that open a subordinate clause after a quote, so the clause does not attribute it
# ("as" is left out: "“…,” as Doe put it" does).
_SUBORDINATORS = frozenset(
    "while whereas because although though when whenever after before since if unless until so".split())


def _cue_after_comma(art: ArticleTables, q: QuoteDraft, after: list[int]):
    """“…,” Toomey fumed / “…?” asked Smith: a quote that ends with a comma (or ? ! —) and is
    followed by a short clause: that clause's verb is the attribution, whatever its lemma."""
    if q.inner_end not in ",?!—–-…" or not after:
        return None
    first = after[0]
    if art.doc[first].lower_ in _SUBORDINATORS:
        return None  # "“…,” while Fiorina penned letters": a clause of its own, not "Doe said"
    for i in after[:7]:
        tok = art.doc[i]
        if tok.pos_ != "VERB" and tok.lemma_.lower() in REPORTING_VERBS and i > first:
            # a reporting verb the tagger took for a noun ("the Saudis state"): the words
            # between the quote and it are the subject
            head = max((art.doc[j] for j in range(first, i)
                        if art.doc[j].pos_ in ("PROPN", "NOUN", "PRON")), default=None,
                       key=lambda t: t.i)
            return (tok, head, "verb-noun") if head is not None else None
        if tok.pos_ == "VERB" or is_reporting(tok):
            subj = subject_of(art, tok)
            if subj is None or subj.i <= q.last_tok or subj.lower_ in RELATIVE_PRONOUNS:
                return None  # "its “Bathroom Bill,” which allows…": the quote is a name
            # "X fumed" with X opening the clause, or "fumed X" with the verb opening it
            if (subj.i < tok.i and subj.left_edge.i <= first + 1) or \
                    (i <= first + 1 and subj.i > tok.i):
                return tok, subj, tok.lemma_.lower()
            return None
    return None


def _cue_verb_before(art: ArticleTables, before: list[int]):
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
    subj = own_subject(art, verb)
    if subj is None or subj.i > verb.i:
        return None
    if subj.lower_ in WH_WORDS or subj.lower_ == "what":
        return None  # "Doe apologized for what happened:": not what happened speaking
    return verb, subj, verb.lemma_.lower()


def _cue_colon_clause(art: ArticleTables, before: list[int], marks=(":",)):
    """Doe has since apologized for what happened: “…” — a clause that ends with a colon
    right before the quote and whose main verb has a person or organisation (or a he or
    she) for subject introduces the quote, whatever the verb, when no reporting verb does.
    `marks` are the marks that may end the clause (a dash before a quote set off by dashes:
    "When Doe finally wrapped up — “…!” — the balloons came down")."""
    words = [i for i in before if not art.doc[i].is_space]
    if len(words) < 3 or art.doc[words[-1]].text not in marks:
        return None
    inside = set(words)
    for i in words:
        verb = art.doc[i]
        if verb.pos_ not in ("VERB", "AUX") or (verb.head.i in inside and verb.head.i != verb.i):
            continue  # not the clause's main verb
        subj = own_subject(art, verb)
        if subj is not None and subj.i < verb.i and (
                name_label(art, subj) in ("PERSON", "ORG") or subj.lower_ in ("he", "she")):
            # (a he or she too: "And she is sure that jail will only make him louder: “…”")
            return verb, subj, verb.lemma_.lower()
        return None
    return None


def _bare_attribution(art: ArticleTables, verb: Token) -> bool:
    """Is the verb's clause only an attribution ("Smith said in a statement."), with no
    content of its own (no clause or object), so that it can follow a finished quote?"""
    return not any(c.dep_ in ("ccomp", "xcomp", "dobj", "advcl") and art.quote_of[c.i] < 0
                   for c in verb.children)


# Prepositions before a name and a colon that make the name where words were said.
_VENUE_PREPOSITIONS = frozenset("on in at during".split())


def cue_colon_name(art: ArticleTables, before: list[int], before_char: int):
    """Clinton: “…” — a name and a colon right before the quote."""
    if len(before) < 2 or art.doc[before[-1]].text != ":":
        return None
    tok = art.doc[before[-2]]
    if art.mention_of[tok.i] < 0 and tok.pos_ != "PROPN":
        return None
    if tok.dep_ == "pobj" and tok.head.lower_ in _VENUE_PREPOSITIONS:
        return None  # "Then, later that month on CNN: “…”": where it was said, not who said it
    # a name that ends a clause whose subject names someone else is not a label: "Perez
    # contrasted him with Clinton: “…”" is Perez speaking ("Smith: “…”", "More from Smith:
    # “…”" and "The result did not surprise Smith: “…”" are Smith)
    k = art.mention_of[tok.i]
    first = art.tok_at(art.mentions[k].span.start) if k >= 0 else name_run_start(tok)
    for i in before:
        if i < first and art.doc[i].dep_ in SUBJECT_DEPS and \
                resolve(art, art.doc[i], before_char) is not None:
            return None
    return tok, tok, "colon"


def _cue_possessor(art: ArticleTables, q: QuoteDraft):
    """Obama's “if you like your plan, you can keep it” promise: words a person owns (an
    organisation's are most often a title: CNN's “State of the Union”)."""
    i = q.first_tok - 1
    if i < 1 or art.doc[i].tag_ != "POS" or art.quote_of[i - 1] >= 0:
        return None
    name = art.doc[i - 1]
    return (name, name, "possessive") if name_label(art, name) == "PERSON" else None


def _cue_byline(art: ArticleTables, before: list[int]):
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
    if k < 0 or k == len(words) - 2 or art.doc[words[k]].text not in DASHES:
        return None
    return art.doc[words[k + 1]], art.doc[name], "byline"


def _is_name_word(art: ArticleTables, tok: Token) -> bool:
    """A word of a name: part of a mention, or capitalised (the NER misses some bylines,
    "Pew Research", and the tagger may take them for common nouns)."""
    return art.mention_of[tok.i] >= 0 or \
        (tok.pos_ in ("PROPN", "NOUN") and tok.text[:1].isupper())


def byline_speaker(art: ArticleTables, first: Token, last: Token) -> tuple[int, int, str]:
    """The name of a byline: the mention it ends with, else the words as written."""
    k = art.mention_of[last.i]
    if k >= 0 and art.mentions[k].span.start <= first.idx:
        return art.mention_span(k)
    label = art.mentions[k].label if k >= 0 else art.name_labels.get(last.text, "PERSON")
    return (first.idx, last.idx + len(last.text), SPEAKER_LABELS.get(label, "PERSON"))


# --- choosing a cue ----------------------------------------------------------------------


def _cues(art: ArticleTables, q: QuoteDraft, qid: int, before: list[int], after: list[int],
          has_before: bool):
    """The quote's candidate cues, best first (computed lazily: the first usable one wins)."""
    if len(q.pieces) > 1:
        yield cue_in_window(art, _between(art, q), prefer_last=False)
    if has_before and _set_off_by_dashes(art, q):
        # "O'Malley lamented her gaffes - “…?” - Democrats said": an aside that quotes the
        # words the clause before it reports, whatever the main clause after it says
        cue = cue_in_window(art, before, prefer_last=True) or \
            _cue_colon_clause(art, before, marks=DASHES)  # "When Doe wrapped up — “…!” —"
        if cue is not None and cue[1] is not None and resolve(art, cue[1], q.pieces[0].start):
            yield cue
    yield _cue_byline(art, before)
    tree, right_after = _cue_from_tree(art, q, qid), _cue_after_comma(art, q, after)
    if _nearer_than_tree(art, q, right_after, tree):
        yield right_after
        yield tree
    else:
        yield tree
        yield right_after
    yield cue_colon_name(art, before, q.pieces[0].start)
    if has_before:
        yield _cue_verb_before(art, before)
        yield cue_in_window(art, before, prefer_last=True)
        yield _cue_colon_clause(art, before)
    if after:
        cue = cue_in_window(art, after[:15], prefer_last=False)
        # “…it is over.” Smith said the plan...: a new sentence
        if cue is None or q.inner_end != "." or _bare_attribution(art, cue[0]):
            yield cue
    # last: "Trump's “coarse effusion,” Will wrote" is Will's description of Trump's words
    yield _cue_possessor(art, q)


def _set_off_by_dashes(art: ArticleTables, q: QuoteDraft) -> bool:
    """Is the quote set off by a dash on each side, inside its sentence ("… - “…” - …")?"""
    doc = art.doc
    return q.first_tok > 0 and q.last_tok + 1 < len(doc) and \
        doc[q.first_tok - 1].text in DASHES and doc[q.last_tok + 1].text in DASHES


def _nearer_than_tree(art: ArticleTables, q: QuoteDraft, right_after, tree) -> bool:
    """"“…,” Trump said, after Quick said…": the parse may hang the quote on a later verb;
    a name and its reporting verb right after the quote's comma are nearer, and say it."""
    if tree is None or right_after is None:
        return False
    verb, subj, _ = right_after
    return is_reporting(verb) and subj is not None and art.quote_of[subj.i] < 0 and \
        name_label(art, subj) in ("PERSON", "ORG") and subj.i + 1 == verb.i and \
        q.last_tok < verb.i < tree[0].i


def choose_cue(art: ArticleTables, q: QuoteDraft, qid: int, before: list[int], after: list[int],
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
        if cue[1] is not None and cue[1].lower_ == "you" and art.quote_of[cue[1].i] < 0:
            continue  # "…, you know, well…": the reader is never who speaks
        if not names_a_place(art, cue[1]):
            return cue, place_cue
        verb, subj, _ = cue
        # the place must be the reporting verb's own subject, or the one its clause climbs to
        # ("Bryne went on to say", "Nefzi said, adding"): then it is who speaks
        if place_cue is None and subj.dep_ in SUBJECT_DEPS and is_reporting(verb) and \
                (subj.head.i == verb.i or subject_of(art, verb) == subj) and \
                subj.pos_ == "PROPN" and subj.text[:1].isupper() and not _is_dateline(art, subj):
            place_cue = cue
    return place_cue, place_cue


def _is_dateline(art: ArticleTables, tok: Token) -> bool:
    """"TALLAHASSEE — Rep. Gwen Graham on Friday pummeled…": a place in capitals or set off by
    a dash opens the story; the parser may make it a subject, but it names where, not who."""
    nxt = tok.i + 1
    return (tok.text.isupper() and len(tok.text) > 2) or \
        (nxt < len(art.doc) and art.doc[nxt].text in DASHES)


def _past_writers_aside(art: ArticleTables, cue):
    """"Trump said, and I quote, “…”": the writer's "I quote" vouches for the words; the
    reporting verb it is joined to says whose they are."""
    verb, subj, _ = cue
    head = verb.head
    if verb.lemma_.lower() == "quote" and subj is not None and subj.lower_ in ("i", "we") and \
            verb.dep_ == "conj" and head.i < verb.i and is_reporting(head):
        outer = subject_of(art, head)
        if outer is not None:
            return head, outer, head.lemma_.lower()
    return cue
