"""A report's statuses and the channels, each defined once, and everything that lists them reads
that one definition."""

from __future__ import annotations

from community_safety.channels import BRIDGED, CHANNELS, channel_and_user, channel_name, sender_id
from community_safety.records.statuses import OPEN_STATUSES, REPORT_STATUSES
from community_safety.wording import status_for_resident, status_name, status_tag

# govuk-frontend 5's tag colours.
TAG_COLOURS = {"grey", "green", "turquoise", "blue", "light-blue", "purple", "pink", "red", "orange", "yellow"}


def test_each_status_has_a_staff_name_a_tag_colour_and_words_for_the_resident():
    for value, status in REPORT_STATUSES.items():
        assert status.value == value and status.name and status.for_resident
        assert status.tag in TAG_COLOURS
        assert status_name(value) == status.name
        assert status_tag(value) == f"govuk-tag--{status.tag}"
        assert status_for_resident(value) == status.for_resident
    assert OPEN_STATUSES == ("new", "in_progress")


def test_a_status_not_defined_reads_plainly_and_gets_no_colour():
    assert status_name("on_hold") == "On hold" and status_tag("on_hold") == "" and status_tag(None) == ""


def test_a_status_is_told_to_a_bengali_speaking_resident_in_bengali():
    told = status_for_resident("in_progress", "bn")
    assert told != REPORT_STATUSES["in_progress"].for_resident and any("\u0980" <= c <= "\u09ff" for c in told)


def test_senders_are_named_by_the_bridged_channels_only():
    assert set(BRIDGED) == {"telegram", "web"} and set(CHANNELS) == {"telegram", "web", "rest"}
    assert channel_and_user(sender_id("telegram", "42")) == ("telegram", "42")
    assert channel_and_user(sender_id("web", "abc")) == ("web", "abc")
    assert channel_and_user("someone") == ("rest", "someone")
    assert channel_and_user("sms:0712") == ("rest", "sms:0712")  # not ours: not read as a channel
    assert channel_name("web") == "Web chat" and channel_name("sms") == "Sms" and channel_name(None) == ""
