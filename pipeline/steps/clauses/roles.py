"""Who did what to whom, read from the dependency parse of one sentence.

The trigger (a verb-lexicon hit) is a token of the parse. Its source is the actor heading its
subject (`nsubj`), the agent of a passive (`by` + object), or, when the clause has no subject
of its own, the subject it shares: a coordinated verb ("accused Y and sent troops") takes its
head's, an infinitive complement ("agreed to meet") its governor's, or the governor's object
under object control ("urged Iran to hold talks"). Its target is the actor heading its object,
a dative, or a prepositional object (met with, fired at, sanctions against). An event noun takes
its possessor, an actor modifier ("Israeli strikes") or its "by" agent as source and its "on /
against / with / of" object as target; as the object of a light verb ("launched an attack on",
"held talks with") it takes that verb's subject. An actor is found in the subtree of a role's
head, nearest first, without entering a clause of its own (a relative clause, a complement).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from pipeline.steps.clauses import speech
from pipeline.steps.clauses.parse import lemma
from pipeline.steps.extraction.actors import INSTRUMENT_HEADS, Phrase, is_possessive_pronoun
from pipeline.steps.extraction.verbs import VerbMatch

# (sources, targets, source inferred from a passive, subject shared with another verb): the
# shape `event_context` codes an event from.
Roles = tuple[list[Phrase], list[Phrase], bool, bool]

# The roles of a trigger whose subject is a noun phrase with no known actor in it.
NO_ACTOR: Roles = ([], [], False, False)
# Determiners of an event noun that name no event in particular.
_ANY = frozenset({"any", "no", "every", "each"})
# The roles of a passive that names no doer ("two soldiers were killed").
NO_AGENT: Roles = ([], [], True, False)
_SUBJECT = frozenset({"nsubj", "csubj"})
_RELATIVE = frozenset({"WP", "WDT"})  # who, which, that
_PASSIVE_SUBJECT = frozenset({"nsubjpass", "csubjpass"})
_OBJECT = ("dobj", "dative", "iobj", "attr", "oprd")
# A role's actor is never looked for inside these: they open a clause or a list of their own.
_CLAUSAL = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "csubj", "parataxis", "conj",
                      "cc", "punct", "mark", "prep", "agent"})
_NOUN_CLAUSAL = _CLAUSAL - {"prep"}  # "the leader of Hamas": Hamas heads the subject
# An object's possessor is not its actor: "his session with Kim" is aimed at Kim.
_OBJECT_SKIP = _NOUN_CLAUSAL | {"poss"}
_TARGET_PREPS = frozenset({"with", "against", "on", "at", "to", "into", "toward", "towards",
                           "upon", "over", "from", "for", "between", "of", "in", "onto",
                           "across", "among"})
_NOUN_TARGET_PREPS = frozenset({"on", "against", "with", "of", "into", "between", "to", "at",
                                "over", "toward", "towards", "upon", "among", "for"})
_NOUN_SOURCE_DEPS = frozenset({"poss", "compound", "amod", "nmod"})
# Event nouns whose personal possessor is the one who suffers the act, not its author ("his
# killing", "Biden's arrest"; "America's killing of a general" keeps America as author).
_PATIENT_NOUNS = frozenset({"killing", "murder", "assassination", "arrest", "detention",
                            "execution", "kidnapping", "abduction", "release", "death",
                            "imprisonment", "deportation", "extradition", "capture",
                            "torture", "expulsion", "removal", "firing", "ouster"})
# Nouns of acts whose author a passive's victim suffered ("killed in a U.S. drone strike").
ACT_NOUNS = frozenset({"strike", "airstrike", "attack", "raid", "bombing", "operation",
                       "assault", "offensive", "crackdown", "ambush", "shelling"})
# Verbs whose object noun names the act the subject does ("launched an attack on").
LIGHT_VERBS = frozenset({"launch", "carry", "hold", "conduct", "impose", "stage", "make", "mount",
                    "wage", "begin", "start", "resume", "continue", "step", "order", "give",
                    "deliver", "issue", "lodge", "file", "sign", "reach", "strike", "offer",
                    "provide", "send", "announce", "level", "take", "have", "perform",
                    "undertake", "lead", "open", "lift", "ease", "extend", "pledge", "approve",
                    "keep", "maintain", "increase", "intensify", "escalate", "ramp", "voice",
                    "express", "slap", "levy"})
# Governors whose object is the subject of their infinitive ("urged Iran to ...").
_OBJECT_CONTROL = frozenset({"urge", "ask", "call", "order", "tell", "invite", "press", "force",
                             "persuade", "encourage", "allow", "help", "push", "pressure",
                             "appeal", "request", "instruct", "warn", "direct", "authorize",
                             "authorise", "convince", "compel", "permit", "enable", "lead"})
_MAX_DEPTH = 4
# Nouns of what one party directs at another, whose "from" names who does it ("under pressure
# from Israel", "an invitation from Kim"), and the verbs whose subject is then the one it is
# directed at ("faced criticism from", "accepted an offer from"; "under pressure from").
_FROM_SOURCE_NOUNS = frozenset({
    "pressure", "criticism", "condemnation", "threat", "warning", "demand", "call", "offer",
    "invitation", "request", "appeal", "support", "praise", "rebuke", "protest", "complaint",
    "accusation", "objection", "backlash", "ultimatum", "plea"})
_RECEIVING = frozenset({"face", "receive", "draw", "get", "accept", "welcome", "reject",
                        "decline", "ignore", "dismiss", "rebuff", "heed", "resist", "defy"})
# Coercion and violence (CAMEO 17-20): their roles, possessors and intents differ from talk.
FORCE_ROOTS = frozenset({"17", "18", "19", "20"})
# Meetings a clause's subject may take part in without being named at the noun.
GATHERINGS = frozenset({"meeting", "talk", "talks", "summit", "conference", "session",
                        "negotiation", "negotiations", "visit", "dinner", "call", "meetings"})
_WITH_PREPS = frozenset({"with", "among"})  # "meetings with May and Putin"
_PARTY_PREPS = frozenset({"with", "between", "among", "to", "toward", "towards"})
_CIRCUMSTANCE_PREPS = frozenset({"at", "during", "after", "before", "following", "ahead",
                                 "since", "amid", "on", "in", "for", "of", "from", "as"})
_ATTENDING = frozenset({"attend", "include", "join", "host", "hold", "have", "chair",
                        "address", "wrap", "conclude", "end", "begin", "open"})
_PART_NOUNS = frozenset({"part", "ahead", "sidelines", "margins", "side", "course", "end",
                         "start", "eve", "wake", "run"})
_MAX_CLIMB = 6
# How `coreference` filled a phrase when the text did not name the actor there.
_GUESSED = frozenset({"fallback", "sibling", "place"})
# A modifier naming who leads, backs or funds a thing ("U.S.-led", "Iran-backed").
_LED_BY = re.compile(r"[\w.][-\u2013](?:led|backed|sponsored|funded|supported|allied|aligned|"
                     r"controlled|run|armed|trained|brokered|based|born)$")
# "the envoy of Qatar", "a spokesman for the ministry", "groups like al Qaeda".
_MEMBER_PREPS = frozenset({"of", "for", "from", "like", "including", "such"})


@dataclass(slots=True)
class ParsedSentence:
    """A sentence's parse with its actor phrases attached to tokens."""

    doc: Doc
    offset: int  # body offset of the doc's first character
    by_token: dict[int, Phrase]  # token index -> the actor phrase it lies in

    @classmethod
    def of(cls, doc: Doc, offset: int, actors: Sequence[Phrase]) -> ParsedSentence:
        by_token: dict[int, Phrase] = {}
        if actors:
            for token in doc:
                start = offset + token.idx
                end = start + len(token.text)
                for phrase in actors:
                    if phrase.start < end and start < phrase.end:
                        by_token[token.i] = phrase
                        break
        return cls(doc, offset, by_token)

    def trigger(self, verb: VerbMatch) -> Token | None:
        """The token that heads a verb-lexicon hit: its first verb, else the noun that heads
        the span ("strike" in "drone strike")."""
        tokens = [t for t in self.doc
                  if verb.start <= self.offset + t.idx < verb.end]
        for token in tokens:
            if token.pos_ in ("VERB", "AUX"):
                return token
        inside = {t.i for t in tokens}
        for token in tokens:
            if token.pos_ in ("NOUN", "PROPN", "ADJ") and token.head.i not in inside:
                return token
        for token in tokens:
            if token.pos_ in ("NOUN", "PROPN", "ADJ"):
                return token
        return tokens[0] if tokens else None

    def actor_at(self, head: Token, deps: frozenset[str] = _CLAUSAL) -> Phrase | None:
        """The actor nearest `head` in its subtree (breadth first, not into clauses). An actor
        the story only guessed (a bare noun given the dominant country) gives way to a named
        one a level or two below it ("U.S." in "U.S. military bases")."""
        level = [head]
        guess: Phrase | None = None
        for depth in range(_MAX_DEPTH):
            nxt: list[Token] = []
            for token in level:
                phrase = self.by_token.get(token.i)
                if phrase is not None and _LED_BY.search(token.lower_):
                    # "the U.S.-led NATO alliance" is NATO; its leader only if no other.
                    if guess is None:
                        guess, limit = phrase, depth + 2
                elif phrase is not None and phrase.how not in _GUESSED:
                    named = self._named_member(token) if phrase.how != "explicit" else None
                    return named or phrase
                if phrase is not None and guess is None:
                    guess = self._named_member(token) or phrase
                    limit = depth + 2
                nxt.extend(c for c in token.children if c.dep_ not in deps)
            if not nxt or (guess is not None and depth >= limit):
                break
            level = nxt
        return guess

    def _named_member(self, token: Token) -> Phrase | None:
        """The named actor of "the envoy of Qatar", "groups like al Qaeda": more specific than
        what the story resolved the title or group noun to."""
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in _MEMBER_PREPS:
                for pobj in child.subtree:
                    phrase = self.by_token.get(pobj.i)
                    if pobj.dep_ == "pobj" and phrase is not None and phrase.how == "explicit":
                        return phrase
        return None

    def actors_at(self, head: Token, deps: frozenset[str] = _CLAUSAL) -> list[Phrase]:
        """The actor of `head` and of every member coordinated with it ("Russia and China")."""
        found: list[Phrase] = []
        for member in _conjuncts(head):
            phrase = self.actor_at(member, deps)
            if phrase is None or any(phrase is p for p in found):
                continue
            found.append(phrase)
            # Found below the member ("meetings with May and Putin"): the actors coordinated
            # with it there are parties too.
            for token in self._coordinated_with(phrase, member):
                other = self.by_token.get(token.i) or self.actor_at(token, deps)
                if other is not None and all(other is not p for p in found):
                    found.append(other)
        return found

    def _coordinated_with(self, phrase: Phrase, member: Token) -> list[Token]:
        """The tokens coordinated with the head token of `phrase` when it is the object of
        the member's "with" ("meetings with May and Putin", "a deal with Canada and Mexico")."""
        tokens = [t for t in member.subtree if self.by_token.get(t.i) is phrase]
        heads = [t for t in tokens if self.by_token.get(t.head.i) is not phrase or t.head == t]
        if not heads or heads[0].dep_ != "pobj" or heads[0].head.head != member \
                or heads[0].head.lower_ not in _WITH_PREPS:
            return []
        return list(_conjuncts(heads[0]))[1:]


def dependency_roles(parsed: ParsedSentence, verb: VerbMatch) -> Roles | None:
    """The roles of one trigger, or None when the parse names no source for it."""
    token = parsed.trigger(verb)
    if token is None:
        return None
    if token.pos_ in ("NOUN", "PROPN") or verb.nominal:
        if verb.surface.split(" ", 1)[0] not in _ANY and any(
                c.dep_ == "det" and c.lower_ in _ANY for c in token.children):
            return NO_ACTOR  # "any attack on Iran will spark war": no attack in particular
        return _noun_roles(parsed, token)
    sources, passive, shared = _subject(parsed, token)
    # Who rejects, disputes or praises X's proposal, claim or policy addresses X; a blow to
    # X's economy, trip or partner is not thereby aimed at X (on unlabelled world news the
    # possessor was the right target for 5 of 6 verbal acts and mostly wrong for uses of force).
    targets = _objects(parsed, token, possessor=all(
        entry.code[:2] not in FORCE_ROOTS for entry in verb.entries))
    if passive:
        agents = _agents(parsed, token)
        if not agents:
            return NO_AGENT
        sources, targets = agents, sources
    if not sources:
        # A subject the parse found that names no known actor ("Kurdish militants attacked")
        # is nobody's act to guess: empty roles, no window fallback.
        return NO_ACTOR if _named_subject(token) else None
    return sources, _usable_targets(targets), passive, shared


def parsed_objects(parsed: ParsedSentence, verb: VerbMatch) -> list[Phrase]:
    """The object actors the parse gives a verbal trigger, whatever it says of its subject."""
    token = parsed.trigger(verb)
    if token is None or token.pos_ not in ("VERB", "AUX") or verb.nominal:
        return []
    if any(c.dep_ in _PASSIVE_SUBJECT for c in token.children):
        return []  # a passive's subject is its target, read with its agent
    return _usable_targets(_objects(parsed, token, possessor=all(
        entry.code[:2] not in FORCE_ROOTS for entry in verb.entries)))


def _named_subject(verb: Token) -> bool:
    """Whether the verb has a subject of its own that is a noun phrase (not a pronoun)."""
    return any(c.dep_ in _SUBJECT and c.pos_ in ("NOUN", "PROPN") for c in verb.children)


def event_in_parse(parsed: ParsedSentence, verb: VerbMatch) -> bool:
    """Whether the parse reads a hit as an event: a verb heading a clause, or an event noun
    with an actor of its own (possessor, modifier, "by" or "between", a light verb's subject)."""
    token = parsed.trigger(verb)
    if token is None:
        return False
    if token.pos_ in ("VERB", "AUX"):
        return token.dep_ not in ("amod", "compound", "acl", "nmod")
    return token.pos_ == "NOUN" and _noun_roles(parsed, token) is not None


def _subject(parsed: ParsedSentence, verb: Token) -> tuple[list[Phrase], bool, bool]:
    """(subject actors, passive, shared with another verb) of a verb token."""
    for child in verb.children:
        if child.dep_ in _SUBJECT:
            return _own_subject(parsed, verb, child), False, False
        if child.dep_ in _PASSIVE_SUBJECT:
            return parsed.actors_at(child, _NOUN_CLAUSAL), True, False
    head = verb.head
    if head is verb:
        return [], False, False
    if verb.dep_ == "conj":
        sources, passive, _ = _subject(parsed, head)
        return sources, passive, True
    if verb.dep_ == "xcomp":
        if lemma(head) in _OBJECT_CONTROL:
            objects = [c for c in head.children if c.dep_ in ("dobj", "dative")]
            if objects:
                return parsed.actors_at(objects[0], _NOUN_CLAUSAL), False, True
        return _subject(parsed, head)[0], False, True
    if verb.dep_ == "advcl" and verb.tag_ in ("VBG", "VB"):
        # ", accusing Iran of ..."; "held a rally to denounce Maduro".
        return _subject(parsed, head)[0], False, True
    if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
        # "responded by calling on Israel", "after striking a deal with Iran".
        return _subject(parsed, head.head)[0], False, True
    if verb.dep_ in ("relcl", "acl") and head.pos_ in ("NOUN", "PROPN", "PRON"):
        # "Hamas, which attacked Israel"; "troops deployed by Russia" is passive.
        actor = parsed.actor_at(head, _NOUN_CLAUSAL)
        if verb.dep_ == "acl" and verb.tag_ == "VBN":
            return ([actor] if actor else []), True, False
        if actor is None and verb.dep_ == "acl" and head.dep_ == "dobj" \
                and lemma(head.head) in LIGHT_VERBS:
            # "issued a statement condemning the attack": the issuer condemns.
            return _subject(parsed, head.head)[0], False, True
        return ([actor] if actor else []), False, False
    return [], False, False


def _own_subject(parsed: ParsedSentence, verb: Token, child: Token) -> list[Phrase]:
    """The actors of a verb's own subject, pronouns read through the clause structure."""
    found = parsed.actors_at(child, _NOUN_CLAUSAL)
    if found and found[0].how != "pronoun":
        return found
    if child.lower_ in speech.FIRST_PERSON:
        return _speaker(parsed, verb) or found  # "'We will respond,' the minister said"
    if child.tag_ in _RELATIVE and verb.dep_ == "relcl":
        actor = parsed.actor_at(verb.head, _NOUN_CLAUSAL)  # "Elon Musk, who offered"
        return [actor] if actor else found
    if child.pos_ == "PRON" and verb.dep_ == "conj":
        return _parallel(parsed, verb.head) or found  # "X said ... and it accused"
    if child.pos_ == "PRON" and not found:
        return _speaker(parsed, verb)  # "North Korea reiterated that it wouldn't negotiate"
    return found


def _speaker(parsed: ParsedSentence, verb: Token) -> list[Phrase]:
    """The speaker of the speech verb whose content `verb` is in, if it is an actor."""
    gov = speech.governor(verb)
    if gov is None:
        return []
    return [c for c in (parsed.actor_at(child, _NOUN_CLAUSAL) for child in gov.children
                        if child.dep_ in _SUBJECT) if c is not None][:1]


def _parallel(parsed: ParsedSentence, head: Token) -> list[Phrase]:
    """The named subject of the clause a pronoun's clause is coordinated with."""
    for child in head.children:
        if child.dep_ in _SUBJECT:
            found = parsed.actor_at(child, _NOUN_CLAUSAL)
            if found is not None and found.how not in _GUESSED and found.how != "pronoun":
                return [found]
    return []


def _objects(parsed: ParsedSentence, verb: Token, possessor: bool = False) -> list[Phrase]:
    """The actors a verb acts on: object, dative, then prepositional objects in order; with
    `possessor`, when none names one, an object's possessor ("declined Putin's invitation",
    "derided Trump's foreign policy": aimed at Putin, at Trump)."""
    heads = [child for dep in _OBJECT for child in verb.children if child.dep_ == dep]
    # A phrase before the verb sets the scene ("At the United Nations, Russia criticized
    # ..."); the party acted on follows it.
    heads += [pobj for child in verb.children
              if child.dep_ in ("prep", "prt") and child.lower_ in _TARGET_PREPS
              and child.i > verb.i
              for pobj in child.children if pobj.dep_ in ("pobj", "pcomp")]
    for head in heads:
        found = _usable_targets(parsed.actors_at(head, _OBJECT_SKIP))
        if found:
            return found
    for head in heads if possessor else ():
        for child in head.children:
            if child.dep_ == "poss":
                found = _usable_targets(parsed.actors_at(child, _OBJECT_SKIP))
                if found:
                    return found
    return []


def _agents(parsed: ParsedSentence, verb: Token) -> list[Phrase]:
    """The agent of a passive ("abducted by gunmen"), or the author of the act it happened in
    ("was killed in a U.S. drone strike")."""
    for child in verb.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return parsed.actors_at(pobj, _NOUN_CLAUSAL)
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "during"):
            for pobj in child.children:
                if pobj.dep_ == "pobj" and lemma(pobj) in ACT_NOUNS:
                    authors = [parsed.by_token[c.i] for c in pobj.children
                               if c.dep_ in _NOUN_SOURCE_DEPS and c.i in parsed.by_token]
                    if authors:
                        return authors[:1]
    return []


def _noun_roles(parsed: ParsedSentence, noun: Token) -> Roles | None:
    """Roles of an event noun: "Russia's invasion of Ukraine", "talks between X and Y"."""
    sources: list[Phrase] = []
    targets: list[Phrase] = []
    patient_noun = lemma(noun).lower() in _PATIENT_NOUNS
    # A meeting's "on", "over", "about" object is its topic: "negotiations on the Gaza
    # ceasefire" are not with Gaza.
    gathering = lemma(noun).lower() in GATHERINGS
    for child in noun.children:
        phrase = parsed.by_token.get(child.i) if child.dep_ in _NOUN_SOURCE_DEPS else None
        if phrase is None and child.dep_ in _NOUN_SOURCE_DEPS:
            phrase = parsed.actor_at(child, _NOUN_CLAUSAL)
        if phrase is not None and patient_noun and child.dep_ == "poss" and (
                phrase.person or child.tag_ == "PRP$"):
            targets = [phrase]  # "his killing", "Biden's arrest": the person suffers it
        elif phrase is not None and not sources:
            sources = [phrase]
        elif child.dep_ == "prep" and (child.lower_ == "by" or (
                child.lower_ == "from" and lemma(noun).lower() in _FROM_SOURCE_NOUNS)):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    sources = parsed.actors_at(pobj, _NOUN_CLAUSAL) or sources
            if sources and child.lower_ == "from" and not targets:
                targets = _receiver(parsed, noun)
        elif child.dep_ == "prep" and child.lower_ in (
                _PARTY_PREPS if gathering else _NOUN_TARGET_PREPS) and not targets:
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    found = parsed.actors_at(pobj, _NOUN_CLAUSAL)
                    if found and child.lower_ == "between" and not sources:
                        return found, [], False, False  # reciprocal: each with the other
                    targets = found
    shared = False
    if not sources:
        governor = noun.head
        if noun.dep_ in ("dobj", "pobj", "attr") and lemma(governor) in LIGHT_VERBS:
            sources, _, _ = _subject(parsed, governor)
            shared = True
            if not targets:
                targets = _objects_after(parsed, governor, noun)
        elif noun.dep_ == "pobj" and lemma(governor.head) in LIGHT_VERBS:
            sources, _, _ = _subject(parsed, governor.head)
            shared = True
    if lemma(noun).lower() in GATHERINGS and (not sources or all(
            s.org and not targets for s in sources)):
        # No author at the noun, or only its host ("a NATO summit"): who attends it.
        attending, hosts = _gathering_roles(parsed, noun)
        if attending:
            sources, targets, shared = attending, targets or hosts, True
        elif not sources and noun.dep_ == "dobj" and \
                lemma(noun.head).lower() not in LIGHT_VERBS | _ATTENDING:
            return NO_ACTOR  # "criticized the meeting with X": no part in it
    if not sources:
        return None
    return sources, _usable_targets(targets), False, shared


def _receiver(parsed: ParsedSentence, noun: Token) -> list[Phrase]:
    """Who a directed act ("pressure from X") is aimed at: the subject of the clause that
    is under it or faces, accepts or rejects it."""
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ == "under" and head.head.pos_ in ("VERB", "AUX"):
        return _subject(parsed, head.head)[0]
    if noun.dep_ == "dobj" and lemma(head).lower() in _RECEIVING:
        return _subject(parsed, head)[0]
    return []


def _gathering_roles(parsed: ParsedSentence, noun: Token) -> tuple[list[Phrase], list[Phrase]]:
    """(who took part, whose gathering it was) for a meeting the clause's subject attends:
    "spoke after a meeting with X", "arrived ahead of talks with X", "a trip that will include
    meetings with X", "attending a NATO summit" (NATO is the host, not the one attending). The
    noun must hang on the clause as a circumstance or an attended thing; "criticized the
    meeting with X" or "a report on talks with X" is no part in it."""
    hosts = [parsed.by_token[c.i] for c in noun.children
             if c.dep_ in ("compound", "nmod") and c.i in parsed.by_token
             and parsed.by_token[c.i].org]
    current = noun
    for _ in range(_MAX_CLIMB):
        head = current.head
        if head is current:
            return [], []
        if current.dep_ == "pobj" and head.dep_ == "prep" and \
                head.lower_ in _CIRCUMSTANCE_PREPS:
            current = head.head  # the verb, or "ahead" / "part" of a longer preposition
        elif (current.dep_ == "dobj" and lemma(head).lower() in _ATTENDING) or (
                current.dep_ == "prep" and current.lower_ in _CIRCUMSTANCE_PREPS):
            current = head
        elif current.dep_ in ("advmod", "npadvmod") or (
                current.pos_ == "NOUN" and lemma(current).lower() in _PART_NOUNS):
            current = head  # "ahead of", "as part of"
        elif current.dep_ == "relcl" and current.pos_ == "VERB":
            current = head.head if head.dep_ == "pobj" else head
            continue
        else:
            return [], []
        if current.pos_ in ("VERB", "AUX"):
            sources, _, _ = _subject(parsed, current)
            if sources:
                return sources, hosts
    return [], []


def _objects_after(parsed: ParsedSentence, verb: Token, noun: Token) -> list[Phrase]:
    """A light verb's prepositional object after its noun ("imposed sanctions on Iran")."""
    for child in verb.children:
        if child.i > noun.i and child.dep_ == "prep" and child.lower_ in _NOUN_TARGET_PREPS:
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    found = parsed.actors_at(pobj, _OBJECT_SKIP)
                    if found:
                        return found
    return []


def _usable_targets(targets: list[Phrase]) -> list[Phrase]:
    """Weapons and possessive pronouns are never the party an act is aimed at."""
    return [t for t in targets if not is_possessive_pronoun(t) and t.head not in INSTRUMENT_HEADS]


def _conjuncts(head: Token) -> Iterator[Token]:
    """`head` and the tokens coordinated with it, in order."""
    yield head
    for child in head.children:
        if child.dep_ == "conj":
            yield from _conjuncts(child)


# Governors of an infinitive that express intent ("agreed to meet", "is willing to talk").
_INTENT = frozenset({"agree", "pledge", "promise", "vow", "offer", "commit", "willing",
                     "ready", "prepared", "eager", "determined", "undertake", "resolve"})
# The intent code for what is intended: meet or negotiate (036), diplomatic co-operation
# (032), material co-operation (031), aid (033), yield (035); a vow of force is a threat.
_INTENT_CODES = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035"}
# Who declares itself bound, ready or entitled to use force threatens it.
_THREAT_INTENT = frozenset({"vow", "pledge", "promise", "ready", "prepared", "determined"})
_RIGHTS = frozenset({"right", "option"})
_THREAT_NOUNS = frozenset({"threat", "ultimatum"})


# The threat (CAMEO 13) a conditional act of coercion or force announced by its own side
# is: sanctions 1312 and reduced relations 131, repression 137, force 138.
THREAT_CODES = {"16": "131", "17": "137", "18": "138", "19": "138", "20": "138"}

# The codebook's threat of each act: to cut aid 1311, to sanction 1312, to break relations
# 1313, to halt talks 134 or mediation 135, to expel 136, repression 137, force 138,
# protest 133; any other threat 130.
_THREAT_OF = {"162": "1311", "163": "1312", "161": "1313", "164": "134", "165": "135",
              "166": "136"}


def threat_code(code: str) -> str:
    """The CAMEO threat (13x) of carrying out the act coded `code`."""
    root = code[:2]
    if code[:3] in _THREAT_OF:
        return _THREAT_OF[code[:3]]
    if root == "14":
        return "133"
    return THREAT_CODES.get(root, "130")


def intent_code(parsed: ParsedSentence, verb: VerbMatch, code: str) -> str | None:
    """The code of an intended act ("agreed to meet X": 036), None when not intended."""
    token = parsed.trigger(verb)
    if token is None:
        return None
    governor = token.head
    if token.dep_ == "acl" and lemma(governor).lower() in _RIGHTS and code[:2] in FORCE_ROOTS:
        return "138"  # "has the right to shoot down U.S. bombers": a claimed option of force
    if token.pos_ in ("NOUN", "PROPN") and code[:2] in FORCE_ROOTS \
            and _threatened_object(token):
        return "138"  # "threatened military strikes against Syria": no strike took place
    if token.dep_ == "acl" and lemma(governor).lower() in _THREAT_NOUNS and code[:2] != "13":
        return threat_code(code)  # "his threat to punish Syria", "an ultimatum to withdraw"
    root = code[:2]
    if root in _INTENT_CODES and _offered(token):
        return _INTENT_CODES[root]  # "its willingness to engage in talks", "open to talks"
    if token.dep_ != "xcomp":
        return None
    if lemma(governor) not in _INTENT and not any(
            c.dep_ == "acomp" and lemma(c) in _INTENT for c in governor.children):
        return None
    if root == "03":
        return code
    if root in _INTENT_CODES:
        return _INTENT_CODES[root]
    if root in FORCE_ROOTS and (lemma(governor) in _THREAT_INTENT or any(
            c.dep_ == "acomp" and lemma(c) in _THREAT_INTENT for c in governor.children)):
        return "138"  # "vowed to strike back", "is ready to strike"
    return None


# Nouns and adjectives of a declared readiness: what they govern is offered, not done.
_INTENT_NOUNS = frozenset({"willingness", "readiness", "commitment", "intention", "offer",
                           "pledge", "promise", "proposal"})
_OPEN = frozenset({"open", "willing", "ready"})


def _offered(token: Token) -> bool:
    """Whether an event noun, or the verb it is the object of, is what a noun of intent
    governs ("signalled its willingness to engage in talks", "an offer of talks") or what
    someone is open to ("open to continuing negotiations")."""
    act = token
    if act.pos_ in ("NOUN", "PROPN") and act.dep_ in ("dobj", "pobj"):
        holder = act.head.head if act.dep_ == "pobj" else act.head
        if act.dep_ == "pobj" and act.head.lower_ == "of" and \
                lemma(holder).lower() in _INTENT_NOUNS:
            return True  # "an offer of talks"
        if act.dep_ == "pobj" and act.head.lower_ == "to" and lemma(holder).lower() in _OPEN:
            return True  # "open to talks"
        if holder.pos_ == "VERB":
            act = holder  # "engage in talks", "hold talks"
    if act.dep_ == "acl" and lemma(act.head).lower() in _INTENT_NOUNS:
        return True
    return act.dep_ == "pcomp" and act.head.lower_ == "to" and \
        lemma(act.head.head).lower() in _OPEN  # "open to continuing negotiations"


# Verbs whose object is an act of force announced, not done ("threatened strikes", "warned
# of an attack", "vowed revenge attacks").
_THREATENING = frozenset({"threaten", "vow", "pledge", "promise", "warn"})


def _threatened_object(noun: Token) -> bool:
    """Whether the event noun is what a threat verb threatens: its object, or the object of
    its "of" ("warned of a military response"), through coordination and modifiers."""
    while noun.dep_ in ("conj", "compound", "amod", "appos") and noun.head is not noun:
        noun = noun.head
    if noun.dep_ == "pobj" and noun.head.lower_ == "of":
        return lemma(noun.head.head) == "warn"
    return noun.dep_ == "dobj" and lemma(noun.head) in _THREATENING


def states_what(parsed: ParsedSentence, verb: VerbMatch) -> bool:
    """Whether an appeal or demand says what it asks for: a clause ("demanded that ...",
    "urged ... to"), a "for" object ("called for unity") or a direct object; "he asks" with
    none is a question."""
    token = parsed.trigger(verb)
    if token is None:
        return False
    return any(c.dep_ in ("xcomp", "ccomp", "dobj") or (c.dep_ == "prep" and c.lower_ == "for")
               for c in token.children)
