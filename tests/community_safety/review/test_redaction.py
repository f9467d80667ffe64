"""What names a person is taken out of residents' words before review (issue #27)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from community_safety.review.redaction import PLACEHOLDERS, redact

# (message, what must not survive, the placeholder it becomes)
LEAKS = [
    ("you can email me on sarah.k+council@gmail.com thanks", "sarah.k+council@gmail.com", "[email]"),
    ("my number is 07700 900123 if you need it", "07700 900123", "[phone]"),
    ("call me on +44 7700 900 123", "7700 900 123", "[phone]"),
    ("ring 020 7364 5000 and ask for me", "020 7364 5000", "[phone]"),
    ("landline 02073645000", "02073645000", "[phone]"),
    ("I live at E14 2BG near the station", "E14 2BG", "[postcode]"),
    ("postcode e1 6ru", "e1 6ru", "[postcode]"),
    ("my report is ASB-2026-00042 and nothing has happened", "ASB-2026-00042", "[reference]"),
    ("the police gave me crime reference 4501234/26", "4501234/26", "[reference]"),
    ("CAD 1234/03DEC was the call", "1234/03DEC", "[reference]"),
    ("she was born on 14/03/2011 so she's 15", "14/03/2011", "[date of birth]"),
    ("DOB: 3 March 1987", "3 March 1987", "[date of birth]"),
    ("the car is a silver golf AB12 CDE parked every night", "AB12 CDE", "[vehicle]"),
    ("reg ab12cde again outside", "ab12cde", "[vehicle]"),
    ("an old van, reg A123 BCD", "A123 BCD", "[vehicle]"),
    ("I live at 42 Cable Street and the noise is constant", "42 Cable Street", "[address]"),
    ("it's flat 12, 7 Bow Common Lane", "flat 12, 7 Bow Common Lane", "[address]"),
    ("the couple in number 8 are always fighting", "number 8", "[address]"),
    ("Mrs Begum downstairs is scared to go out", "Begum", "[name]"),
    ("my name is Tariq Hussain and I want to report this", "Tariq Hussain", "[name]"),
    ("my neighbour Dave keeps parking across my drive", "Dave", "[name]"),
    ("her ex Jason Smith turned up again", "Jason Smith", "[name]"),
    ("a lad called Kyle is selling on the stairs", "Kyle", "[name]"),
    ("my sons friend Kai is being groomed", "Kai", "[name]"),
    ("my daughter's boyfriend Liam is 24", "Liam", "[name]"),
    ("Please help us. Thanks, Aisha", "Aisha", "[name]"),
    ("the music is awful\n- Margaret", "Margaret", "[name]"),
]


@pytest.mark.parametrize("text,secret,placeholder", LEAKS)
def test_what_names_a_person_is_taken_out(text, secret, placeholder):
    redacted = redact(text)
    assert secret not in redacted.text
    assert placeholder in redacted.text
    assert redacted.changed


def test_the_rest_of_the_message_is_kept():
    redacted = redact("my neighbour Dave at 42 Cable Street plays music until 4am, call me on 07700 900123")
    assert redacted.text == "my neighbour [name] at [address] plays music until 4am, call me on [phone]"
    assert redacted.found == {"name": 1, "address": 1, "phone": 1}


UNCHANGED = [
    "the music is loud at 4am every night",
    "I've reported it 3 times since March and nothing happened",
    "there are about 20 of them in the E14 area",
    "my son is 9 and my daughter is 12",
    "call 999 if anyone is in danger",
    "The police said to ring 101",
    "my neighbour keeps parking across my drive",
    "My neighbour Upstairs is the problem",
    "the flat roof is leaking into the stairwell",
    "a number of people have complained",
    "It started in 2019 and got worse in 2023",
    "what is the ASB case review",
    "he's 6 foot and wears a black North Face jacket",
    "they were here from 10pm to 3am on 12/11",
    "আমার প্রতিবেশী রাতে গান বাজায়",
    "",
]


@pytest.mark.parametrize("text", UNCHANGED)
def test_messages_with_nothing_that_names_a_person_come_out_unchanged(text):
    redacted = redact(text)
    assert redacted.text == text and not redacted.changed


@given(st.text(max_size=300))
def test_any_text_is_redacted_without_error_and_only_loses_what_it_replaces(text):
    redacted = redact(text)
    assert isinstance(redacted.text, str)
    # Redacting twice finds nothing more: placeholders are never mistaken for what they replace.
    assert redact(redacted.text).text == redacted.text
    if not redacted.changed:
        assert redacted.text == text


def test_not_text_is_nothing():
    assert redact(None).text == "" and redact(42).text == "" and not redact(["a"]).changed


def test_every_kind_has_a_placeholder_saying_what_it_was():
    assert all(p.startswith("[") and p.endswith("]") for p in PLACEHOLDERS.values())
