"""The danger-to-life rules on their own: what they must catch and what they must leave alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.components.emergency_language import LANGUAGE_FILE, EmergencyLanguage, EmergencyLanguageError, load

DANGER = [
    # Danger in plain words: hazards that are not fire, attacks on their way, overdoses, the NHS's
    # 999 signs, suicide warning signs.
    ("the sockets are sparking and there's water everywhere", "hazard_now"),
    ("water is pouring onto the fuse box", "hazard_now"),
    ("my little girl is 6 and she's gone missing from the park", "attack_happening_now"),
    ("our son is only 8 and he's been missing since school finished", "attack_happening_now"),
    ("our flat is filling with water", "hazard_now"),
    ("he's about to attack me", "attack_happening_now"),
    ("he's coming for me", "attack_happening_now"),
    ("he's hitting the boy with a belt right now", "attack_happening_now"),
    ("a man is being kicked on the ground", "attack_happening_now"),
    ("he's on his way to kill me", "threat_to_kill"),
    ("i've taken all my tablets", "suicide_or_self_harm"),
    ("everyone would be better off without me", "suicide_or_self_harm"),
    ("i found him hanging in the hallway", "suicide_or_self_harm"),
    ("I've cut my wrists", "suicide_or_self_harm"),
    ("she's slit her wrists in the bathroom", "suicide_or_self_harm"),
    ("i want to cut", "suicide_or_self_harm"),
    ("i wanna cut again tonight", "suicide_or_self_harm"),
    ("I really need to cut. I can't stop thinking about it", "suicide_or_self_harm"),
    ("ive started cutting again", "suicide_or_self_harm"),
    ("i'm cutting again and i can't stop", "suicide_or_self_harm"),
    ("my baby has gone floppy", "not_breathing_or_collapsed"),
    ("his face has dropped on one side", "not_breathing_or_collapsed"),
    ("her lips are turning blue", "not_breathing_or_collapsed"),
    ("he's on the floor making a gurgling noise", "not_breathing_or_collapsed"),
    ("my dad is gasping for air", "not_breathing_or_collapsed"),
    ("the landing reeks of gas", "fire_or_gas"),
    ("there's a man with a knife outside my flat", "weapon_present"),
    ("my ex is outside with a knife", "weapon_present"),
    ("he's got a blade", "weapon_present"),
    ("he\u2019s got a gun", "weapon_present"),  # curly apostrophe from a phone keyboard
    ("a lad's been shot", "weapon_present"),
    ("there's a shooting outside my block", "weapon_present"),
    ("my neighbour is filming a shooting on our road", "weapon_present"),
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
    # Danger the models left to each other out of fold (cross-validation, session 19): written here
    # in other words than the training examples that showed it.
    ("a lad by the bus stop keeps his hand in his waistband and he's eyeing up the other group", "weapon_present"),
    ("two men have just barged their way into the shop and are threatening the staff", "attack_happening_now"),
    ("a man has pushed his way into next door's house", "attack_happening_now"),
    ("we're all hiding upstairs", "attack_happening_now"),
    ("tonight he's dragging her down the stairs by her hair", "attack_happening_now"),
    ("he is pulling my sister out of the flat by her arm", "attack_happening_now"),
    ("two men are dragging a girl into a van", "attack_happening_now"),
    ("the plug by the kettle is smoking", "hazard_now"),
    ("water is dripping out of the ceiling light in the hall", "hazard_now"),
    ("the crane on the building site is swaying in the wind over the school", "hazard_now"),
    ("the balcony above the entrance is about to come down", "hazard_now"),
    ("some idiot is driving at people outside the mosque", "hazard_now"),
    ("he's hurting me", "attack_happening_now"),
    # Collapsed, said of a person however the sentence runs.
    ("my dad has just collapsed in the kitchen", "not_breathing_or_collapsed"),
    ("collapsed in the street outside the shop", "not_breathing_or_collapsed"),
    ("i found him collapsed on the floor", "not_breathing_or_collapsed"),
    ("she's collapsed", "not_breathing_or_collapsed"),
    ("my nan fell over, collapsed on the kitchen floor", "not_breathing_or_collapsed"),
    ("he came in... collapsed by the door", "not_breathing_or_collapsed"),
]

NOT_DANGER = [
    "i feel trapped in this relationship",
    "the baby makes happy gurgling sounds all night through the wall",
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
    "my daughter is 14 and she's been missing school for weeks",
    "my son went missing for a night last year but he came home safe",
    "the trees in the park are swaying in the wind",
    "they put scaffolding up months ago and it's an eyesore",
    "someone has forced their way into the bin store again and there's rubbish everywhere",
    "people have forced their way into the building and are sleeping in the stairwell",
    "I'm not hiding anything from the police",
    "the man upstairs keeps dragging his bins down the stairs at 2am",
    "he was dragging her by the hair last year, he's moved away now",
    "I'm dragging the kids out of the house to school",
    "some lads drove at me on their mopeds last week",
    "my son keeps his phone in his waistband",
    "my nephew is sharing videos of a shooting at a mosque and calls the gunman a hero",
    "he watches footage of the shooting over and over",
    "water keeps coming through the ceiling from the flat above",
    "i left him because he was hurting me and now i need somewhere to live",
    # Collapsed said of something that is not a person.
    "his grades have collapsed and he won't talk to me",
    "my business has collapsed and i can't pay the rent",
    "the deal collapsed at the last minute",
    # Cutting down is on drink or drugs.
    "I'm on two bottles of cider a day now. I want to cut down.",
    "how do i cut down on the weed",
    "I want to cut down.",
    "i need to cut back on the spice",
    "i want to cut my hours at work",
    "the council need to cut the hedge by the bus stop",
    "the council has been cutting again, the bins are only collected every fortnight",
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


# Danger typed in a hurry (issue #25): phrasings written for this test, apart from the rules and
# from evaluation/danger_spellings.yml, so that the rules are shown to generalise.
@pytest.mark.parametrize(
    "text,group",
    [
        ("theres a guy wiv a nife outside the chippy", "weapon_present"),
        ("my nan collasped and shes not breathin", "not_breathing_or_collapsed"),
        ("sumone is bleedin out on the landing", "not_breathing_or_collapsed"),
        ("hes threatenin to kill me tonite", "threat_to_kill"),
        ("kms", "suicide_or_self_harm"),
        ("my son fell into the river by the park", "hazard_now"),
        ("theyre comin at my brother with a bat", "weapon_present"),
        # Romanised Bengali and Sylheti, spelled several ways.
        ("amar bhai chhader kinaray dariye ache", "suicide_or_self_harm"),
        ("se bole laaf dimu", "suicide_or_self_harm"),
        ("abba shaash nite parchena", "not_breathing_or_collapsed"),
        ("ammar thont nila hoye jaitese", "not_breathing_or_collapsed"),
        ("ora amar bhaike ekhon marteche", "attack_happening_now"),
        ("uni amare maira falaimu koise", "threat_to_kill"),
        ("onek gula tablet kheye feleche", "suicide_or_self_harm"),
    ],
)
def test_danger_typed_in_a_hurry_is_recognised(language, text, group):
    match = language.find(text)
    assert match is not None and match.group == group, (text, match)


@pytest.mark.parametrize(
    "text",
    [
        "im cookin dinner for the kids tonite",
        "we went to the canal for a walk on sunday",
        "he's been comin round asking for money",
        "he was stabbed before and now hes scared to go out",
        "amar ammar oshud khaise, ekhon ghumacche",
        "ami chader upor kapor shukate dei",
    ],
)
def test_what_only_looks_like_fast_typed_danger_is_left_alone(language, text):
    assert language.find(text) is None, text


def test_spellings_must_be_a_mapping_of_words(tmp_path):
    import yaml

    document = yaml.safe_load(LANGUAGE_FILE.read_text(encoding="utf-8"))
    path = tmp_path / "emergency_language.yml"
    path.write_text(yaml.safe_dump({**document, "spellings": {"nife": ""}}), encoding="utf-8")
    with pytest.raises(EmergencyLanguageError, match="spellings"):
        EmergencyLanguage.from_file(path)
