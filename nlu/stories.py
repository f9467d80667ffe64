"""Long messages read as stories: sentence by sentence, what is happening now over what happened before.

Residents write the way they talk: "Since last summer the man downstairs plays music until 4am.
When I knocked he threatened me. I have two kids who can't sleep." The need is often in one
sentence, others are background, and a story can carry two needs at once. Plain Python with no
Rasa import; the Rasa components (nlu/components/story_reader.py) give it the classifier's
readings of the whole message and of each sentence.

- ``sentences``: where a message's sentences are (full stops, question and exclamation marks,
  the Bengali danda, line breaks), fragments of one or two words kept with their neighbour;
- ``clauses``: a sentence's clauses, cut before "and", "but", "because", "when" … and at commas
  where both sides say something on their own ("The mum next door is on heroin | and leaves her
  two little ones alone"): two needs often share one sentence;
- ``story_parts``: what the pipeline reads beside the whole message, each sentence's clauses, each
  marked background when its sentence is;
- ``is_background``: a sentence that only talks about the past ("two years ago he stabbed me"),
  by the same past and present cues as the safety net (nlu/emergency_language.yml);
- ``read_story``: the whole message's ranking with each present sentence's evidence folded in
  (background sentences only tell a second need); danger told only in background sentences no
  longer ranks as danger now; and a second need, when one sentence reads clearly as another need
  the whole message also points to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from nlu.components.emergency_language import EmergencyLanguage, load

_SENTENCE_END = re.compile(r"(?<=[.!?।])[\"')\]]*\s+|\s*\n+\s*")
_JOINING_WORDS = ("and", "but", "so", "because", "cos", "coz", "while", "whilst", "when", "whenever", "then", "plus")
# Where a clause may end: before a joining word, or at a comma, semicolon or colon.
# Not before a number: "my boys are 9 and 11" is one clause.
_CLAUSE_CUT = re.compile(
    rf"(?:[,;:]\s*|\s+)(?=(?:{'|'.join(_JOINING_WORDS)})\b(?!\s+\d))|[,;:]\s+(?!\d)", re.IGNORECASE
)
EMERGENCY = "emergency"


@dataclass(frozen=True)
class StorySettings:
    """How a story is read. Set in config.yml on the story reader; measured in `make eval`."""

    min_words: int = 12  # shorter messages are read whole only
    max_sentences: int = 8  # the rest of a very long message stays with the last sentence
    # The whole message's reading against its clearest part's (clauses are misread more than sentences).
    whole_weight: float = 0.9
    second_need_sentence: float = 0.8  # a part must read as the second need at least this clearly
    second_need_whole: float = 0.02  # ... and the whole message (or the need's own yes/no model) give it this
    second_need_rank: int = 3  # ... and place it among its likeliest needs, this high or higher
    second_need_first_share: float = 0.1  # ... and the part give the first need less than this (else it is its story)
    # A part that reads a need this clearly but is the first need's story keeps that need's own yes/no
    # model from offering it ("I have two kids who can't sleep" in a noise complaint). Below
    # second_need_sentence, so that a reading just under it does not decide.
    first_needs_story_part: float = 0.7
    # ...unless that model is this sure of it: a note saying "go back to Poland" left with slashed tyres
    # is hate as well as the crime (0.95), where "two kids who can't sleep" was nowhere to sleep at 0.60.
    first_needs_story_overruled_at: float = 0.9
    second_need_runner_up: float = 0.3  # or the whole message's runner-up need at least this
    # A need offered second only when the whole message reads it too, not one part of it: a child
    # mentioned ("my boys are 9 and 11") is not a child at risk, and a parent is not a child.
    careful_second_needs: tuple[str, ...] = ("safeguarding",)
    careful_second_need_whole: float = 0.1
    # Or a need's own yes/no model (the intent classifier's needs_apart) is at least this sure of it.
    second_need_apart: float = 0.5
    careful_second_need_apart: float = 0.7
    # A part about the past may tell a second need ("last week he slashed my tyres" is still a crime
    # to report) when the one reading of the whole message gives it a share too; only danger is
    # weighed by what is happening now.
    second_need_from_background: bool = True
    # A child at risk beside another need: a message that names a child by age or word (the at_risk
    # entity) and tells one of these needs, with a part of it reading as a child at risk, brings
    # safeguarding too. Children living with domestic abuse or a parent's drug or alcohol misuse, or
    # drawn into extremism, are children at risk in their own right (Working Together to Safeguard
    # Children; the Domestic Abuse Act 2021). Not homelessness: its own questions send a child
    # without a home to children's social care, and a family without a home is not a child at risk.
    child_at_risk_with: tuple[str, ...] = ("domestic_abuse", "substance_misuse", "radicalisation")
    child_at_risk_need: str = "safeguarding"
    # A resident who says they are a child ("I'm 14") and tells of one of those needs is that child:
    # no part of the story need read as a child at risk. Drink or drugs only when they are a parent's
    # or carer's ("my mum drinks"), not the young person's own.
    own_use_needs: tuple[str, ...] = ("substance_misuse",)
    # And a resident who says they are a child with no home ("im 17 and my mum's partner told me to
    # get out"): children's social care has the duty to them (the Southwark judgment), beside the
    # housing door. Only the resident: a child only named may be in a family without a home.
    resident_a_child_with: tuple[str, ...] = ("homelessness",)
    read_clauses: bool = True  # parts are clauses, not whole sentences
    min_clause_words: int = 4  # words a clause needs on its own, its joining word not counted
    max_parts: int = 10  # the rest of a very long message stays with the last part


@dataclass
class SentenceReading:
    text: str
    background: bool
    ranking: dict[str, float] = field(default_factory=dict)


@dataclass
class StoryReading:
    ranking: dict[str, float]
    needs: list[dict]  # [{"name", "confidence", "sentence"}], the message's reading first
    background: list[int]  # which sentences only talk about the past
    danger_only_in_background: bool


def sentences(text: str, settings: StorySettings = StorySettings()) -> list[str]:
    """The message's sentences; one item when it is not long enough to be read as a story."""
    text = (text or "").strip()
    if len(text.split()) < settings.min_words:
        return [text] if text else []
    parts: list[str] = []
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if parts and (len(piece.split()) < 3 or len(parts[-1].split()) < 3):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    if len(parts) > settings.max_sentences:
        parts = [*parts[: settings.max_sentences - 1], " ".join(parts[settings.max_sentences - 1 :])]
    return parts


def clauses(sentence: str, settings: StorySettings = StorySettings()) -> list[str]:
    """A sentence's clauses; the sentence alone when no cut leaves two clauses long enough."""

    def words(piece: str) -> int:
        said = piece.split()
        return len(said) - (1 if said and said[0].casefold() in _JOINING_WORDS else 0)

    found, start = [], 0
    for cut in _CLAUSE_CUT.finditer(sentence):
        piece, rest = sentence[start : cut.start()].strip(" ,;:"), sentence[cut.start() :].strip(" ,;:")
        if words(piece) >= settings.min_clause_words and words(rest) >= settings.min_clause_words:
            found.append(piece)
            start = cut.start()
    last = sentence[start:].strip(" ,;:")
    return [*found, last] if last else found


def story_parts(
    text: str, settings: StorySettings = StorySettings(), language: EmergencyLanguage | None = None
) -> list[tuple[str, bool]]:
    """What the pipeline reads beside a long message, each with whether it is background: its
    sentences, or their clauses; nothing when the message is read whole only."""
    language = language or load()
    found = []
    for sentence in sentences(text, settings):
        background = is_background(sentence, language)
        pieces = clauses(sentence, settings) if settings.read_clauses else [sentence]
        # Background is the sentence's: a clause about the past beside one about now ("he hit me last
        # night | but he's got his hands round my throat") is one moment told whole.
        found += [(piece, background) for piece in pieces]
    if len(found) < 2:
        return []
    if len(found) > settings.max_parts:
        rest = found[settings.max_parts - 1 :]
        found = [*found[: settings.max_parts - 1], (" ".join(p for p, _ in rest), all(b for _, b in rest))]
    return found


def is_background(sentence: str, language: EmergencyLanguage | None = None) -> bool:
    """A sentence about the past with nothing in it saying it is happening now."""
    language = language or load()
    return language.only_past(language.normalise(sentence))


def past_set_aside(background: Sequence[bool], text: str, language: EmergencyLanguage | None = None) -> bool:
    """Whether a story's background sentences may be set aside when weighing danger: it has some,
    and some that are not (a story told all in the past is read whole, as a short message is), and
    nothing in the whole message says it is happening now."""
    language = language or load()
    return any(background) and not all(background) and not language.says_now(language.normalise(text))


def read_story(
    whole: dict[str, float],
    parts: Sequence[SentenceReading],
    needs: set[str] | frozenset[str],
    text: str,
    settings: StorySettings = StorySettings(),
    apart: dict[str, float] | None = None,
    names_a_child: bool = False,
    resident_a_child: bool = False,
) -> StoryReading:
    """The message's reading from the whole and its sentences; ``needs`` are the intents that are
    needs; ``apart`` each need's yes/no reading of the whole message, when the model has them;
    ``names_a_child`` whether the message names a child or teenager (its at_risk entities);
    ``resident_a_child`` whether that child is the resident ("I'm 14")."""
    names = set(whole) | {name for part in parts for name in part.ranking}
    # What a story comes to is told in what is happening now: a background part ("since last summer
    # … when I knocked he threatened me") adds nothing to the message's reading (it may still tell a
    # second need, below), unless the whole story is background.
    present = [part for part in parts if not part.background] or parts
    clearest = {name: max((part.ranking.get(name, 0.0) for part in present), default=0.0) for name in names}
    # A sentence on its own never raises danger: a fragment ("She has a baby with him.") is too
    # short for it, and danger has the danger classifier and the rules on the whole message.
    clearest[EMERGENCY] = min(clearest.get(EMERGENCY, 0.0), whole.get(EMERGENCY, 0.0))
    weight = settings.whole_weight
    combined = {name: weight * whole.get(name, 0.0) + (1 - weight) * clearest[name] for name in names}

    background = [i for i, part in enumerate(parts) if part.background]
    danger_only_in_background = False
    if past_set_aside([part.background for part in parts], text):
        # Danger told only in what happened before: it ranks no higher than the present sentences put it.
        now = max((part.ranking.get(EMERGENCY, 0.0) for part in present), default=0.0)
        if combined.get(EMERGENCY, 0.0) > now:
            combined[EMERGENCY] = now
            danger_only_in_background = True
    total = sum(combined.values()) or 1.0
    ranking = dict(sorted(((name, value / total) for name, value in combined.items()), key=lambda kv: -kv[1]))

    first = next(iter(ranking), None)
    found = [{"name": first, "confidence": ranking.get(first, 0.0), "sentence": None}] if first else []
    at_risk = names_a_child or resident_a_child
    second = _child_at_risk_beside(first, whole, parts, needs, settings, text, resident_a_child) if at_risk else None
    second = second or _second_need(first, whole, parts, needs, settings, apart or {})
    if second:
        found.append(second)
    return StoryReading(ranking, found, background, danger_only_in_background)


# Someone a child lives with who looks after them: their drinking or drug use puts the child at risk.
_A_PARENT_OR_CARER = re.compile(
    r"\b(?:my|our)\s+(?:(?:step|foster)\s*)?(?:mum|mom|mam|mummy|mother|dad|daddy|father|parents?|carers?|nan|gran)"
    r"(?:['’]?s)?\b|\b(?:mum|mom|dad)['’]?s\s+(?:boyfriend|girlfriend|partner|mate|mates|friend|friends)\b"
)


def _child_at_risk_beside(
    first: str | None,
    whole: dict[str, float],
    parts: Sequence[SentenceReading],
    needs: frozenset[str] | set[str],
    settings: StorySettings,
    text: str = "",
    resident_a_child: bool = False,
) -> dict | None:
    """Safeguarding as the second need when a child named in the message is at risk beside the
    first (``child_at_risk_with``): a part of the story must read as a child at risk (its likeliest
    need), so a child only mentioned ("my boys are 9 and 11") is not enough. A resident who says
    they are the child needs no such part, beside abuse, extremism, a parent's or carer's drink or
    drugs (``own_use_needs``: not the young person's own), or having no home
    (``resident_a_child_with``)."""
    need = settings.child_at_risk_need
    if need not in needs:
        return None
    beside = first in settings.child_at_risk_with
    the_resident = resident_a_child and (
        first in settings.resident_a_child_with
        or (beside and (first not in settings.own_use_needs or _A_PARENT_OR_CARER.search(text.casefold())))
    )
    if the_resident:
        return {"name": need, "confidence": whole.get(need, 0.0), "sentence": None, "child_at_risk": True}
    if not beside:
        return None
    told = [
        (index, part.ranking[need])
        for index, part in enumerate(parts)
        if part.ranking and max(part.ranking, key=part.ranking.get) == need
    ]
    if not told:
        return None
    index = max(told, key=lambda item: item[1])[0]
    # Whether it goes first is for the whole message's reading to say (signposting's
    # second_need_first_at), as for a second need any part tells, not for the one part.
    return {"name": need, "confidence": whole.get(need, 0.0), "sentence": index, "child_at_risk": True}


def _second_need(
    first: str | None,
    whole: dict[str, float],
    parts: Sequence[SentenceReading],
    needs: set[str] | frozenset[str],
    settings: StorySettings,
    apart: dict[str, float],
) -> dict | None:
    if first == EMERGENCY:
        return None  # danger to life comes alone
    candidates: dict[str, dict] = {}
    ordered = sorted(
        ((name, p) for name, p in whole.items() if name in needs and name != EMERGENCY), key=lambda kv: -kv[1]
    )
    # The whole message's reading, or the need's own yes/no reading of it where that is surer.
    either = {name: max(p, apart.get(name, 0.0)) for name, p in whole.items() if name in needs and name != EMERGENCY}
    likeliest = set(sorted(either, key=lambda name: -either[name])[: settings.second_need_rank])
    first_needs_story = set()  # needs a part tells as part of the first need's story
    for index, part in enumerate(parts):
        if not part.ranking or (part.background and not settings.second_need_from_background):
            continue
        name = max(part.ranking, key=part.ranking.get)
        clear = part.ranking[name] >= settings.second_need_sentence
        careful = name in settings.careful_second_needs
        own_story = first is not None and part.ranking.get(first, 0.0) >= settings.second_need_first_share
        # A careful need only on the one reading's word (a need's own model reads a child mentioned as at risk);
        # so too a need told only in the past: a neighbour who "threatened me when I knocked" last
        # summer reads as domestic abuse to that need's own model, not to the one reading.
        read = whole.get(name, 0.0) if careful or part.background else either.get(name, 0.0)
        enough = settings.careful_second_need_whole if careful else settings.second_need_whole
        if part.ranking[name] >= settings.first_needs_story_part and own_story:
            first_needs_story.add(name)
        if clear and not own_story and read >= enough and name in likeliest:
            found = {"name": name, "confidence": whole.get(name, 0.0), "sentence": index}
            if whole.get(name, 0.0) < enough:  # read in the whole message by its own yes/no model alone
                found["apart"] = True
            candidates.setdefault(name, found)
    runners_up = [(name, p) for name, p in ordered if name != first]
    if runners_up and runners_up[0][1] >= settings.second_need_runner_up:
        name, p = runners_up[0]
        candidates.setdefault(name, {"name": name, "confidence": p, "sentence": None})
    # A need's own yes/no model speaks when the one reading found no second need: it adds seconds,
    # it does not overrule one the parts or the runner-up found.
    # Nor does it bring back a need the parts told as the first need's story ("I have two kids who
    # can't sleep" in a noise complaint reads as nowhere to sleep on its own).
    others = [
        (name, p)
        for name, p in apart.items()
        if name in needs
        and name not in (first, EMERGENCY)
        and (name not in first_needs_story or p >= settings.first_needs_story_overruled_at)
    ]
    if others and not [name for name in candidates if name != first]:
        name, p = max(others, key=lambda kv: kv[1])
        careful = name in settings.careful_second_needs
        if p >= (settings.careful_second_need_apart if careful else settings.second_need_apart):
            # Its own model's certainty is what says whether it may go first (signposting's second_need_first_at).
            certainty = max(whole.get(name, 0.0), p)
            candidates[name] = {"name": name, "confidence": certainty, "sentence": None, "apart": True}
    # Every candidate is a need other than danger (``ordered`` holds only those); not the first again.
    candidates.pop(first, None)
    # A need a part of the story tells clearly comes before one the whole message only leans to;
    # unless only that need's own yes/no model reads it in the whole message: then a runner-up the one
    # reading gives its share comes first (abuse beside a hotel stay, not the theft of the bank cards).
    return (
        max(candidates.values(), key=lambda c: (c["sentence"] is not None and not c.get("apart"), c["confidence"]))
        if candidates
        else None
    )
