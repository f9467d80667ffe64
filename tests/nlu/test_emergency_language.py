"""The danger-to-life rules on their own: what they must catch and what they must leave alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.components.emergency_language import EmergencyLanguage, EmergencyLanguageError, load

DANGER = [
    # Danger in plain words: hazards that are not fire, attacks on their way, overdoses, the NHS's
    # 999 signs, suicide warning signs.
    ("the sockets are sparking and there's water everywhere", "hazard_now"),
    ("water is pouring onto the fuse box", "hazard_now"),
    ("our flat is filling with water", "hazard_now"),
    ("he's about to attack me", "attack_happening_now"),
    ("he's coming for me", "attack_happening_now"),
    ("he's hitting the boy with a belt right now", "attack_happening_now"),
    ("a man is being kicked on the ground", "attack_happening_now"),
    ("he's on his way to kill me", "threat_to_kill"),
    ("i've taken all my tablets", "suicide_or_self_harm"),
    ("everyone would be better off without me", "suicide_or_self_harm"),
    ("i found him hanging in the hallway", "suicide_or_self_harm"),
    ("my baby has gone floppy", "not_breathing_or_collapsed"),
    ("his face has dropped on one side", "not_breathing_or_collapsed"),
    ("her lips are turning blue", "not_breathing_or_collapsed"),
    ("the landing reeks of gas", "fire_or_gas"),
    ("there's a man with a knife outside my flat", "weapon_present"),
    ("my ex is outside with a knife", "weapon_present"),
    ("he's got a blade", "weapon_present"),
    ("he\u2019s got a gun", "weapon_present"),  # curly apostrophe from a phone keyboard
    ("a lad's been shot", "weapon_present"),
    ("STABBING ON BRICK LANE NOW", "weapon_present"),
    ("someone got stabbed", "weapon_present"),
    ("i want to kill myself", "suicide_or_self_harm"),
    ("im gonna end it all", "suicide_or_self_harm"),
    ("i tried to kill myself last night", "suicide_or_self_harm"),  # the past never clears this
    ("my nan isnt breathing", "not_breathing_or_collapsed"),
    ("my friend took pills and won't wake up", "not_breathing_or_collapsed"),
    ("call an ambulance", "not_breathing_or_collapsed"),
    ("the block is on fire", "fire_or_gas"),
    ("smoke is pouring out of next door", "fire_or_gas"),
    ("i can smell gas", "fire_or_gas"),
    ("someone is trying to kick my door in", "attack_happening_now"),
    ("a woman is being attacked", "attack_happening_now"),
    ("I'm hiding in the bathroom", "attack_happening_now"),
    ("he says he's going to kill me", "threat_to_kill"),
    ("my ex texted he's going to kill me tonight", "threat_to_kill"),
    ("HELP!!!", "plea_for_help"),
    ("help help", "plea_for_help"),
    ("a man had a knife last night and he's back now", "weapon_present"),
    ("he pulled a knife on me just now", "weapon_present"),
    ("man wiv a machete in the park", "weapon_present"),  # text-speak
    ("theres a shootin on my road", "weapon_present"),
    ("my mate aint breathin", "not_breathing_or_collapsed"),
]

NOT_DANGER = [
    "i feel trapped in this relationship",
    "someone is shooting up in the stairwell",
    "my son was being kicked out of school",
    "he has been stabbed before and now they want him in the gang",
    "my bike was stolen last week",
    "noise every night",
    "my ex keeps texting threats",
    "knife crime support",
    "how do I join a weapon sweep",
    "help",
    "can you help me",
    "my son was stabbed last year, is there support",
    "kids set fire to the bins last night",
    "this noise is killing me",
    "someone keyed my car and slashed the tyres",
    "i was mugged on saturday",
    "my boyfriend strangled me last week",
    "support for victims of knife crime at the royal london",
    "fireworks every night",
    "i found a knife in the park",
    "my dad had a heart attack last year and now he can't manage the stairs",
    "",
    "   ",
]


@pytest.fixture(scope="module")
def language() -> EmergencyLanguage:
    return load()


@pytest.mark.parametrize("text,group", DANGER)
def test_danger_to_life_is_recognised(language, text, group):
    match = language.find(text)
    assert match is not None, text
    assert match.group == group


@pytest.mark.parametrize("text", NOT_DANGER)
def test_non_emergencies_are_left_alone(language, text):
    assert language.find(text) is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_any_text_is_handled_without_error(language, text):
    language.find(text)


def test_non_text_is_not_an_emergency(language):
    assert language.find(None) is None
    assert language.find(42) is None


def test_bad_pattern_names_the_group(tmp_path):
    bad = tmp_path / "language.yml"
    bad.write_text("groups:\n  - name: broken\n    patterns: ['(unclosed']\npast_cues: ['x']\npresent_cues: ['y']\n")
    with pytest.raises(EmergencyLanguageError, match="broken"):
        EmergencyLanguage.from_file(bad)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(EmergencyLanguageError, match="cannot read"):
        EmergencyLanguage.from_file(tmp_path / "absent.yml")


def test_file_without_groups_is_rejected(tmp_path):
    bad = tmp_path / "language.yml"
    bad.write_text("- just a list\n")
    with pytest.raises(EmergencyLanguageError, match="groups"):
        EmergencyLanguage.from_file(bad)
