"""Characterisations: "Trump called Mexico an abuser", "Putin described the strikes as an act
of aggression", "branded the opposition terrorists". Calling someone (or their act) a name is
to criticise (CAMEO 111) or praise (051) them, by what the name says; the object is the party
aimed at. The verb is the trigger; its roles come from the parse alone, never from the
window rules. A neutral name ("called the group Hamas", "described the plan as a first step")
codes nothing.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from pipeline.steps.clauses.parse import lemma
from pipeline.steps.extraction.verbs import VerbEntry, VerbMatch

# Verbs that give their object a name: the name is an object predicate ("called X a liar",
# "called X obsolete") or the object of "as" ("described X as", "referred to X as").
# Criticising verbs ("slammed X as") are the lexicon's own hits, coded 111 already.
_NAMING = frozenset({"call", "brand", "label", "dub", "describe", "characterize",
                     "characterise", "term", "refer", "portray", "depict", "deem", "mock"})
# Names that blame: insults, accusations and verdicts a speaker pins on a party or its act.
_BLAME = frozenset({
    "liar", "lie", "lies", "abuser", "obsolete", "dangerous", "threat", "hoax", "disgrace",
    "disaster", "failure", "criminal", "crime", "terrorist", "terrorism", "terror", "thug",
    "dictator", "tyrant", "murderer", "killer", "butcher", "racist", "fascist", "nazi",
    "enemy", "aggression", "aggressor", "provocation", "provocative", "reckless",
    "irresponsible", "illegal", "illegitimate", "unacceptable", "outrageous", "shameful",
    "absurd", "ridiculous", "fake", "fraud", "fraudulent", "corrupt", "crook", "puppet",
    "traitor", "treason", "betrayal", "insult", "insulting", "offensive", "hostile", "unfair",
    "unjust", "violation", "genocide", "atrocity", "rogue", "incompetent", "pathetic",
    "sickening", "evil", "madman", "maniac", "lunatic", "propaganda", "gossip", "nonsense",
    "rubbish", "garbage", "joke", "farce", "sham", "bully", "bullying", "hypocrite",
    "hypocritical", "destabilizing", "destabilising", "counterproductive", "unconstitutional",
    "hateful", "extremist", "scandal", "scandalous", "deplorable", "despicable", "cowardly",
    "coward", "barbaric", "heinous", "brutal", "cruel", "inhumane", "vile", "horrific",
    "atrocious", "terrible", "horrible", "awful", "worst", "stupid", "crazy", "nasty",
    "hunt", "war", "blackmail", "piracy", "pirate", "theft", "thief", "invasion", "occupier",
    "occupation", "mistake", "blunder", "menace",
})
# Names that praise.
_PRAISE = frozenset({
    "friend", "ally", "partner", "hero", "heroic", "great", "excellent", "success",
    "successful", "achievement", "breakthrough", "constructive", "productive",
    "wonderful", "fantastic", "tremendous", "brave", "courageous", "visionary", "champion",
    "model", "positive", "fruitful", "outstanding", "remarkable", "honorable", "honourable",
})
_CODES = {"blame": "111", "praise": "051"}
_NOT = frozenset({"not", "no", "neither", "never"})
_NAME_MODIFIERS = frozenset({"amod", "compound", "nmod", "advmod", "acomp", "conj"})
_OF_HEADS = frozenset({"act", "kind", "form", "case", "example", "sort", "piece", "policy"})
# Naming verbs that take two objects ("called X a liar", "branded them traitors").
_DOUBLE_OBJECT = frozenset({"call", "brand", "label", "dub", "term"})
# Cheap test before parsing: a naming verb form and an evaluative word in one sentence.
_VERB_FORMS = re.compile(
    r"\b(?:call(?:s|ed|ing)?|brand(?:s|ed|ing)?|label(?:s|ed|led|ing|ling)?|dub(?:s|bed|bing)?"
    r"|describ(?:e|es|ed|ing)|characteri[sz](?:e|es|ed|ing)|term(?:s|ed|ing)?|referr?(?:s|ed|"
    r"ing)?|portray(?:s|ed|ing)?|depict(?:s|ed|ing)?|deem(?:s|ed|ing)?)\b")
_WORD = re.compile(r"[a-z]+")


def may_characterise(lowered: str, start: int, end: int) -> bool:
    """Whether the sentence [start, end) of the lowered text may hold a characterisation."""
    if _VERB_FORMS.search(lowered, start, end) is None:
        return False
    return any(m.group(0) in _BLAME or m.group(0) in _PRAISE
               for m in _WORD.finditer(lowered, start, end))


def characterisation_hits(tokens: list[Token], offset: int,
                          taken: list[VerbMatch]) -> list[VerbMatch]:
    """Triggers for the sentence's characterisations whose verb no other hit covers. Their
    target is what the parse names as the object, or none: never a guess from the window
    ("called the attack a terrorist act" names no one it blames)."""
    out = []
    for token in tokens:
        if token.pos_ != "VERB" or lemma(token).lower() not in _NAMING:
            continue
        if token.dep_ in ("acl", "amod") or (token.tag_ == "VBN" and not any(
                c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") for c in token.children)):
            continue  # "an organization called the 'Friends of ...'": named, not judged
        verdict = _verdict(token)
        if verdict is None:
            continue
        start = offset + token.idx
        end = start + len(token.text)
        if any(v.start < end and start < v.end for v in taken):
            continue
        out.append(VerbMatch(start, end, token.text.lower(), (VerbEntry(code=_CODES[verdict]),)))
    return out


def _verdict(verb: Token) -> str | None:
    """"blame" or "praise" for the name a naming verb gives its object, else None."""
    for name in _names(verb):
        if name.pos_ == "PROPN" or any(c.dep_ in ("neg", "preconj") or c.lower_ in _NOT
                                       for c in name.children):
            continue  # a proper name ("called it Operation Hope"); "neither friend nor foe"
        words = {w for t in _name_words(name) for w in (t.lower_, lemma(t).lower())}
        if words & _BLAME:
            return "blame"
        if words & _PRAISE:
            return "praise"
    return None


def _name_words(name: Token) -> list[Token]:
    """The words that say what a name is: its head and the head's modifiers ("a sickening
    attempt", "a witch hunt"), and what an "act of" is; not words further down ("a main
    force against terrorism" is no blame)."""
    words = [name, *(c for c in name.children if c.dep_ in _NAME_MODIFIERS)]
    if lemma(name).lower() in _OF_HEADS:
        words += [g for c in name.children if c.dep_ == "prep" and c.lower_ == "of"
                  for g in c.children if g.dep_ == "pobj"]
    return words


def _names(verb: Token) -> list[Token]:
    """The name a verb gives: its object predicate ("called X obsolete"), a second object
    ("called X a liar"), or the object of its "as" ("described X as an act of war")."""
    names = [c for c in verb.children if c.dep_ in ("oprd", "xcomp", "acomp")]
    objects = [c for c in verb.children if c.dep_ in ("dobj", "dative")]
    if lemma(verb).lower() in _DOUBLE_OBJECT:
        if len(objects) == 2:
            names.append(objects[1])
        elif len(objects) == 1 and any(c.dep_ == "nmod" and c.i < c.head.i
                                       for c in objects[0].children):
            # "called Merkel a trusted partner", parsed as one object "Merkel ... partner"
            names.append(objects[0])
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ == "as":
            names.extend(g for g in child.children if g.dep_ == "pobj")
    return names


def object_in_name(verb: Token) -> list[Token]:
    """Words the parse put inside the name that are the object ("called NATO obsolete",
    parsed with "NATO" a compound of "obsolete")."""
    return [c for name in _names(verb) for c in name.children
            if c.dep_ in ("compound", "nmod") and c.i < name.i]
