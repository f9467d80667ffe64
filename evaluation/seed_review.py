"""`make seed-review`: a review queue to try, for a newcomer or a training session.

With the stack running (`make run` in another terminal), each scripted conversation's opening
message (tests/conversation/residents.yml: residents' own words, as the conversation tests send
them) and a few unclear ones, some naming people, are sent to Rasa as the web chat sends them; then
the scheduler's collection runs at once, taking a larger sample of the messages the bot was sure of
than a council would (``--sample-share``). Sign in to the staff site and open "Messages to review".

Only opening messages are sent, so no report is filed. The conversations are real ones in the
conversation store: retention and erasure treat them as any other."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import uuid
from pathlib import Path

import yaml

from bot.rasa_client import RasaClient, RasaUnavailable
from community_safety.records.database import session_scope
from community_safety.records.models import utcnow
from community_safety.review.queue import collect
from community_safety.settings import settings

SCRIPTED = Path(__file__).resolve().parent.parent / "tests" / "conversation" / "residents.yml"
# Conversations the bot is likely unsure of: said vaguely, then again more plainly; some name people
# or places, to show what the queue takes out.
UNCLEAR = [
    ["its that lot again", "the lads from the block keep kicking a ball at my window every evening"],
    ["my neighbour Tomasz Nowak at 41 Bow Road, can you do something"],
    ["hi is this where i talk about the stuff going on by the canal"],
    ["who do I speak to about the man on the bench", "a man has been sleeping on the bench by the library for a week"],
    ["call me on 07700 900456 about my sons school thing"],
    ["the lift smells of weed again and someone left a needle in it"],
]


def conversations(scripted: Path = SCRIPTED) -> list[list[str]]:
    opening = [[entry["say"][0]] for entry in yaml.safe_load(scripted.read_text(encoding="utf-8")) if entry.get("say")]
    return opening + UNCLEAR


def seed(rasa_url: str, sample_share: float, scripted: Path = SCRIPTED) -> dict[str, int]:
    client = RasaClient(rasa_url, channel="web")
    started, sent, scripts = time.time(), 0, conversations(scripted)
    for said in scripts:
        sender = f"web:seed-{uuid.uuid4().hex[:12]}"
        for text in said:
            client.send(sender, text)
            sent += 1
    with session_scope() as db:
        # Collected now, not once quiet: nothing more will be said in these conversations.
        found = collect(db, utcnow() + dt.timedelta(minutes=1), active_since=started - 1, sample_share=sample_share)
    return {"conversations": len(scripts), "messages": sent, **found}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample-share", type=float, default=0.25, help="share of sure messages taken (0 to 1)")
    parser.add_argument("--rasa-url", default=None, help="Rasa's server (default: RASA_URL, as the stack uses)")
    args = parser.parse_args()
    if not 0 <= args.sample_share <= 1:
        sys.exit("--sample-share is a share, from 0 to 1")
    url = args.rasa_url or settings().rasa_url
    try:
        found = seed(url, args.sample_share)
    except RasaUnavailable as error:
        sys.exit(f"Rasa did not answer at {url} ({error}): start the stack with `make run` first.")
    print(
        f"Sent {found['messages']} messages in {found['conversations']} conversations; "
        f"{found['review_items_added']} added to the review queue. Open the staff site's 'Messages to review'."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
