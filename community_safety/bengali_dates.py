"""When it happened, said in Bengali: the date words put into the English ones ``when.py`` reads.

dateparser's Bengali knows "গতকাল" and "৩ দিন আগে" but not "গতকাল রাতে" (last night), "গত সোমবার"
(last Monday), "দুই সপ্তাহ আগে" (two weeks ago) or Sylheti's "কাইল"/"আইজ". Bengali says dates in
English's word order ("গত সোমবার" is "last Monday", "৩ দিন আগে" is "3 days ago"), so the words are
swapped one by one and the English reading does the rest: one set of rules for ranges, rough dates
and the case review, whichever language the resident wrote in. Romanised Bengali ("gotokal rate")
is put into Bengali script first, keeping English words ("last friday", "11pm").
"""

from __future__ import annotations

import re

from community_safety.languages import transliterate

# A Bengali word's edges: Python's \b does not see Bengali vowel signs as word characters.
_START, _END = r"(?<![\u0980-\u09FF])", r"(?![\u0980-\u09FF])"
_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")
_NIGHT = r"রা[ই]?ত(?:ে|ের|্রে)?"  # রাত, রাতে, Sylheti রাইতে
_YESTERDAY = r"(?:গত\s*|গতো\s*)?কা[ই]?ল(?:কে|কের|্কে)?"  # গতকাল, কাল, Sylheti কাইল

# In order: longer phrases before their parts.
_WORDS: list[tuple[str, str]] = [
    (_YESTERDAY + r"\s*" + _NIGHT, "last night"),
    (r"গত\s*" + _NIGHT, "last night"),
    (r"(?:গত\s*)?পরশু", "2 days ago"),
    (_YESTERDAY, "yesterday"),
    (r"আজ(?:কে|কের)?|আই?জ(?:্জা|কু)?|এখন(?:ই)?|একটু আগে|এইমাত্র", "today"),
    (r"জানি\s*না|জানিনা|মনে\s*(?:নেই|নাই|নাই|পড়ছে না)|নিশ্চিত\s*না(?:ই)?", "not sure"),
    (r"(?:প্রতি\s*দিন(?:ই)?|রোজ)\s*" + _NIGHT, "every night"),
    (r"প্রতি\s*দিন(?:ই)?|রোজ|দৈনিক", "every day"),
    (r"প্রতি\s*" + _NIGHT, "every night"),
    (r"প্রতি\s*সপ্তাহ(?:ে)?", "every week"),
    (r"প্রতি", "every"),
    (r"(?:সোম|সম|শম|শোম)্?বার", "monday"),
    (r"মঙ্গল্?বার", "tuesday"),
    (r"বুধ্?বার", "wednesday"),
    (r"(?:বৃহস্পতি|বিষ্যুদ|বিশ্যুদ|বৃহঃস্পতি|ব্রিহশপতি|বিস্যুদ)্?বার", "thursday"),
    (r"শুক্র্?বার", "friday"),
    (r"(?:শনি|শোনি)্?বার", "saturday"),
    (r"(?:রবি|রোব|রোবি)্?বার", "sunday"),
    (r"সপ্তাহান্তে|উইকেন্ডে?", "weekend"),
    (r"[সশ]কাল(?:ে|বেলা)?", "morning"),
    (r"দুপুর(?:ে|বেলা)?|বিকা?ে?ল(?:ে|বেলা)?", "afternoon"),
    (r"সন্ধ্যা(?:য়|য়|বেলা)?|সন্ধায়?", "evening"),
    (_NIGHT, "night"),
    (r"গত|গেল|গেলো", "last"),
    (r"এই", "this"),
    (r"[সশ]প্তা(?:হ)?(?:ে|ের|য়|য়)?", "week"),
    (r"মা[সশ](?:ে|ের)?", "month"),
    (r"বছর(?:ে)?", "year"),
    (r"দিন(?:ে)?", "day"),
    (r"আগে", "ago"),
    (r"এক", "one"),
    (r"দুই|দু", "two"),
    (r"তিন", "three"),
    (r"চার", "four"),
    (r"পাঁচ", "five"),
    (r"ছয়|ছয়", "six"),
    (r"জানুয়ারি|জানুয়ারী|জানুয়ারি", "january"),
    (r"ফেব্রুয়ারি|ফেব্রুয়ারী|ফেব্রুয়ারি", "february"),
    (r"মার্চ", "march"),
    (r"এপ্রিল", "april"),
    (r"মে", "may"),
    (r"জুন", "june"),
    (r"জুলাই", "july"),
    (r"আগস্ট|অগাস্ট|আগষ্ট", "august"),
    (r"সেপ্টেম্বর", "september"),
    (r"অক্টোবর", "october"),
    (r"নভেম্বে?র", "november"),
    (r"ডিসেম্বে?র", "december"),
    (r"তারিখ(?:ে)?", " "),
]
_PATTERNS = [(re.compile(_START + f"(?:{pattern})" + _END), f" {english} ") for pattern, english in _WORDS]
# "মার্চ থেকে" (since March), "২ সপ্তাহ ধরে" (for two weeks, and still going on).
_SINCE = re.compile(r"((?:[a-z0-9]+\s+){0,2}[a-z0-9]+)\s*থেকে")
_FOR = re.compile(r"((?:[a-z0-9]+\s+){0,2}[a-z0-9]+)\s*ধরে")
_COUNTED = re.compile(r"\b(\d+|one|two|three|four|five|six|many)\s+(day|week|month|year)\b")
_OTHER_BENGALI = re.compile(r"[\u0980-\u09FF]+")
# "১১টায়", "সাড়ে ৯টার দিকে": a time of day, which says nothing of the date.
_CLOCK = re.compile(r"(?:সাড়ে|সাড়ে|পৌনে|সোয়া|সোয়া)?\s*\d{1,2}(?:[:.]\d{2})?\s*টা(?:য়|য়|র)?(?:\s*দিকে)?")

# English words a romanised answer may hold, kept as they are when the rest is transliterated.
ENGLISH_DATE_WORDS = frozenset(
    " ".join(
        (
            "last night yesterday today ago days day weeks week months month years year since every this on at",
            "about around am pm morning afternoon evening weekend monday tuesday wednesday thursday friday",
            "saturday sunday january february march april may june july august september october november",
            "december jan feb mar apr jun jul aug sep sept oct nov dec",
        )
    ).split()
)


def bengali_dates_in_english(text: str) -> str:
    """ "গতকাল রাতে ১১টায়" -> "last night 11": the date words in English, other Bengali dropped."""
    text = _CLOCK.sub(" ", text.translate(_DIGITS).casefold())
    for pattern, english in _PATTERNS:
        text = pattern.sub(english, text)
    text = _COUNTED.sub(r"\1 \2s", text)
    text = _SINCE.sub(r" since \1 ", text)
    text = _FOR.sub(r" \1 ago, still going on ", text)
    return " ".join(_OTHER_BENGALI.sub(" ", text).split())


def romanised_dates_in_english(text: str) -> str:
    """ "gotokal rate" -> "last night": into Bengali script (English words kept), then as above."""
    return bengali_dates_in_english(transliterate(text, ENGLISH_DATE_WORDS))
