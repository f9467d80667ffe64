"""Long messages read as stories (nlu/stories.py): where the sentences are, which only talk about
the past, and how the sentences' readings make the message's needs. Plain functions, no model."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nlu.stories import SentenceReading, StorySettings, is_background, read_story, sentences

NEEDS = frozenset({"emergency", "report_asb", "homelessness", "domestic_abuse", "safeguarding", "substance_misuse"})
STORY = "Since the spring the man upstairs plays music until 4am. When I knocked he swore at me. My kids are exhausted."


def test_a_short_message_is_read_whole():
    assert sentences("help me please. he is here") == ["help me please. he is here"]
    assert sentences("") == []


def test_a_long_message_is_split_into_its_sentences():
    assert sentences(STORY) == [
        "Since the spring the man upstairs plays music until 4am.",
        "When I knocked he swore at me.",
        "My kids are exhausted.",
    ]


def test_line_breaks_question_marks_and_the_bengali_danda_end_sentences():
    text = (
        "we were evicted on monday and have been moving around\nwhere can we go tonight? my son is only six years old"
    )
    assert len(sentences(text)) == 3
    bengali = "আমার স্বামী প্রতিদিন আমাকে মারে আর গালি দেয়। এখন আমার থাকার কোনো জায়গা নেই, বাচ্চাদের নিয়ে কোথায় যাব জানি না।"
    assert len(sentences(bengali, StorySettings(min_words=5))) == 2


def test_fragments_stay_with_their_neighbour():
    parts = sentences("Please. The lads in the stairwell are smoking and shouting again tonight. Help. Thanks.")
    assert all(len(part.split()) >= 3 for part in parts)


def test_a_very_long_message_keeps_the_rest_in_its_last_sentence():
    text = " ".join(f"This is sentence number {i} of the story." for i in range(20))
    parts = sentences(text, StorySettings(max_sentences=5))
    assert len(parts) == 5 and parts[-1].endswith("number 19 of the story.")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_no_word_is_ever_lost(text):
    assert " ".join(sentences(text)).split() == text.split()


def test_sentences_about_the_past_are_background():
    assert is_background("Two years ago my ex stabbed me in the arm.")
    assert is_background("Last Christmas he hit me with a hammer.")
    assert not is_background("He's outside my door right now.")
    assert not is_background("He hit me last week and he's back now.")
    assert not is_background("He knows where I live.")


def reading(text: str, background: bool = False, **ranking: float) -> SentenceReading:
    return SentenceReading(text, background, ranking)


def test_danger_told_only_about_the_past_does_not_rank_as_danger_now():
    whole = {"emergency": 0.6, "domestic_abuse": 0.3, "homelessness": 0.1}
    parts = [
        reading("Two years ago he stabbed me.", True, emergency=0.9, domestic_abuse=0.1),
        reading("He is getting out next month.", False, domestic_abuse=0.8, emergency=0.05),
    ]
    story = read_story(whole, parts, NEEDS, "Two years ago he stabbed me. He is getting out next month.")
    assert story.needs[0]["name"] == "domestic_abuse"
    assert story.danger_only_in_background and story.background == [0]


def test_danger_said_to_be_now_stays_danger_whatever_the_past():
    whole = {"emergency": 0.6, "domestic_abuse": 0.4}
    parts = [
        reading("Two years ago he stabbed me.", True, emergency=0.9),
        reading("He is outside the door.", False, domestic_abuse=0.7, emergency=0.3),
    ]
    story = read_story(whole, parts, NEEDS, "Two years ago he stabbed me. He is outside the door right now.")
    assert story.needs[0]["name"] == "emergency" and not story.danger_only_in_background


def test_a_sentence_on_its_own_never_raises_danger():
    whole = {"report_asb": 0.8, "emergency": 0.01, "homelessness": 0.19}
    parts = [
        reading("The music is on all night.", False, report_asb=0.9),
        reading("She has a baby.", False, emergency=0.9),
    ]
    story = read_story(whole, parts, NEEDS, "The music is on all night. She has a baby.")
    assert story.needs[0]["name"] == "report_asb"
    assert story.ranking["emergency"] <= 0.02


def test_a_second_need_told_clearly_in_one_sentence_is_found():
    whole = {"domestic_abuse": 0.8, "homelessness": 0.08, "emergency": 0.05, "report_asb": 0.07}
    parts = [
        reading("He has hit me for years.", False, domestic_abuse=0.95),
        reading("We can only stay at my friend's tonight.", False, homelessness=0.9),
    ]
    story = read_story(whole, parts, NEEDS, "")
    assert [need["name"] for need in story.needs] == ["domestic_abuse", "homelessness"]
    assert story.needs[1]["sentence"] == 1


def test_a_sentence_the_whole_message_does_not_point_to_is_no_second_need():
    whole = {"report_asb": 0.9, "homelessness": 0.01, "safeguarding": 0.05, "domestic_abuse": 0.04}
    parts = [
        reading("The music never stops.", False, report_asb=0.95),
        reading("My kids can't sleep.", False, homelessness=0.9),
    ]
    assert [need["name"] for need in read_story(whole, parts, NEEDS, "").needs] == ["report_asb"]


def test_a_close_runner_up_is_a_second_need_even_in_one_sentence():
    whole = {"substance_misuse": 0.55, "safeguarding": 0.4, "report_asb": 0.05}
    story = read_story(whole, [], NEEDS, "my dad drinks all day and my little sister is left on her own")
    assert [need["name"] for need in story.needs] == ["substance_misuse", "safeguarding"]


def test_danger_to_life_comes_alone():
    whole = {"emergency": 0.7, "safeguarding": 0.3}
    assert [need["name"] for need in read_story(whole, [], NEEDS, "").needs] == ["emergency"]


def test_only_needs_are_second_needs():
    whole = {"report_asb": 0.6, "greet": 0.35, "homelessness": 0.05}
    assert [need["name"] for need in read_story(whole, [], NEEDS, "").needs] == ["report_asb"]
