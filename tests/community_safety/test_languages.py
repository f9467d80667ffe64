"""Which language a message is in (script, CLD3) and romanised Bengali into Bengali script; the
languages and Bengali files staff edit."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from community_safety.languages import Languages, bengali_share, is_bengali_script, transliterate
from community_safety.translations import Translations, TranslationsError, bengali_variant, default_translations
from tests.conftest import PROJECT

LANGUAGES = Languages.from_file()


@pytest.mark.parametrize(
    "text,bengali",
    [
        ("আমার বাসার সামনে মারামারি হচ্ছে", True),
        ("আমরার বিল্ডিংর সামনে পুয়াইন্তে আড্ডা মারে", True),  # Sylheti in Bengali script
        ("আমার flat এর সামনে drugs বিক্রি হয়", True),  # mixed, mostly Bengali
        ("my neighbour plays loud music", False),
        ("amar bashar shamne maramari hocche", False),  # romanised: the model's classifier decides
        ("999", False),
        ("", False),
    ],
)
def test_bengali_script_is_known_by_its_unicode_block(text, bengali):
    assert is_bengali_script(text) is bengali


@given(st.one_of(st.text(max_size=200), st.none(), st.integers(), st.binary(max_size=20)))
def test_any_input_gets_a_share_between_0_and_1(value):
    assert 0.0 <= bengali_share(value) <= 1.0


def test_transliteration_keeps_english_words_and_places():
    out = transliterate("amar flat e police ashche na Roman Road", frozenset({"flat", "police", "roman", "road"}))
    assert out.startswith("আমার flat এ police") and out.endswith("Roman Road")
    assert transliterate("আমার বাসা") == "আমার বাসা"  # already Bengali script: unchanged


@pytest.mark.parametrize(
    "text,code",
    [
        ("Il mio vicino fa molto rumore tutte le notti", "it"),
        ("Mój sąsiad bardzo głośno słucha muzyki w nocy i nie mogę spać", "pl"),
        ("Deriskayga ayaa qaylo badan sameeya habeen kasta", "so"),
        # CLD3 guesses on short English; the bot must not answer English in another language.
        ("my neighbour plays loud music", None),
        ("help", None),
        ("ok thanks", None),
        ("আমার বাসার সামনে মারামারি হচ্ছে", None),
    ],
)
def test_other_languages_are_named_only_when_cld3_is_sure(text, code):
    found = LANGUAGES.other_language(text)
    assert (found.code if found else None) == code


def test_every_other_language_has_a_reply_with_999():
    assert LANGUAGES.others
    for other in LANGUAGES.others.values():
        assert "999" in other.reply and other.name


def test_the_bengali_file_reads_and_marks_what_awaits_review():
    translations = default_translations()
    assert translations.bengali("Someone at risk") == "কেউ ঝুঁকিতে আছে"
    assert translations.say("Someone at risk", "en") == "Someone at risk"
    assert translations.say("Words nobody translated", "bn") == "Words nobody translated"
    assert {e.english for e in translations.unreviewed()} <= set(translations.entries)


def test_a_translation_given_twice_is_refused(tmp_path):
    path = tmp_path / "bengali.yml"
    path.write_text(yaml.safe_dump({"entries": [{"en": "Hello", "bn": "হ্যালো"}, {"en": "Hello ", "bn": "সালাম"}]}))
    with pytest.raises(TranslationsError, match="again"):
        Translations.from_file(path)


def test_every_reply_that_works_without_the_action_server_is_in_bengali():
    """Except the menu buttons of needs marked as awaiting translation (their English is shown)."""
    from community_safety.signposting import default_signposting

    domain = yaml.safe_load((PROJECT / "domain.yml").read_text())
    translations = default_translations()
    awaiting = {f"/{name}" for name, need in default_signposting().needs.items() if need.awaiting_translation}
    missing = []
    for name, variants in domain["responses"].items():
        english = [v for v in variants if "condition" not in v][0]
        if translations.bengali(english["text"]) is None:
            missing.append(name)
        missing += [
            f"{name}: {b['title']}"
            for b in english.get("buttons") or []
            if translations.bengali(b["title"]) is None
            and not b["payload"].startswith("/choose_language")
            and b["payload"] not in awaiting
        ]
    assert missing == []


def test_the_999_reply_is_in_bengali_and_english():
    english = {"text": "Call 999 now if anyone is in danger."}
    translations = Translations({})
    assert bengali_variant("utter_emergency", english, translations)["text"] == english["text"]
    translations = Translations.from_file()
    domain = yaml.safe_load((PROJECT / "domain.yml").read_text())
    [bengali] = [v for v in domain["responses"]["utter_emergency"] if "condition" in v]
    assert bengali["text"].startswith("এখনই 999-এ ফোন করুন") and "Call 999 now" in bengali["text"]
    assert bengali["condition"] == [{"type": "slot", "name": "language", "value": "bn"}]


def test_english_words_outweigh_cld3s_guess():
    # CLD3 is sure "how do i get into detox" is Portuguese.
    english = frozenset({"how", "do", "i", "get", "into", "detox"})
    assert LANGUAGES.other_language("how do i get into detox") is not None
    assert LANGUAGES.other_language("how do i get into detox", english) is None
    assert LANGUAGES.other_language("Il mio vicino fa molto rumore tutte le notti", english).code == "it"


def test_the_list_of_what_awaits_review_is_current():
    from community_safety.needs import generated_docs
    from community_safety.translations import AWAITING_REVIEW_DOC

    assert AWAITING_REVIEW_DOC.read_text() == generated_docs()[AWAITING_REVIEW_DOC], "run make needs"


def test_a_translated_message_keeps_the_english_ones_values():
    import string

    def names(text: str) -> set[str]:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field}

    changed = [e.english for e in default_translations().entries.values() if names(e.english) != names(e.bengali)]
    assert changed == []


def test_every_signposting_answer_has_its_bengali():
    from community_safety.signposting import default_signposting

    translations = default_translations()
    texts = set()
    for need in default_signposting().needs.values():
        if need.awaiting_translation:  # listed in docs/generated/translations-awaiting-review.md
            continue
        texts.update(t for t in [need.intro, need.next, need.title] if t)
        for route in need.routes:
            texts.update(t for t in (route.say, route.next) if t)
    assert sorted(t for t in texts if translations.bengali(t) is None) == []


def test_every_service_line_and_the_forms_own_words_have_their_bengali():
    """A service added to services.yml, or a status, label or reason added in code, is named here
    until data/bengali.yml has its Bengali."""
    import calendar

    from community_safety.case_review import REASONS, REPEATED
    from community_safety.open311.config import default_config
    from community_safety.records.reports import RECEIVED
    from community_safety.records.statuses import REPORT_STATUSES
    from community_safety.reporting import IMPACT_WORDS, STORED_WORDS, SUMMARY_LABELS
    from community_safety.services import DAY_NAMES, PARTS_OF_THE_DAY, default_directory
    from community_safety.signposting import _NOTE, CONTACT_WORDS, SERVICE_LINES
    from community_safety.updates import UPDATE

    texts = {UPDATE, "About you", "Anonymous", "Linked to you in this chat", "Contact"}
    texts |= {"(between {first} and {last})", "every day", "Monday to Friday", "weekends"}
    texts |= {"{days}, {opens} to {closes}", "24 hours, every day", "{time} {part_of_the_day}"}
    for service in default_directory().services.values():
        texts.add(service.name)
        texts |= {note["note"] for note in map(_NOTE.match, service.contacts.values()) if note}
    texts |= {words for _, words in CONTACT_WORDS if words != "{contact}"} | set(SERVICE_LINES.values())
    texts |= {day.title() for day in DAY_NAMES} | {part for _, part in PARTS_OF_THE_DAY}
    texts |= set(calendar.month_name[1:]) | {status.for_resident for status in REPORT_STATUSES.values()}
    texts |= {label for _, label in SUMMARY_LABELS} | set(IMPACT_WORDS.values()) | set(STORED_WORDS)
    texts |= set(REASONS.values()) | set(REPEATED.values())
    texts |= set(default_config().updates.values()) | {RECEIVED}
    translations = default_translations()
    assert sorted(t for t in texts if translations.bengali(t) is None) == []


def test_a_bengali_line_break_is_kept(tmp_path):
    path = tmp_path / "bengali.yml"
    path.write_text(yaml.safe_dump({"entries": [{"en": "One\nTwo", "bn": "এক\n  দুই  "}]}, allow_unicode=True))
    assert Translations.from_file(path).bengali("One Two") == "এক\nদুই"
