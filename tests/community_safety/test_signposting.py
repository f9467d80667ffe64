"""Routes for every need and answer, and one home for every phone number the bot says."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from community_safety.services import LONDON, digits, load_directory
from community_safety.signposting import SIGNPOSTING_FILE, SignpostingError, load_signposting
from tests.conftest import PROJECT

DIRECTORY = load_directory()
SIGNPOSTING = load_signposting(DIRECTORY)
WEEKDAY = dt.datetime(2026, 11, 26, 11, 0, tzinfo=LONDON)
NIGHT = dt.datetime(2026, 11, 26, 23, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    "need,answers,expected",
    [
        ("report_asb", {"danger_now": "yes"}, ["emergency"]),
        ("report_asb", {"danger_now": "no", "happening_now": "yes"}, ["police_non_emergency"]),
        ("report_asb", {"danger_now": "no", "happening_now": "no"}, ["council_asb_reporting", "police_non_emergency"]),
        ("homelessness", {"about": "other", "age_group": "child"}, ["emergency"]),
        ("homelessness", {"about": "other", "age_group": "adult"}, ["streetlink"]),
        ("homelessness", {"about": "self", "age_group": "child"}, ["children_social_care", "childline"]),
        (
            "homelessness",
            {"about": "self", "age_group": "adult", "homeless_tonight": "yes"},
            ["police_non_emergency", "housing_options"],
        ),
        ("homelessness", {"about": "self", "age_group": "adult", "homeless_tonight": "no"}, ["housing_options"]),
        ("substance_misuse", {"about": "self"}, ["reset_treatment", "frank"]),
        ("substance_misuse", {"about": "other"}, ["reset_treatment", "frank"]),
        ("safeguarding", {"danger_now": "yes"}, ["emergency"]),
        (
            "safeguarding",
            {"danger_now": "no", "age_group": "child", "about": "self"},
            ["childline", "children_social_care"],
        ),
        (
            "safeguarding",
            {"danger_now": "no", "age_group": "child", "about": "other"},
            ["children_social_care", "nspcc"],
        ),
        ("safeguarding", {"danger_now": "no", "age_group": "adult"}, ["adult_social_care"]),
        ("domestic_abuse", {"danger_now": "yes"}, ["emergency"]),
        ("domestic_abuse", {"danger_now": "no", "about": "self"}, ["domestic_abuse_helpline", "police_non_emergency"]),
        ("domestic_abuse", {"danger_now": "no", "about": "other"}, ["domestic_abuse_helpline"]),
        ("hate_crime", {"danger_now": "no"}, ["police_non_emergency", "crimestoppers", "no_place_for_hate"]),
        ("report_crime", {"happening_now": "yes"}, ["emergency"]),
        ("report_crime", {"happening_now": "no"}, ["police_non_emergency", "crimestoppers"]),
        ("radicalisation", {"danger_now": "no"}, ["act_early", "anti_terrorist_hotline"]),
        ("community_trigger", {}, ["asb_case_review", "council_asb_reporting", "police_non_emergency"]),
        ("crime_prevention", {}, ["crimestoppers", "community_safety_team"]),
        ("get_involved", {}, ["safer_neighbourhood_team", "community_safety_team"]),
    ],
)
def test_routes(need, answers, expected):
    assert list(SIGNPOSTING.reply(need, answers, WEEKDAY).services) == expected


@pytest.mark.parametrize(
    "need,answers,asked",
    [
        ("report_asb", {}, ["danger_now", "happening_now"]),
        ("homelessness", {}, ["about", "age_group"]),
        ("homelessness", {"about": "self"}, ["age_group"]),
        ("homelessness", {"about": "self", "age_group": "adult"}, ["homeless_tonight"]),
        ("homelessness", {"about": "self", "age_group": "child"}, []),
        ("homelessness", {"about": "other", "age_group": "adult"}, []),
        ("safeguarding", {"danger_now": "no"}, ["age_group"]),
        ("safeguarding", {"danger_now": "no", "age_group": "child"}, ["about"]),
        ("safeguarding", {"danger_now": "no", "age_group": "adult"}, []),
        ("community_trigger", {}, []),
        ("not_a_need", {}, []),
    ],
)
def test_only_the_questions_that_change_the_door(need, answers, asked):
    assert SIGNPOSTING.questions_to_ask(need, answers) == asked


def test_a_closed_service_gives_its_out_of_hours_number():
    night = SIGNPOSTING.reply("safeguarding", {"danger_now": "no", "age_group": "child", "about": "other"}, NIGHT).text
    day = SIGNPOSTING.reply("safeguarding", {"danger_now": "no", "age_group": "child", "about": "other"}, WEEKDAY).text
    assert "020 7364 4079" in night and "closed now" in night
    assert "020 7364 5006" in day and "closed now" not in day


def test_second_needs_are_found_in_the_message():
    assert SIGNPOSTING.other_needs("a young lad sleeping rough and being exploited", "safeguarding") == ["homelessness"]
    assert SIGNPOSTING.other_needs("someone injecting in the stairwell", "substance_misuse") == ["report_asb"]
    assert SIGNPOSTING.other_needs("my bike was stolen", "report_crime") == []
    # A place in a block is not anti-social behaviour on its own (make eval: 2 fewer second doors
    # on one-need messages, none lost on two-need ones).
    assert SIGNPOSTING.other_needs("my scooter was taken from the communal bike store", "report_crime") == []
    assert SIGNPOSTING.other_needs("I can smell it from the landing", "safeguarding") == []


def test_a_need_asked_for_beside_what_happened_is_found():
    # Crime prevention and the case review, named by asking (written apart from every set).
    stolen = "they took the wing mirrors off my car again, can i report it and how do i stop it happening again"
    assert SIGNPOSTING.other_needs(stolen, "report_crime") == ["crime_prevention"]
    assert SIGNPOSTING.other_needs("my shed got done, who can give advice on locks", "report_crime") == [
        "crime_prevention"
    ]
    noise = "the karaoke next door goes on till 2am, reported it 4 times, can this be looked at again by someone else"
    assert SIGNPOSTING.other_needs(noise, "report_asb") == ["community_trigger"]
    assert SIGNPOSTING.other_needs("I want an ASB case review", "community_trigger") == []
    # Telling what happened is not asking how to stop it.
    assert SIGNPOSTING.other_needs("someone stole my bike and I can't stop thinking about it", "report_crime") == []
    assert SIGNPOSTING.other_needs("the police reviewed the footage", "report_crime") == []


@pytest.mark.parametrize(
    "text,main_need,named",
    [
        # Violence from a partner or relative, however long ago, is domestic abuse beside nowhere to go.
        ("my stepdad knocked me about for years, the hostel wants my room back", "homelessness", ["domestic_abuse"]),
        ("My ex-girlfriend slapped me and I’ve been kipping in my car since", "homelessness", ["domestic_abuse"]),
        ("my mother-in-law threw a pan at me so I left", "homelessness", ["domestic_abuse"]),
        ("my wife's on the wine every night and shoves me when I hide it", "substance_misuse", ["domestic_abuse"]),
        # Nowhere to go, in a resident's own words.
        ("he hits me and I've got nowhere else to go", "domestic_abuse", ["homelessness"]),
        ("we don’t have anywhere to stay after Friday", "domestic_abuse", ["homelessness"]),
        ("I've been sofa-surfing since I left him", "domestic_abuse", ["homelessness"]),
        # Not abuse, or not nowhere to go: told to leave, hurt by someone else, a car park, other people's evenings.
        ("my partner kicked me out and I have nowhere to live", "homelessness", []),
        ("my son got punched at school and his phone taken", "report_crime", []),
        ("my dad hit the man who pushed me", "report_crime", []),
        ("people are sleeping in the car park under our block", "report_asb", []),
        ("the kids round here have nowhere to go in the evenings so they hang about the stairs", "report_asb", []),
        # Hidden homelessness, and the threat of it.
        ("I'm sleeping on my cousin's floor with the baby", "domestic_abuse", ["homelessness"]),
        ("the hostel says I have to leave friday", "domestic_abuse", ["homelessness"]),
        ("she can't put us up past Sunday", "domestic_abuse", ["homelessness"]),
        ("a travelodge I can only pay for until Monday", "domestic_abuse", ["homelessness"]),
        ("the landlord's served us a section 21", "report_asb", ["homelessness"]),
        ("I have to leave for work at 7 and the noise keeps me up", "report_asb", []),
        ("can the council evict them?", "report_asb", []),
        # Violence at home put other ways, by the relative, not by someone else.
        ("I left my husband's flat because he was getting violent", "homelessness", ["domestic_abuse"]),
        ("my boyfriend broke my finger last month", "homelessness", ["domestic_abuse"]),
        ("my girlfriend was hurting me so I left", "homelessness", ["domestic_abuse"]),
        ("my mum cut me off when I came out", "homelessness", []),
        ("my brother got violent with the bouncer", "report_crime", []),
        # A case review asked for in other words.
        ("reported it five times, I'd like the whole thing reviewed", "report_asb", ["community_trigger"]),
        ("what's the next step when nobody acts?", "report_asb", ["community_trigger"]),
        # Control at home, by a partner or relative.
        ("my husband won't let me see my sister and I've nowhere to stay", "homelessness", ["domestic_abuse"]),
        ("my boyfriend takes all my wages, I'm at a hostel now", "homelessness", ["domestic_abuse"]),
        ("my flatmate won't let me use the kitchen", "report_asb", []),
        # More ways of having nowhere to go.
        ("I'm on a friend's floor but I can't stay there much longer", "domestic_abuse", ["homelessness"]),
        ("we're in a hotel but I can't afford any more", "domestic_abuse", ["homelessness"]),
        ("I've been riding the night bus", "substance_misuse", ["homelessness"]),
        ("I can't stay quiet about this any longer", "report_asb", []),
        # Drink or drugs told of someone who harms or looks after a person at risk, and only beside those needs.
        ("her dad was too drunk to hear him knocking", "safeguarding", ["substance_misuse"]),
        ("she's using again and the kids are left alone", "safeguarding", ["substance_misuse"]),
        ("drunk lads shouting under my window", "report_asb", []),
        ("the drunk lads beat up a kid", "safeguarding", []),
        # Drugs named by what is taken or how, drink by its smell or its hold; not a prescription.
        ("they do lines on the coffee table while we watch tv", "safeguarding", ["substance_misuse"]),
        ("the childminder smells of wine when I pick him up", "safeguarding", ["substance_misuse"]),
        ("his dad is gouching on the landing and the little girl sits with him", "safeguarding", ["substance_misuse"]),
        ("she's always high and her pupils are huge", "safeguarding", ["substance_misuse"]),
        ("when he's been on the coke he accuses me of cheating", "domestic_abuse", ["substance_misuse"]),
        ("my mum is on tablets for her nerves and can't look after us", "safeguarding", []),
        ("the men in the car park smoke weed every night", "report_asb", []),
        # A child's neglect named beside a parent's or carer's drink or drugs, and only beside it.
        (
            "the young mum drinks from first thing and the baby's nappy hasn't been changed",
            "substance_misuse",
            ["safeguarding"],
        ),
        ("her two boys, 7 and 9, turn up at my door hungry", "substance_misuse", ["safeguarding"]),
        ("she leaves the kids on their own while she goes to score", "substance_misuse", ["safeguarding"]),
        ("my son smokes weed and he's always hungry", "substance_misuse", []),
        ("the kids in the flats are hungry for somewhere to play", "report_asb", []),
        # Targeted for who they are.
        ("the lads by the shops make monkey noises at my husband", "report_asb", ["hate_crime"]),
        ("someone keyed my car and told me to go back where I came from", "report_crime", ["hate_crime"]),
        ("they let my tyres down because I'm Jewish", "report_crime", ["hate_crime"]),
        ("the neighbours' parties are racist and loud", "report_asb", ["hate_crime"]),
        ("the youths called my son a terrorist", "report_asb", ["hate_crime"]),
        ("he wants to go back to his old flat", "homelessness", []),
        ("they were shouting because of the football", "report_asb", []),
        # Advice asked for in other words.
        ("they took my bike, what lock would stop them", "report_crime", ["crime_prevention"]),
        ("are there alarms that work for sheds?", "report_crime", ["crime_prevention"]),
        ("they took my bike, I'd like to see it back", "report_crime", []),
        # Damage or theft beside hate: a crime to report (its reference number is what insurers ask for).
        ("they smashed our shop window and wrote a slur on the door", "hate_crime", ["report_crime"]),
        ("someone let all four tyres down and left a note about my religion", "hate_crime", ["report_crime"]),
        ("a man snatched my hijab and my phone", "hate_crime", ["report_crime"]),
        # An assault is the hate report's own; the same words beside anti-social behaviour are not a crime named.
        ("a man spat at me because of my religion", "hate_crime", []),
        ("they smashed bottles all over the landing", "report_asb", []),
        # Beside a person at risk: money taken from them is a crime to report; a parent hurt at home is abuse.
        ("my grandad's lodger has been using his bank card", "safeguarding", ["report_crime"]),
        ("a builder took thousands off my nan for a roof he never fixed", "safeguarding", ["report_crime"]),
        ("my neighbour with dementia is forgetting to eat", "safeguarding", []),
        ("the little girl says her daddy hits her mummy", "safeguarding", ["domestic_abuse"]),
        ("he said his mum's boyfriend pushed his mum down the stairs", "safeguarding", ["domestic_abuse"]),
        ("his dad shouts at the referee every Saturday", "safeguarding", []),
        # A child named beside extremism is a child at risk too.
        ("my 14 year old is watching videos about a holy war", "radicalisation", ["safeguarding"]),
        ("my daughter's only 16 and a group online tells her to cut us off", "radicalisation", ["safeguarding"]),
        ("a man at my mosque preaches hate, he's been doing it for 15 years", "radicalisation", []),
        ("my 14 year old is being bullied", "report_asb", []),
        # Money taken from a person at risk in more words, and a child made to steal for others.
        ("a man from the pub gets my uncle to sign cheques to him", "safeguarding", ["report_crime"]),
        ("they talked my aunt into taking a credit card out in her name", "safeguarding", ["report_crime"]),
        ("my grandmother keeps sending a man she's never met hundreds every week", "safeguarding", ["report_crime"]),
        ("older lads make the boy next door shoplift for them", "safeguarding", ["report_crime"]),
        ("my nan has dementia and signed up for a knitting class", "safeguarding", []),
        ("she sent the carer a thank you card", "safeguarding", []),
        # An adult who cannot keep themselves safe, without a home; a family is not that.
        ("a man with alzheimer's is kipping on the bench outside the library", "homelessness", ["safeguarding"]),
        ("she doesn't know where she lives and has been out all night", "homelessness", ["safeguarding"]),
        ("I look after my mum and we've been evicted", "homelessness", []),
        # Sleeping rough told of someone else, or a home closed to them.
        ("he slept on the landing again last night", "safeguarding", ["homelessness"]),
        ("a man has been bedding down in the porch of the church", "report_asb", ["homelessness"]),
        ("his mum changed the locks on him", "safeguarding", ["homelessness"]),
        ("the kids sit on the stairs smoking", "report_asb", []),
        # Hate material about a whole group beside extremism; not the views a child repeats at home.
        ("there are posters at the bus stop saying immigrants should be sent home", "radicalisation", ["hate_crime"]),
        ("my son says immigrants should be sent home", "radicalisation", []),
        ("a man hands out pamphlets saying Jews are behind every war", "radicalisation", ["hate_crime"]),
        ("someone sprayed swastikas on the bus shelter", "report_asb", ["hate_crime"]),
        # An organised group drawing people in, beside hate; not a group of lads on its own.
        ("they shout at my mum's hijab and ask the lads to come to their meetings", "hate_crime", ["radicalisation"]),
        (
            "leaflets calling refugees rats from a group that wants young men to patrol the estate",
            "hate_crime",
            ["radicalisation"],
        ),
        ("a group of lads on the estate come to the shop and shout at us", "report_asb", []),
        ("a group of lads plan to patrol the park", "report_asb", []),
        ("they shout racist things at me when I go to the residents' meetings", "hate_crime", []),
        ("a group of lads shout racist abuse at me and the police patrols don't help", "hate_crime", []),
        # Asking to escalate complaints is asking for the case review.
        ("reported it 5 times, how do I escalate this", "report_asb", ["community_trigger"]),
        # Private images shared or threatened by a partner or ex are a crime to report; damage is the abuse itself.
        ("my ex is threatening to share nudes of me", "domestic_abuse", ["report_crime"]),
        ("he smashes things when he's angry", "domestic_abuse", []),
        # Money taken from an adult at risk, in more of residents' words.
        ("the lads he calls friends take his benefits money every week", "safeguarding", ["report_crime"]),
        ("they got him to hand over his birthday money", "safeguarding", ["report_crime"]),
        ("there are direct debits going to his gym out of her account", "safeguarding", ["report_crime"]),
        ("her carer helps her take her tablets", "safeguarding", []),
        # Violence at home in more of residents' words, and a stay running out.
        ("my fiance threw me down the stairs in august", "homelessness", ["domestic_abuse"]),
        ("my girlfriend smashed a glass on my head at christmas", "homelessness", ["domestic_abuse"]),
        ("my dad threw me out of the house last night", "homelessness", []),  # told to leave: housing
        ("his wife has told me to find my own place by the end of the month", "domestic_abuse", ["homelessness"]),
        ("I've gone back to my mum's but she's in a one bed and it can't last", "domestic_abuse", ["homelessness"]),
        ("i went back to my mum's for sunday dinner", "domestic_abuse", []),
        ("I've been moving between friends but I've run out of places", "domestic_abuse", ["homelessness"]),
        # Drink or drugs beside having no home; not a parent drunk when they threw their child out.
        ("the old boy in the bus shelter is drinking cans from breakfast", "homelessness", ["substance_misuse"]),
        ("the lad in the doorway seems to be on something most days", "homelessness", ["substance_misuse"]),
        ("i've been drinking since i lost my job and now i've been evicted", "homelessness", ["substance_misuse"]),
        ("my dad was drunk when he threw me out", "homelessness", []),
        # A child crying with nobody going to them, or left alone, beside noise; not a baby crying on its own.
        ("their baby cries for ages through the wall and nobody goes to it", "report_asb", ["safeguarding"]),
        ("they go out clubbing and leave the kids on their own", "report_asb", ["safeguarding"]),
        ("the baby next door cries all night and keeps us awake", "report_asb", []),
    ],
)
def test_needs_are_found_in_a_residents_words(text, main_need, named):
    assert SIGNPOSTING.other_needs(text, main_need) == named


def test_abuse_named_in_words_goes_before_a_less_urgent_need():
    text = "my stepdad knocked me about for years and I've been sofa surfing since"
    read = [{"name": "homelessness", "confidence": 0.9}]
    doors = SIGNPOSTING.doors("homelessness", read, text)
    assert (doors.first, doors.next, doors.also) == ("domestic_abuse", None, ("homelessness",))
    # Not before a more urgent need, nor when only the model read it (it goes first then on its confidence).
    assert SIGNPOSTING.doors("safeguarding", [], "my 14 year old says my stepdad hits me").first == "safeguarding"
    assert SIGNPOSTING.doors("homelessness", read, "I've been sofa surfing since").all == ["homelessness"]


def test_a_child_at_risk_named_in_words_goes_before_a_less_urgent_need():
    baby = "they smoke crack upstairs and the baby screams for ages and nobody goes to it"
    noise = [{"name": "report_asb", "confidence": 0.66}]
    assert SIGNPOSTING.doors("report_asb", noise, baby).first == "safeguarding"
    preacher = "my 15 year old keeps watching a preacher who says non believers deserve to die"
    assert SIGNPOSTING.doors("radicalisation", [{"name": "radicalisation", "confidence": 0.9}], preacher).all == [
        "safeguarding",
        "radicalisation",
    ]
    # Never before danger to life.
    assert SIGNPOSTING.doors("emergency", [], baby).first == "emergency"


def test_a_crime_to_report_is_named_only_beside_advice():
    asked = "my garage was cleared out, what do I do to report it and are there alarms for garages"
    assert SIGNPOSTING.other_needs(asked, "crime_prevention") == ["report_crime"]
    # Beside a need that reports already, "report it" is that need's own report.
    assert SIGNPOSTING.other_needs("the music upstairs is non stop, I want to report it", "report_asb") == []
    assert SIGNPOSTING.other_needs("they shouted slurs at my son, I want to report it", "hate_crime") == []


def test_case_review_rules_come_from_configuration():
    text = SIGNPOSTING.reply("community_trigger", {}).text
    assert "3 or more separate times within 6 months" in text


def test_every_reply_names_a_service_and_what_happens_next():
    for name, need in SIGNPOSTING.needs.items():
        reply = SIGNPOSTING.reply(name, {}, WEEKDAY)
        _, route = SIGNPOSTING.route(name, {})
        assert reply.services, name
        assert reply.text.endswith(route.next or need.next), name


DIGIT_RUN = re.compile(r"(?<![\w/])\d[\d ]*\d(?![\w/])")
REPORT_REFERENCE = re.compile(r"\b[A-Z]{2,5}-\d{4}-\d{1,6}\b")  # "for example ASB-2026-00042": not dialled


def numbers_in(text: str) -> set[str]:
    """Digit runs a resident could dial or text ("0808 2000 247", "18001 101"); short numbers
    such as "18 or over", years and the Town Hall's street number are not."""
    found = set()
    for match in DIGIT_RUN.finditer(REPORT_REFERENCE.sub("", text)):
        candidate = digits(match.group(0))
        if len(candidate) < 3 or re.fullmatch(r"(19|20)\d\d", candidate) or candidate == "160":
            continue
        found.add(candidate)
    return found


def test_every_number_the_bot_can_say_comes_from_the_directory():
    known = DIRECTORY.phone_numbers()
    sources = {
        "domain.yml": yaml.safe_load((PROJECT / "domain.yml").read_text())["responses"],
        "signposting.yml": yaml.safe_load(SIGNPOSTING_FILE.read_text()),
        "bengali.yml": yaml.safe_load((PROJECT / "community_safety/data/bengali.yml").read_text()),
    }
    for name, document in sources.items():
        text = yaml.safe_dump(document, width=10_000)
        # Words such as "18 or over" and "3 to 4 months" are not numbers anyone dials.
        unknown = numbers_in(text) - known
        assert unknown == set(), f"{name} says numbers that are not in services.yml: {unknown}"
    for reply_need in SIGNPOSTING.needs:
        assert numbers_in(SIGNPOSTING.reply(reply_need, {}, WEEKDAY).text) <= known
        assert numbers_in(SIGNPOSTING.reply(reply_need, {}, WEEKDAY, language="bn").text) <= known


def test_the_services_lines_in_bengali_keep_numbers_and_addresses_as_written():
    answers = {"danger_now": "no", "age_group": "child", "about": "other"}
    english = SIGNPOSTING.reply("safeguarding", answers, WEEKDAY).text
    bengali = SIGNPOSTING.reply("safeguarding", answers, WEEKDAY, language="bn").text
    assert "- Tower Hamlets children's social care (MAST): call 020 7364 5006 (option 2 or 3)" in english
    assert "(open Monday to Friday, 9am to 5pm)." in english
    assert "- টাওয়ার হ্যামলেটস শিশু সমাজসেবা (MAST): 020 7364 5006 (2 বা 3 চাপুন) নম্বরে ফোন করুন" in bengali
    assert "(খোলা থাকে সোমবার থেকে শুক্রবার, সকাল 9টা থেকে বিকেল 5টা)।" in bengali
    assert numbers_in(bengali) == numbers_in(english)
    assert "call " not in bengali and "open " not in bengali


def test_a_closed_service_is_said_in_bengali_with_its_out_of_hours_number():
    answers = {"danger_now": "no", "age_group": "child", "about": "other"}
    night = SIGNPOSTING.reply("safeguarding", answers, NIGHT, language="bn").text
    assert "টাওয়ার হ্যামলেটস শিশু সমাজসেবা (MAST) এখন বন্ধ" in night
    assert "শিশু সমাজসেবার অফিস-সময়ের-বাইরের টিম, 020 7364 4079 নম্বরে ফোন করুন" in night


def test_web_addresses_and_what_to_search_for_stay_in_english():
    text = SIGNPOSTING.reply("report_asb", {"danger_now": "no", "happening_now": "no"}, WEEKDAY, language="bn").text
    assert 'www.towerhamlets.gov.uk ("report anti-social behaviour" লিখে খুঁজুন)' in text
    assert "101 নম্বরে ফোন করুন, টেক্সটফোন 18001 101, www.met.police.uk/ro/report (24 ঘণ্টা খোলা)।" in text


def test_emergency_reply_in_the_domain_begins_with_999():
    responses = yaml.safe_load((PROJECT / "domain.yml").read_text())["responses"]
    # In every language: the Bengali variation says it first in Bengali, then in English.
    for variant in responses["utter_emergency"]:
        assert variant["text"].startswith(("Call 999", "এখনই 999")), variant["text"][:40]


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda d: d["needs"]["report_asb"]["routes"][-1]["services"].append("ghostbusters"), "ghostbusters"),
        (lambda d: d["needs"]["report_asb"]["routes"].append({"when": {"danger_now": True}, "say": "x"}), "last route"),
        (lambda d: d["needs"]["report_asb"]["questions"].append("favourite_colour"), "favourite_colour"),
        (lambda d: d["needs"]["report_asb"]["routes"][0].update(when={"danger_now": "maybe"}), "maybe"),
        (lambda d: d["needs"]["report_asb"].pop("title"), "title"),
        (lambda d: d["questions"].pop("about"), "about"),
        (lambda d: d["messages"].pop("not_understood"), "not_understood"),
        (lambda d: d["needs"]["community_trigger"]["routes"][0].update(say="{threshold_days}"), "threshold_days"),
        (lambda d: d["needs"]["report_asb"]["report"].update(when="sometimes"), "sometimes"),
        (lambda d: d["needs"]["report_asb"].update(report="incident"), "expected 'when' and 'category'"),
        (
            lambda d: d["needs"]["community_trigger"]["report"].update(category="noise"),
            "no need defines category 'noise'",
        ),
        (lambda d: d["needs"]["community_trigger"].update(report=d["needs"]["report_asb"]["report"]), "defined twice"),
        (lambda d: d["needs"]["report_asb"]["report"]["category"].pop("reference_prefix"), "reference_prefix"),
        (
            lambda d: d["needs"]["report_asb"]["report"]["category"].update(counts_toward_case_review="often"),
            "counts_toward_case_review: yes or no",
        ),
        (lambda d: d["needs"]["report_asb"]["report"]["category"].update(reference_prefix="a-b"), "capital letters"),
        (lambda d: d["needs"]["hate_crime"]["report"]["category"].update(also_when="shoe_size"), "also_when"),
        (lambda d: d["needs"]["report_asb"].update(bengali="later"), "awaiting translation"),
        (lambda d: d.update(report_category_without_a_need="noise"), "report_category_without_a_need: 'noise'"),
        (
            lambda d: d["needs"]["report_asb"]["report"]["category"].update(skip_questions=["report_location"]),
            "skip_questions: report_location",
        ),
        (lambda d: d["needs"]["report_asb"].update(suggested="often"), "suggested"),
        (
            lambda d: d["needs"]["safeguarding"].update(not_second_for_a_parent_with=["housing"]),
            "not_second_for_a_parent_with 'housing' is not a need",
        ),
        (lambda d: d["needs"]["safeguarding"].update(not_second_for_a_parent_with="housing"), "a list of needs"),
        (lambda d: d.update(offer_likely=5), "offer_likely: a whole number from 0 to 3"),
        (lambda d: d.update(offer_likely="two"), "offer_likely: a whole number from 0 to 3"),
        (lambda d: d["menus"]["more"].remove("get_involved"), "get_involved"),
        (lambda d: d["menus"]["more"].append("report_asb"), "report_asb"),
        (lambda d: d["menus"]["main"].append("parking"), "parking"),
        (lambda d: d["needs"].update({"Noise!": d["needs"]["report_asb"]}), "lower case"),
        (lambda d: d["also_needs"].update(parking="cars?"), "'parking' is not a need"),
        (lambda d: d.update(named_first=["parking"]), "named_first: a list of needs"),
        (lambda d: d.update(child_at_risk_first="sometimes"), "child_at_risk_first: a list of needs"),
        (lambda d: d.update(child_at_risk_first=["parking"]), "child_at_risk_first: a list of needs"),
        (lambda d: d.update(first_however_faint=["crime_prevention"]), "first_however_faint: give each need"),
        (lambda d: d.update(first_however_faint={"locks": "every need"}), "'locks' is not a need"),
        (lambda d: d.update(first_however_faint={"substance_misuse": ["roof"]}), "'substance_misuse': a list"),
        (lambda d: d.update(first_however_faint={"substance_misuse": "all"}), "or 'every need', not 'all'"),
        (lambda d: d["also_needs"].update(report_asb=["(unclosed"]), "bad pattern"),
        (lambda d: d["also_needs"].update(report_asb=[]), "a pattern or a list of patterns"),
        (lambda d: d["also_needs"].update(report_asb={"words": "noise", "beside": "hate_crime"}), "'beside' is a list"),
        (lambda d: d["also_needs"].update(report_asb={"words": "noise", "beside": ["parking"]}), "beside 'parking'"),
    ],
)
def test_signposting_file_mistakes_are_named(tmp_path, change, message):
    document = yaml.safe_load(SIGNPOSTING_FILE.read_text())
    change(document)
    path = tmp_path / "signposting.yml"
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(SignpostingError, match=message):
        load_signposting(DIRECTORY, path)


# --- two needs in one message (issue #25) --------------------------------------------------------
def test_two_needs_are_answered_the_more_urgent_first():
    read = [{"name": "homelessness", "confidence": 0.7}, {"name": "domestic_abuse", "confidence": 0.4}]
    doors = SIGNPOSTING.doors("homelessness", read, "he hits me and now I've nowhere to stay")
    assert (doors.first, doors.next) == ("domestic_abuse", "homelessness")
    assert doors.all == ["domestic_abuse", "homelessness"]


def test_a_child_at_risk_the_story_found_is_heard_first_however_faintly_read():
    # "The couple opposite smoke crack and their little boy wanders out": the drugs read first, the
    # child at risk found by the story's child-at-risk rule with a small share of the one reading.
    text = "the couple opposite smoke crack and their little boy, he's 3, wanders out on his own"
    read = [
        {"name": "substance_misuse", "confidence": 0.8},
        {"name": "safeguarding", "confidence": 0.02, "sentence": 1, "child_at_risk": True},
    ]
    doors = SIGNPOSTING.doors("substance_misuse", read, text)
    assert (doors.first, doors.next) == ("safeguarding", "substance_misuse")
    # Not beside homelessness: its own questions send a child without a home to children's social care.
    alone = [{"name": "homelessness", "confidence": 0.8}, {**read[1]}]
    assert SIGNPOSTING.doors("homelessness", alone, "im 16 and mum says i cant live there").first == "homelessness"
    # An adult at risk read as faintly is not put first: the resident's own need is answered first.
    faint_adult = [{"name": "substance_misuse", "confidence": 0.8}, {"name": "safeguarding", "confidence": 0.02}]
    doors = SIGNPOSTING.doors("substance_misuse", faint_adult, "my brother drinks and his neighbour worries me")
    assert (doors.first, doors.next) == ("substance_misuse", "safeguarding")


FAINT = {"confidence": 0.03, "sentence": 1}  # found in one part of the story, a small share of the one reading


@pytest.mark.parametrize(
    "read_first, found, text, first",
    [
        # Advice waits for the report: the break-in is reported while it is fresh.
        ("crime_prevention", "report_crime", "they forced our lock-up and took the motorbike, how do i report it", 1),
        # Getting involved waits for the advice too, the less urgent of the two.
        ("get_involved", "crime_prevention", "i'd like to join the neighbourhood watch and get a better lock", 1),
        # A roof comes before the drink.
        ("substance_misuse", "homelessness", "sleeping in a tent by the canal and drinking a bottle of vodka a day", 1),
        # Only homelessness beside the drink: abuse at home read as faintly is offered after it ("mum goes
        # on benders" is not always abuse).
        ("substance_misuse", "domestic_abuse", "my mum goes on benders and she shouts", 0),
        # A report read first is not put behind the advice, however the advice is read.
        ("report_crime", "crime_prevention", "", 0),
    ],
)
def test_a_more_urgent_need_found_beside_these_goes_first_however_faintly_read(read_first, found, text, first):
    read = [{"name": read_first, "confidence": 0.8}, {"name": found, **FAINT}]
    doors = SIGNPOSTING.doors(read_first, read, text)
    assert [doors.first, doors.next] == [[read_first, found], [found, read_first]][first]
    # Never when only the found need's own yes/no model found it: the resident asked for advice in
    # "my friend had her phone snatched, any tips for keeping mine safe?".
    read[1]["apart"] = True
    assert SIGNPOSTING.doors(read_first, read, text).first == read_first


def test_a_door_gives_another_only_when_it_names_every_service_the_other_would():
    # The hate crime door names the police and Crimestoppers, as the crime door does, and takes a
    # report: a hate-motivated assault has reached both through it.
    assert SIGNPOSTING.door_gives("hate_crime", "report_crime")
    # Not the other way (no No Place for Hate, no report), and not the abuse door (no Crimestoppers).
    assert not SIGNPOSTING.door_gives("report_crime", "hate_crime")
    assert not SIGNPOSTING.door_gives("domestic_abuse", "report_crime")
    # The case review door asks the resident to keep reporting each new incident, to the council or the
    # police, and offers a report: everything the ASB door gives.
    assert SIGNPOSTING.door_gives("community_trigger", "report_asb")
    assert not SIGNPOSTING.door_gives("report_asb", "community_trigger")
    assert not SIGNPOSTING.door_gives("hate_crime", "no_such_need")


def test_what_the_resident_asks_about_stays_first_when_a_more_urgent_need_is_read_faintly():
    # Drink in a report of rowdy lads, and an ASB story in a request for a case review, are read as
    # needs of their own at 0.15 and 0.27: the resident is asking about the behaviour, and the review.
    lads = [{"name": "report_asb", "confidence": 0.72}, {"name": "substance_misuse", "confidence": 0.15, "sentence": 0}]
    assert SIGNPOSTING.doors("report_asb", lads, "lads drinking and shouting outside the shop").first == "report_asb"
    review = [{"name": "community_trigger", "confidence": 0.6}, {"name": "report_asb", "confidence": 0.27}]
    assert SIGNPOSTING.doors("community_trigger", review, "reported it 4 times, look at it again").first == (
        "community_trigger"
    )


def test_a_faint_second_need_is_offered_after_the_first():
    read = [{"name": "report_asb", "confidence": 0.8}, {"name": "safeguarding", "confidence": 0.1}]
    doors = SIGNPOSTING.doors("report_asb", read, "")
    assert (doors.first, doors.next) == ("report_asb", "safeguarding")


def test_a_family_without_a_home_is_not_offered_childrens_social_care():
    read = [{"name": "homelessness", "confidence": 0.5}, {"name": "safeguarding", "confidence": 0.3}]
    parent = "I'm a single dad and the landlord wants us out. My boys are 9 and 11."
    assert SIGNPOSTING.doors("homelessness", read, parent).all == ["homelessness"]
    # A child on their own, or a parent whose message is about their child at risk, still is.
    alone = "A girl of about 15 has been sleeping in the park and says she can't go home."
    assert SIGNPOSTING.doors("homelessness", read, alone).all == ["safeguarding", "homelessness"]
    at_risk = [{"name": "safeguarding", "confidence": 0.6}, {"name": "homelessness", "confidence": 0.3}]
    worried = "My 16 year old was kicked out by his dad and older lads are getting him to carry drugs."
    assert SIGNPOSTING.doors("safeguarding", at_risk, worried).all == ["safeguarding", "homelessness"]
    # A parent telling of another child, placed by their own ("a lad in my son's year"), is not a
    # family without a home.
    classmate = "A lad in my son's year, he's 13, has been thrown out by his mum and sleeps on the bus."
    assert SIGNPOSTING.doors("homelessness", read, classmate).all == ["safeguarding", "homelessness"]


def test_danger_to_life_is_answered_alone_when_one_need_is_read_beside_it():
    # One need beside danger is too often the model's guess at the danger itself.
    doors = SIGNPOSTING.doors("emergency", [{"name": "homelessness", "confidence": 0.9}], "homeless and he has a knife")
    assert doors.all == ["emergency"] and doors.when_safe == ()
    told = [{"name": "emergency", "confidence": 0.8}, {"name": "domestic_abuse", "confidence": 0.2}]
    assert SIGNPOSTING.doors("emergency", told, "he's hitting her now").all == ["emergency"]


def test_after_999_two_needs_the_story_told_are_offered_for_when_everyone_is_safe():
    read = [{"name": "substance_misuse", "confidence": 0.6}, {"name": "safeguarding", "confidence": 0.3}]
    text = "my neighbour's on crack and her toddler is alone screaming on the balcony right now"
    doors = SIGNPOSTING.doors("emergency", read, text)
    # 999 first, always; then the more urgent of the two.
    assert doors.first == "emergency" and doors.next is None
    assert doors.when_safe == ("safeguarding", "substance_misuse")
    assert doors.all == ["emergency", "safeguarding", "substance_misuse"]
    # The list the model gives may hold anything: only needs count, each once, never danger again.
    junk = ["junk", {}, {"name": "greet"}, {"name": "emergency"}, *read, read[0]]
    assert SIGNPOSTING.doors("emergency", junk, text).when_safe == ("safeguarding", "substance_misuse")


def test_after_999_a_need_named_in_words_beside_the_one_need_read_is_offered_too():
    # One need read beside danger, and the message names another in words: the story told two.
    read = [{"name": "radicalisation", "confidence": 0.97}]
    text = "My 16 year old brother goes to a far-right group's meetings and now he's got a knife"
    assert SIGNPOSTING.doors("emergency", read, text).when_safe == ("safeguarding", "radicalisation")
    # Nothing named beside it: danger alone, as before.
    alone = "My brother goes to a far-right group's meetings and now he's got a knife"
    assert SIGNPOSTING.doors("emergency", read, alone).when_safe == ()


def test_after_999_a_family_without_a_home_is_not_offered_childrens_social_care():
    read = [{"name": "homelessness", "confidence": 0.6}, {"name": "safeguarding", "confidence": 0.3}]
    parent = "the landlord's mates are kicking our door in and me and my kids have nowhere to go"
    assert SIGNPOSTING.doors("emergency", read, parent).when_safe == ("homelessness",)
    alone = "a girl of 14 is being dragged out of the hostel she sleeps in"
    assert SIGNPOSTING.doors("emergency", read, alone).when_safe == ("safeguarding", "homelessness")


def test_needs_the_words_name_are_answered_too():
    doors = SIGNPOSTING.doors("safeguarding", [], "a young lad sleeping rough and being exploited")
    assert (doors.first, doors.next, doors.also) == ("safeguarding", None, ("homelessness",))


def test_anything_but_a_need_has_no_door():
    assert SIGNPOSTING.doors("greet", [], "hello").all == []
    assert SIGNPOSTING.doors("report_asb", [{"name": "greet", "confidence": 0.9}, "junk", {}], "").all == ["report_asb"]
    # Whatever else the model's list holds, the second need is read from its own entry.
    read = ["junk", {"name": "domestic_abuse", "confidence": 0.5}]
    assert SIGNPOSTING.doors("homelessness", read, "").all == ["domestic_abuse", "homelessness"]


def test_urgency_lists_needs_once(tmp_path):
    document = yaml.safe_load(SIGNPOSTING_FILE.read_text(encoding="utf-8"))
    for urgency, error in (
        (["report_asb", "report_asb"], "twice ['report_asb']"),
        (["fly_tipping"], "not needs ['fly_tipping']"),
        (["emergency"], "not needs ['emergency']"),
        ("report_asb", "give a list"),
    ):
        path = tmp_path / "signposting.yml"
        path.write_text(yaml.safe_dump({**document, "urgency": urgency}), encoding="utf-8")
        with pytest.raises(SignpostingError, match=re.escape(error)):
            load_signposting(DIRECTORY, path)
    # A need left out (a new one) comes after those listed.
    path.write_text(yaml.safe_dump({**document, "urgency": ["report_asb"]}), encoding="utf-8")
    assert load_signposting(DIRECTORY, path).urgency[0] == "report_asb"


def test_a_second_need_read_apart_that_the_words_name_is_answered_in_the_same_reply():
    text = "a 15 year old is sleeping rough and older men are exploiting him"
    read = [{"name": "safeguarding", "confidence": 0.8}, {"name": "homelessness", "confidence": 0.6, "apart": True}]
    doors = SIGNPOSTING.doors("safeguarding", read, text)
    assert (doors.first, doors.next, doors.also) == ("safeguarding", None, ("homelessness",))
    # However the model found it: told by a part of the story, it is answered in the same reply too
    # (a reading just over a threshold or just under it gives the resident the same answer).
    told_by_a_part = [read[0], {"name": "homelessness", "confidence": 0.6}]
    doors = SIGNPOSTING.doors("safeguarding", told_by_a_part, text)
    assert (doors.first, doors.next, doors.also) == ("safeguarding", None, ("homelessness",))
    # A named need the model reads as more urgent still goes first, the reading next.
    doors = SIGNPOSTING.doors("homelessness", [{"name": "homelessness", "confidence": 0.6}, read[0]], text)
    assert (doors.first, doors.next) == ("safeguarding", "homelessness")


def test_a_second_need_found_only_by_its_own_model_goes_first_only_when_sure():
    # "the lift in our block is always full of people smoking weed": drugs too, but the resident is
    # reporting the behaviour; its own yes/no model at 0.58 is not sure enough to answer it first.
    text = "the lift in our block is always full of people smoking weed"
    read = [{"name": "report_asb", "confidence": 0.97}, {"name": "substance_misuse", "confidence": 0.58, "apart": True}]
    doors = SIGNPOSTING.doors("report_asb", read, text)
    assert (doors.first, doors.next) == ("report_asb", "substance_misuse")
    assert SIGNPOSTING.check_reading == 0.7
    sure = [read[0], {**read[1], "confidence": SIGNPOSTING.check_reading}]
    assert SIGNPOSTING.doors("report_asb", sure, text).first == "substance_misuse"
    # Found by a part of the story at the same confidence, the more urgent need goes first.
    told = [read[0], {"name": "substance_misuse", "confidence": 0.58, "sentence": 1}]
    assert SIGNPOSTING.doors("report_asb", told, text).first == "substance_misuse"


def test_the_needs_read_likeliest_after_those_answered_are_offered_as_buttons():
    # "he hit me and I'm sleeping at my sister's": abuse answered, homelessness named next; then the
    # likeliest other needs, never danger (it has its own way first) nor what is not a need.
    doors = SIGNPOSTING.doors("domestic_abuse", [{"name": "homelessness", "confidence": 0.2}], "")
    ranking = ["domestic_abuse", "greet", "emergency", "homelessness", "report_crime", "safeguarding", "report_asb"]
    likely = SIGNPOSTING.likely_needs(ranking, doors)
    assert likely == ("report_crime", "safeguarding")
    # With a need offered next it comes first, and `offer_likely` (2) buttons of needs in all.
    assert SIGNPOSTING.needs_offered(doors.next, likely) == ("homelessness", "report_crime")
    assert SIGNPOSTING.needs_offered(None, likely) == ("report_crime", "safeguarding")
    assert SIGNPOSTING.needs_offered(None, ["made_up", "report_asb"]) == ("report_asb",)
