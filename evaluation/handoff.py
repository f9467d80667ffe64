"""`make load LOAD_ARGS="--handoff"`: residents handed to caseworkers while others chat with the bot.

On `make run`'s profile (one Rasa, one action server, one web server, SQLite; or ``--profiles prod-2``,
the production profile with 2 replicas of each) with a Telegram bridge
against the tests' fake Bot API, judging the team's hours on a Thursday morning: ``--handed-off``
residents (half in the widget, half on Telegram) ask for a person at once; ``--caseworkers`` simulated
caseworkers, signed in to the staff site over HTTP, keep the "Live chats" page's check-ins going,
take chats from the queue (atomically: two may press at once), and answer every message; the
residents talk (``--exchanges`` messages each, a pause between) and are handed back. Meanwhile
``--chatting`` residents talk to the bot (a report and a signposting conversation, pausing ~3 s).

Prints the delivery time of caseworkers' replies (from the staff site storing it to the resident
seeing it: the widget polling as its script does, every 1.5 s; Telegram's sendMessage reaching the
fake) p50/p95/max in each channel, the bot's reply times for the others, and whether anything was
lost: every resident message reached a caseworker and every reply reached its resident.
A benchmark, not a test: its figures go in docs/ with this command."""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import time
import uuid
from dataclasses import dataclass, field

import httpx
from sqlalchemy import select

from community_safety.live_chat.presence import check_in
from community_safety.records.database import session_scope
from community_safety.records.models import LiveChat, LiveChatMessage
from deploy.profile import TELEGRAM_COMMAND
from evaluation.residents import NO_LIMITS, Run, percentile, resident, stack_for
from staff.accounts import create_user

THURSDAY_MORNING = "2026-11-26T11:00"
PASSWORD = "a long benchmark password"
WIDGET_POLL = 1.5  # seconds, as bot/widget/static/widget.js
CHECK_IN_EVERY, QUEUE_EVERY, CHAT_EVERY = 15, 2.0, 1.5  # as staff/static/live_chats.js
TOKEN_RE = re.compile(r"\b(h[0-9a-f]{6}r\d+m\d+)\b")


@dataclass
class Handoff:
    replied_at: dict[str, float] = field(default_factory=dict)  # token -> when the staff site stored the reply
    seen_at: dict[str, tuple[str, float]] = field(default_factory=dict)  # token -> (channel, when the resident saw it)
    sent: list[str] = field(default_factory=list)  # every token a resident sent while handed off
    taken: int = 0
    errors: list[str] = field(default_factory=list)


def _token(page: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


async def caseworker(base: str, email: str, handoff: Handoff, stop: asyncio.Event) -> None:
    """Signs in, keeps available, takes what is waiting, answers every message with its token."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        page = (await http.get("/staff/sign-in")).text
        await http.post("/staff/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": _token(page)})
        page = (await http.get("/staff/live-chats")).text
        token = _token(page)
        await http.post("/staff/live-chats/presence", data={"available": "yes", "csrf_token": token})
        mine: dict[int, int] = {}  # chat id -> last message seen
        checked_in = queue_read = 0.0
        while not stop.is_set():
            # As the pages ask: check-in every 15 s, the queue every 2 s, an open chat every 1.5 s.
            if time.monotonic() - checked_in > CHECK_IN_EVERY:
                await http.post("/staff/live-chats/check-in", data={"active": "yes", "csrf_token": token})
                checked_in = time.monotonic()
            queue = ""
            if time.monotonic() - queue_read > QUEUE_EVERY:
                queue, queue_read = (await http.get("/staff/live-chats/queue")).text, time.monotonic()
            for chat_id in map(int, re.findall(r"/staff/live-chats/(\d+)/take", queue)):
                taken = await http.post(f"/staff/live-chats/{chat_id}/take", data={"csrf_token": token})
                if taken.status_code == 302 and taken.headers.get("location", "").endswith(f"/live-chats/{chat_id}"):
                    mine[chat_id] = 0
                    handoff.taken += 1
            for chat_id, after in list(mine.items()):
                new = (await http.get(f"/staff/live-chats/{chat_id}/messages", params={"after": after})).json()
                mine[chat_id] = new["last"]
                for asked in TOKEN_RE.findall(new["rows"]):
                    if asked in handoff.replied_at:
                        continue  # its reply, shown in the same rows
                    reply = await http.post(
                        f"/staff/live-chats/{chat_id}/reply", data={"message": f"re:{asked}", "csrf_token": token}
                    )
                    if reply.status_code != 303:
                        handoff.errors.append(f"reply to {asked}: HTTP {reply.status_code}")
                    handoff.replied_at[asked] = time.monotonic()
                if new["state"] != "active":
                    mine.pop(chat_id)
                if "hand-me-back" in new["rows"]:
                    await http.post(f"/staff/live-chats/{chat_id}/hand-back", data={"csrf_token": token})
                    mine.pop(chat_id, None)
            await asyncio.sleep(CHAT_EVERY)


async def arrive(name: str, think: float, together: bool) -> None:
    """People don't all ask in the same second: each arrives within the first pause (as evaluation/load.py)."""
    if think and not together:
        await asyncio.sleep(random.Random(name).uniform(0, think))


async def widget_resident(base: str, name: str, exchanges: int, handoff: Handoff, think: float, together: bool) -> None:
    await arrive(name, think, together)
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        await http.post("/chat/messages", json={"message": "can I talk to a real person please"})
        after = 0

        async def poll_until(words: str, within: float = 120) -> None:
            nonlocal after
            deadline = time.monotonic() + within
            while time.monotonic() < deadline:
                body = (await http.get("/chat/live", params={"after": after})).json()
                now = time.monotonic()
                for message in body["messages"]:
                    after = max(after, message["id"])
                    for seen in re.findall(r"re:(\S+)", message["text"]):
                        handoff.seen_at.setdefault(seen, ("widget", now))
                    if words in message["text"]:
                        return
                await asyncio.sleep(WIDGET_POLL)
            handoff.errors.append(f"{name}: no {words!r}")

        await poll_until("has joined the chat")
        for number in range(exchanges):
            token = f"{name}m{number}"
            handoff.sent.append(token)
            await http.post("/chat/messages", json={"message": f"message {token}"})
            await poll_until(f"re:{token}")
            await asyncio.sleep(random.Random(token).uniform(0.5, 1.5) * think)
        await http.post("/chat/messages", json={"message": "thanks, please hand-me-back"})
        await poll_until("handed you back")


async def telegram_resident(
    fake, chat_id: int, name: str, exchanges: int, handoff: Handoff, think: float, together: bool
) -> None:
    await arrive(name, think, together)

    def seen() -> list[dict]:
        return fake.sent(chat_id)

    async def wait_for(words: str, within: float = 120) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            now = time.monotonic()
            for message in seen():
                for got in re.findall(r"re:(\S+)", message.get("text", "")):
                    handoff.seen_at.setdefault(got, ("telegram", now))
                if words in message.get("text", ""):
                    return
            await asyncio.sleep(0.05)
        handoff.errors.append(f"{name}: no {words!r} on Telegram")

    fake.send_text(chat_id, "can I talk to a real person please")
    await wait_for("has joined the chat")
    for number in range(exchanges):
        token = f"{name}m{number}"
        handoff.sent.append(token)
        fake.send_text(chat_id, f"message {token}")
        await wait_for(f"re:{token}")
        await asyncio.sleep(random.Random(token).uniform(0.5, 1.5) * think)
    fake.send_text(chat_id, "thanks, please hand-me-back")
    await wait_for("handed you back")


def _accounts(database_url: str, count: int, run_id: str) -> list[str]:
    emails = [f"caseworker{i}.{run_id}@council.example" for i in range(count)]
    with session_scope(database_url) as db:
        for i, email in enumerate(emails):
            user = create_user(db, email, PASSWORD, "caseworker", f"Caseworker {chr(65 + i)}")
            check_in(db, user.id, available=True)  # the page's own check-ins keep it from here
    return emails


async def _run(stack, fake, args, run_id: str) -> tuple[Handoff, Run]:
    handoff, others, stop = Handoff(), Run(), asyncio.Event()
    emails = _accounts(stack.database_url, args.caseworkers, run_id)
    workers = [asyncio.create_task(caseworker(stack.public, email, handoff, stop)) for email in emails]
    await asyncio.sleep(1.5)
    web_count = (args.handed_off + 1) // 2
    timing = (args.think, args.together)
    handed = [
        widget_resident(stack.public, f"h{run_id}r{i}", args.exchanges, handoff, *timing) for i in range(web_count)
    ]
    handed += [
        telegram_resident(fake, 990000 + i, f"h{run_id}r{web_count + i}", args.exchanges, handoff, *timing)
        for i in range(args.handed_off - web_count)
    ]
    chatting = [resident(stack.public, f"{run_id}o{i}", 2, others, *timing) for i in range(args.chatting)]
    started = time.monotonic()
    await asyncio.gather(*handed, *chatting)
    others.seconds = time.monotonic() - started
    stop.set()
    await asyncio.gather(*workers)
    return handoff, others


def _lost(stack, handoff: Handoff) -> list[str]:
    with session_scope(stack.database_url) as db:
        query = select(LiveChatMessage.text).where(LiveChatMessage.author == "resident")
        said = list(db.execute(query).scalars())
        open_chats = db.execute(select(LiveChat).where(LiveChat.state.in_(("waiting", "active")))).scalars().all()
    problems = [f"never reached a caseworker: {t}" for t in handoff.sent if not any(t in text for text in said)]
    problems += [f"reply never reached the resident: {t}" for t in handoff.sent if t not in handoff.seen_at]
    problems += [f"{len(open_chats)} chats still open"] * bool(open_chats)
    return problems + handoff.errors


def main(args) -> int:
    from tests.fake_telegram import TOKEN, FakeTelegram

    fake = FakeTelegram()
    env = {**NO_LIMITS, "OPENING_HOURS_AT": THURSDAY_MORNING, "TELEGRAM_BOT_TOKEN": TOKEN,
           "TELEGRAM_BASE_URL": fake.base_url}  # fmt: skip
    # One profile: `make run`'s unless --profiles names one (prod-2: the production profile, 2 replicas).
    profile = args.profiles if "," not in args.profiles else "sqlite"
    stack = stack_for(profile, env)
    stack.commands["telegram"], stack.checks["telegram"] = TELEGRAM_COMMAND, "log:Telegram bridge polling"
    run_id = uuid.uuid4().hex[:6]
    try:
        stack.start_all()
        asyncio.run(resident(stack.public, f"{run_id}warm", 1, Run()))  # first replies load lazily
        handoff, others = asyncio.run(_run(stack, fake, args, run_id))
        problems = _lost(stack, handoff)
    finally:
        stack.stop()
        fake.close()
    print(
        f"{profile}: {args.handed_off} residents handed off to {args.caseworkers} caseworkers ({handoff.taken} taken), "
        f"{args.exchanges} exchanges each, while {args.chatting} others chat with the bot (thinking ~{args.think:g} s"
        f"{', everyone starting at once' if args.together else ', arriving over the first pause'}):"
    )
    for channel in ("widget", "telegram"):
        delays = [seen - handoff.replied_at[t] for t, (where, seen) in handoff.seen_at.items()
                  if where == channel and t in handoff.replied_at]  # fmt: skip
        if delays:
            print(
                f"  caseworker reply delivery, {channel:<8} {len(delays):>3} replies: "
                f"p50 {statistics.median(delays):.2f} s p95 {percentile(delays, 0.95):.2f} s  max {max(delays):.2f} s"
            )
    print(
        f"  the others' bot replies: {others.messages} messages, p50 {percentile(others.latencies, 0.5) * 1000:.0f} ms "
        f"p95 {percentile(others.latencies, 0.95) * 1000:.0f} ms, errors {others.errors}"
    )
    print(f"  {'nothing lost' if not problems else 'PROBLEMS: ' + '; '.join(problems[:8])}")
    return 1 if problems or others.errors else 0
