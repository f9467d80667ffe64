"""A caseworker and a resident side by side in headless Chromium: the caseworker makes themselves
available on the "Live chats" page, the resident asks for a person in the widget, the queue shows
them without a reload, the caseworker takes the chat, they talk, and the caseworker hands the
resident back to the bot. Both pages scanned with axe-core, keyboard only on the resident's side."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser import launch
from tests.live_chat_stack import PASSWORD, caseworker_account, unavailable

EMAIL = "browser.live@council.example"


def no_accessibility_violations(page, include: str | None = None):
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
    results = Axe().run(page, context={"include": [[include]]} if include else None, options=options)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture(scope="module")
def pages(live_chat_stack):
    user_id = caseworker_account(EMAIL, "Priya")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        staff = browser.new_context(base_url=live_chat_stack.web).new_page()
        resident = browser.new_context(base_url=live_chat_stack.web).new_page()
        for page in (staff, resident):
            page.set_default_timeout(60_000)
        yield staff, resident
        browser.close()
    unavailable(user_id)


def test_take_reply_see_it_arrive_and_hand_back(pages):
    staff, resident = pages
    staff.goto("/staff/sign-in")
    staff.get_by_label("Email address").fill(EMAIL)
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    staff.get_by_role("link", name="Live chats").click()
    staff.get_by_role("button", name="Make me available").click()
    expect(staff.get_by_text("You are available.")).to_be_visible()
    no_accessibility_violations(staff)

    # The resident, keyboard only: open the chat, ask for a person.
    resident.goto("/")
    resident.get_by_role("button", name="Chat with us: report or get help").focus()
    resident.keyboard.press("Enter")
    expect(resident.locator(".csw-reply").first).to_have_text("In danger now? Call 999", timeout=30_000)
    resident.keyboard.type("can I talk to a real person please")
    resident.keyboard.press("Enter")
    log = resident.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("You are number 1 in the queue")
    expect(resident.get_by_role("status")).to_have_text(re.compile("Waiting for a person: you are number 1"))

    # The queue shows them without a reload; the caseworker takes the chat.
    staff.get_by_role("button", name=re.compile(r"^Take")).click()
    expect(staff.get_by_role("heading", name="Live chat", exact=True)).to_be_visible()
    expect(resident.locator(".csw-msg--chat").last).to_contain_text("Priya (a caseworker", timeout=5_000)
    expect(resident.get_by_role("status")).to_have_text("You are talking to a person.")

    # The resident writes; it appears on the caseworker's page by itself.
    resident.get_by_label("Your message").fill("Thank you. It is my neighbour again.")
    resident.keyboard.press("Enter")
    expect(staff.locator("#live-chat-transcript")).to_contain_text("It is my neighbour again.", timeout=5_000)

    # The caseworker's reply reaches the widget within seconds, marked as a person's.
    staff.get_by_label("Your reply").fill("I'm sorry to hear that. Is anyone in danger right now?")
    staff.get_by_role("button", name="Send", exact=True).click()
    person = resident.locator(".csw-msg--person").last
    expect(person).to_contain_text("Is anyone in danger right now?", timeout=3_000)
    expect(person.locator(".csw-hidden")).to_have_text("Person from the council: ")
    no_accessibility_violations(staff)
    no_accessibility_violations(resident, ".csw")

    # Handed back: the resident is told, and the bot answers again.
    staff.get_by_role("button", name="Hand back to the bot").click()
    expect(staff.get_by_text("The resident is back with the bot")).to_be_visible()
    expect(log).to_contain_text("handed you back to the bot", timeout=5_000)
    expect(resident.get_by_role("status")).to_have_text("")
    resident.get_by_label("Your message").fill("hello")
    resident.keyboard.press("Enter")
    expect(resident.locator(".csw-msg--bot").last).to_contain_text("999")

    # A reload keeps the whole conversation, the person's words among it.
    resident.reload()
    resident.get_by_role("button", name="Chat with us: report or get help").click()
    expect(resident.locator(".csw-msg--person")).to_contain_text("Is anyone in danger right now?")
