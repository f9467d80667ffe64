"""The two-need sets judge "the more urgent first" by each message's first need: that need must be
the more urgent by the council's own order (`urgency` in community_safety/data/signposting.yml)."""

import pytest
import yaml

from community_safety.signposting import default_signposting
from evaluation.evaluate import TWO_NEED_SETS


@pytest.mark.parametrize("name", sorted(TWO_NEED_SETS))
def test_each_message_names_two_needs_the_more_urgent_first(name):
    signposting = default_signposting()
    messages = yaml.safe_load(TWO_NEED_SETS[name].read_text(encoding="utf-8"))["messages"]
    assert len(messages) >= 20
    for message in messages:
        first, second = message["needs"]
        assert {first, second} <= set(signposting.needs) and first != second, message
        assert signposting.more_urgent(first, second), message
