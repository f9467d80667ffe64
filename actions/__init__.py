"""Rasa SDK custom actions: thin wrappers over the plain community_safety package."""

from community_safety.case_review import default_rules
from community_safety.live_chat.config import default_live_chat
from community_safety.reporting import default_reporting
from community_safety.signposting import default_signposting

# The services, signposting, reporting and case-review files are edited by staff. Reading them
# when the action server starts means a mistake stops start-up with a message naming the entry
# and field, instead of failing in the middle of a resident's conversation.
default_signposting()
default_reporting()
default_rules()
default_live_chat()
