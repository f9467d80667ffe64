"""Read residents' typed answers to the bot's questions: "yeah", "nope", "my son", "he's 15".

Buttons send the plain words these accept, so a tapped button and a typed answer take
the same path. Anything that cannot be read returns None, and the bot asks again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_YES = re.compile(
    r"^(?:y|ye|yes|yeah|yea|yep|yup|ya|yh|aye|ok|okay|sure|correct|right|definitely|"
    r"i think so|probably|it is|they are|he is|she is|there is|i am|i do|we are|we do|it does|they do|"
    r"absolutely|of course|yes please)\b"
)
_NO = re.compile(
    # "no idea" is not knowing, not a no.
    r"^(?!no (?:idea|clue)\b)(?:n|no|nope|nah|na|not really|no one|nobody|not (?:right |just )?now|none|never|"
    r"i don'?t think so|"
    r"it'?s not|it isn'?t|they'?re not|not at the moment|not at the minute|not currently|not any ?more|"
    r"i'?m not|i am not|we'?re not|it doesn'?t|not me|not that i know)\b"
)
# Bengali, in its script and in Latin letters. Vowel signs are not word characters in Python's
# re, so these end at a space, a mark or the end instead of at \b.
_END = r"(?=$|[\s,.!?।])"
_BN_YES = re.compile(
    r"^(?:হ্যাঁ|হ্যা|হাঁ|হা|জি হ্যাঁ|জি|জ্বি|জী|অয়|হয়|ঠিক আছে|ঠিক|আছে|haa?|hae|haan?|ji|jee|oy|hoy|thik ache)" + _END
)
_BN_NO = re.compile(r"^(?:না|নাহ|নাই|নেই|জি না|জ্বি না|naa|nai|nei|ji na|jee na)" + _END)
_BN_SELF = re.compile(r"(?:^|\s)(?:আমি|আমার|আমাকে|আমারে|নিজে|নিজের|ami|amar|amake|amare|nije|nijer)" + _END)
_BN_ME = re.compile(r"(?:^|\s)(?:আমি|আমাকে|আমারে|নিজে|নিজের|ami|amake|amare|nije|nijer)" + _END)
_BN_OTHER = re.compile(
    r"(?:^|\s)(?:অন্য কেউ|অন্য কারো|অন্য একজন|প্রতিবেশী|বন্ধু|ছেলে|মেয়ে|বাচ্চা|ভাই|বোন|মা|বাবা|স্বামী|বউ|সে|তিনি|"
    r"onno keu|onno karo|protibeshi|bondhu|chele|meye|baccha|bhai|bon|shami|bou|se|tini)" + _END
)
# Who a message is about. One list of each, used both for a typed answer to "Is this about you, or
# someone else?" and for what a first message already says ("my son is using drugs").
_SELF = re.compile(r"\b(?:me|myself|i|i'?m|im|i am|my own|mine|us|we|we'?re|our family)\b")
_OTHER = re.compile(
    r"\b(?:someone|somebody|some1|other|else|person|people|stranger|they|he|she|him|his|her|them|"
    r"man|woman|lady|lad|girl|boy|guy|bloke|kids?|child(?:ren)?|\d+ year old|"
    r"friends?|mates?|neighbou?rs?|sons?|daughters?|brother|sister|mum|mom|dad|parents?|partner|husband|wife|"
    r"cousin|nephew|niece|aunt|uncle|gran\w*|nan|relatives?)\b"
)
# Narration, not who it is about: "I think the little boy next door is being neglected" is about him.
_NARRATION = re.compile(
    r"\b(?:i (?:think|thought|believe|reckon|suspect|saw|see|heard|hear|noticed|have noticed|know)|"
    r"i'?ve (?:noticed|seen|heard)|i'?m (?:worried|concerned|not sure)(?: (?:about|that|if|whether))?|"
    r"i(?: want| need| would like|'d like| wanna) to (?:report|tell you about)|(?:can|could|how do) i report)\b"
)
# A parent speaking of their own children ("my kids", "our son", "i've got 3 children"): the
# children are theirs, so the resident is not a child; and when the resident speaks of themselves
# with them ("me and my two kids", "my kids and i", "with my children") the family is the subject.
_CHILDREN = r"(?:kids?|kiddies|child(?:ren)?|sons?|daughters?|bab(?:y|ies)|toddlers?|little ones|boys|girls)"
_HAVE = r"(?:\b(?:i|we)\s+(?:have got|have|got)|\b(?:i'?ve|we'?ve)\s+got)"
_OWN_CHILDREN = re.compile(
    rf"\b(?:my|our)\s+(?:\w+\s+)?{_CHILDREN}\b|{_HAVE}\s+(?:\w+\s+)?{_CHILDREN}\b|"
    # "I walked out with the baby", "we left with the kids": leaving or staying somewhere with them.
    rf"\b(?:i|we)(?:'?ve| have|'m|'re| am| are)?\s+(?:just\s+)?(?:left|walked out|moved out|ran(?: away)?|fled|"
    rf"got out|escaped|gone|went|came|staying|sleeping)\b[^.]{{0,30}}?\bwith (?:the|my|our)\s+(?:\w+\s+)?{_CHILDREN}\b"
)
_WITH_OWN_CHILDREN = re.compile(
    rf"\bme and (?:my|our|the)\s+(?:\w+\s+)?{_CHILDREN}\b|\b(?:my|our)\s+(?:\w+\s+)?{_CHILDREN} and (?:me|i|myself)\b|"
    rf"\bwith (?:my|our)\s+(?:\w+\s+)?{_CHILDREN}\b|\bwe\b.*\b(?:my|our)\s+(?:\w+\s+)?{_CHILDREN}\b|"
    rf"{_HAVE}\s+(?:\w+\s+)?{_CHILDREN}\b.*\b(?:we|us|we're|me)\b"
)
# A child placed by the resident's own ("a boy from my son's school", "my daughter's friend"): the
# resident is a parent, but the child the message is about is someone else's.
_PLACED_BY_OWN_CHILD = re.compile(
    rf"\b(?:my|our)\s+(?:\w+\s+)?{_CHILDREN}(?:'s?|s')\s+(?:school|class|classmates?|year|friends?|mates?|"
    rf"nursery|college|club|team|teacher)\b"
)
# Nowhere to sleep tonight, said in the first message: the question need not be asked.
_NOWHERE_TONIGHT = re.compile(
    r"\b(?:nowhere|no where|no place|no home) to (?:sleep|stay|go|live)\b.*\btonight\b|"
    r"\btonight\b.*\b(?:nowhere|no where|no place) to (?:sleep|stay|go)\b|"
    r"\b(?:on the streets?|sleeping rough) tonight\b"
)
_CHILD = re.compile(
    r"\b(?:under\s*18|under eighteen|child|children|kid|kids|baby|toddler|teen\w*|minor|young person|"
    r"boy|girl|school|u18|youth)\b"
)
_ADULT = re.compile(
    r"\b(?:adult|grown|over\s*18|18\s*(?:or|and)\s*(?:over|above|older)|18\+|elderly|old|"
    r"pensioner|man|woman|lady|gentleman|older)\b"
)
_AGE = re.compile(r"\b(\d{1,3})\s*(?:y(?:ea)?rs?|yo|y/o)?\b")

YES, NO = "yes", "no"


@dataclass(frozen=True)
class Answer:
    """What a form keeps from one answer (slot: value); `problem` names the message to say when
    the answer couldn't be read, so the form asks again."""

    slots: dict[str, Any]
    problem: str | None = None

    @classmethod
    def of(cls, slot: str, value: str | None, problem: str = "not_understood") -> Answer:
        """From a reader that gives a value or None."""
        return cls({slot: value}, None if value is not None else problem)


def plain_words(text: object) -> str:
    """Lower case, one space between words, the typographic apostrophe made plain."""
    if not isinstance(text, str):
        return ""
    return " ".join(text.replace("\u2019", "'").casefold().split())


def _clean(text: object) -> str:
    return plain_words(text)[:500]


def yes_no(text: object) -> str | None:
    cleaned = _clean(text).strip(" .!?।")
    if _NO.match(cleaned) or _BN_NO.match(cleaned):
        return NO
    if _YES.match(cleaned) or _BN_YES.match(cleaned):
        return YES
    return None


def mentions(text: object) -> tuple[bool, bool]:
    """Whether the words name the writer themselves, and whether they name someone else."""
    cleaned = _clean(text)
    return bool(_SELF.search(cleaned)), bool(_OTHER.search(cleaned))


def speaks_as_parent(text: object) -> bool:
    """ "my kids", "our son", "i've got two children": the resident is a parent, not a child. Not
    said by "a girl from my daughter's class": the child there is someone else's."""
    return bool(_OWN_CHILDREN.search(_PLACED_BY_OWN_CHILD.sub(" ", plain_words(text))))


def with_own_children(text: object) -> bool:
    """ "me and my two kids", "my kids and i", "we ... our children": the resident and their children together."""
    return bool(_WITH_OWN_CHILDREN.search(plain_words(text)))


def nowhere_tonight(text: object) -> bool:
    """ "nowhere to sleep tonight" in a first message."""
    return bool(_NOWHERE_TONIGHT.search(plain_words(text)))


def about_in_message(text: object) -> str | None:
    """Who a resident's first message is about, only when it is unambiguous: "my partner kicked me
    out" names both, so the bot asks. A resident with their own children ("me and my kids have
    nowhere to sleep") is speaking of themselves: their family."""
    words = _NARRATION.sub(" ", plain_words(text))
    if with_own_children(words):
        words = _OWN_CHILDREN.sub(" ", words)
    self_words, other_words = mentions(words)
    if self_words == other_words:
        return None
    return "self" if self_words else "other"


def about_whom(text: object) -> str | None:
    """Answer to "Is this about you, or someone else?"."""
    cleaned = _clean(text)
    bengali_self, bengali_other = bool(_BN_SELF.search(cleaned)), bool(_BN_OTHER.search(cleaned))
    if bengali_other and not _BN_ME.search(cleaned):
        return "other"  # "আমার প্রতিবেশী", my neighbour: "my" alone is not about me
    if bengali_self and not bengali_other:
        return "self"
    if re.search(r"\bsomeone else\b|\bsomebody else\b|\bnot me\b|\bother person\b", cleaned):
        return "other"
    self_, other = mentions(cleaned)
    if other and not re.search(r"^(?:me|myself|it'?s (?:me|us)|i am|i'?m|we|we'?re|we are|us)\b", cleaned):
        return "other"
    if self_:
        return "self"
    return None


def age_group(text: object) -> str | None:
    """Answer to "Is the person under 18?" (or "Are you under 18?")."""
    cleaned = _clean(text)
    if re.search(r"\b(?:not|isn'?t|aren'?t)\s+(?:under\s*18|a child|a kid)\b", cleaned):
        return "adult"
    if re.search(r"\b(?:not|isn'?t|aren'?t)\s+(?:over\s*18|an adult|a grown)", cleaned):
        return "child"
    if re.search(r"\bunder\s*(?:18|eighteen)\b|\bu18\b", cleaned):
        return "child"
    if re.search(r"\b(?:over|above)\s*18\b|\b18\s*(?:or|and)\s*(?:over|above|older)\b|\b18\+", cleaned):
        return "adult"
    age = _AGE.search(cleaned)
    if age and 0 < int(age.group(1)) < 120 and not re.search(r"\d\s*(?:am|pm|:)", cleaned):
        return "child" if int(age.group(1)) < 18 else "adult"
    if _CHILD.search(cleaned):
        return "child"
    if _ADULT.search(cleaned):
        return "adult"
    # The question is "Is the person under 18?": a plain yes or no answers it.
    return {YES: "child", NO: "adult"}.get(yes_no(cleaned))


def homeless_tonight(text: object) -> str | None:
    """Answer to "Do you have nowhere safe to sleep tonight?"."""
    cleaned = _clean(text)
    if re.search(r"\b(?:nowhere|no where|no ?one|on the streets?|sleeping rough|in my car)\b", cleaned):
        return YES
    # Somewhere for tonight, however it is put: "a few nights left at a mate's", "at my sister's".
    if re.search(
        r"\b(?:somewhere|some where|staying (?:with|at)"
        r"|(?:friend|mate|mum|mom|dad|sister|brother|cousin|nan|auntie?)'?s|sofa|for now"
        r"|(?:a )?(?:few|couple of) (?:more )?nights?|ok(?:ay)? (?:for )?tonight|fine (?:for )?tonight|not tonight"
        r"|(?:till|until) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|the weekend|next week))\b",
        cleaned,
    ):
        return NO
    return yes_no(text)


_CANCEL = re.compile(
    r"^\W*(?:please\s+)?(?:cancel(?: (?:it|that|this|my report|the report))?|stop(?: (?:it|this|here|now))?|quit|"
    r"abort|forget it|never ?mind|scrap (?:it|that)|i(?:'ve| have)? changed my mind|"
    r"i don'?t want to (?:report it|do this|carry on)(?: any ?more)?)\W*$"
)


def is_cancel(text: object) -> bool:
    """Plainly asking to stop. Said outright, not guessed by the classifier, so an answer that
    merely contains "stop" ("they won't stop shouting") is never taken for it."""
    return bool(_CANCEL.match(_clean(text)))
