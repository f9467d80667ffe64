"""The widget as residents use it, in headless Chromium: open, emergency, a whole report with
buttons, keyboard only, quick exit, reload, small screens, reduced motion, and an axe scan."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

EXIT_URL = "https://www.bbc.co.uk/weather"


@pytest.fixture
def page(browser, web_url):
    context = browser.new_context(base_url=web_url)
    # The neutral site quick exit goes to is answered here: the tests stay on loopback.
    context.route(
        re.compile(r"^https://www\.bbc\.co\.uk/.*"),
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<html><title>Weather</title><body>Weather</body></html>"
        ),
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def open_chat(page):
    page.goto("/")
    page.get_by_role("button", name="Chat with us: report or get help").click()
    log = page.get_by_role("log", name="Conversation")
    # The greeting and its menu, 999 first.
    expect(page.locator(".csw-reply").first).to_have_text("In danger now? Call 999")
    return log


def say(page, text):
    replies_before = page.locator(".csw-msg--bot").count()
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".csw-msg--bot")).not_to_have_count(replies_before)
    expect(page.get_by_role("status")).to_have_text("")
    return page.locator(".csw-msg--bot").last


def choose(page, title):
    replies_before = page.locator(".csw-msg--bot").count()
    page.get_by_role("button", name=title, exact=True).click()
    expect(page.locator(".csw-msg--bot")).not_to_have_count(replies_before)
    expect(page.get_by_role("status")).to_have_text("")


def test_open_and_an_emergency_gets_999(page):
    open_chat(page)
    expect(page.get_by_text("In danger now? Call 999").first).to_be_visible()
    say(page, "someone is trying to break in with a crowbar right now")
    expect(page.locator(".csw-msg--bot").filter(has_text=re.compile(r"^Assistant: Call 999"))).to_have_count(1)


def test_a_whole_report_with_buttons(page):
    open_chat(page)
    choose(page, "Anti-social behaviour")
    # The signposting questions, answered by buttons, then "Report it here".
    for _ in range(4):
        buttons = page.locator(".csw-reply")
        titles = buttons.all_inner_texts()
        if "Report it here" in titles:
            break
        choose(page, "No" if "No" in titles else titles[-1])
    choose(page, "Report it here")
    expect(page.locator(".csw-msg--bot").last).to_contain_text("happening")
    say(page, "a group of lads racing motorbikes round the estate every evening")
    say(page, "Ocean Estate, Stepney")
    choose(page, "Last night")
    choose(page, "Don't know")
    for title in ["No", "No", "No", "Yes", "Yes"]:
        choose(page, title)
    say(page, "no")
    choose(page, "No files")
    choose(page, "Link it to me")
    choose(page, "No contact, thanks")
    expect(page.locator(".csw-msg--bot").last).to_contain_text("Is this right?")
    choose(page, "Send report")
    expect(page.locator(".csw-log")).to_contain_text(re.compile(r"ASB-\d{4}-\d{5}"))


def test_keyboard_only(page):
    page.goto("/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    launcher = page.get_by_role("button", name="Chat with us: report or get help")
    expect(launcher).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your message")).to_be_focused()
    expect(page.locator(".csw-reply").first).to_have_text("In danger now? Call 999")
    page.keyboard.type("people shouting and fighting outside every weekend")
    page.keyboard.press("Enter")
    expect(page.locator(".csw-msg--resident")).to_have_count(1)
    expect(page.get_by_role("status")).to_have_text("")
    # Reach a quick reply with Tab and press it with the keyboard.
    first_reply = page.locator(".csw-reply").first
    expect(first_reply).to_be_visible()
    for _ in range(30):
        if page.evaluate("document.activeElement && document.activeElement.classList.contains('csw-reply')"):
            break
        page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.classList.contains('csw-reply')")
    page.keyboard.press("Space")
    expect(page.locator(".csw-msg--resident")).to_have_count(2)
    # Escape closes and gives focus back to the launcher.
    page.get_by_label("Your message").focus()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")


def test_reload_keeps_the_conversation(page):
    open_chat(page)
    say(page, "there's a needle in the playground")
    page.reload()
    # Still open after the reload, with what was said.
    expect(page.locator(".csw-msg--resident")).to_have_text(["You: there's a needle in the playground"])
    expect(page.locator(".csw-msg--bot").first).to_be_visible()


def test_quick_exit_leaves_and_clears_the_conversation(page):
    open_chat(page)
    say(page, "my partner hit me last night")
    page.get_by_role("button", name="Quick exit").click()
    page.wait_for_url(EXIT_URL)
    assert page.evaluate("sessionStorage.length") == 0
    page.goto("/")
    page.get_by_role("button", name="Chat with us: report or get help").click()
    expect(page.locator(".csw-reply").first).to_have_text("In danger now? Call 999")
    expect(page.locator(".csw-msg--resident")).to_have_count(0)
    expect(page.locator(".csw-log")).not_to_contain_text("partner")


def test_reflows_at_320_pixels(browser, web_url):
    context = browser.new_context(base_url=web_url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    open_chat(page)
    box = page.get_by_role("dialog").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    for control in ["Quick exit", "Close chat", "Send"]:
        target = page.get_by_role("button", name=control, exact=True).bounding_box()
        assert target["width"] >= 24 and target["height"] >= 24 and target["x"] + target["width"] <= 320
    context.close()


def test_reduced_motion_stops_the_typing_animation(browser, web_url):
    context = browser.new_context(base_url=web_url, reduced_motion="reduce")
    page = context.new_page()
    open_chat(page)
    page.evaluate("document.querySelector('.csw').classList.add('csw-busy')")
    assert page.evaluate("getComputedStyle(document.querySelector('.csw-status'), '::after').animationName") == "none"
    context.close()


def test_no_accessibility_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    open_chat(page)
    say(page, "kids keep kicking a football at my door")
    results = Axe().run(
        page,
        options={
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
            }
        },
    )
    assert results.violations_count == 0, results.generate_report()


def test_one_script_tag_embeds_it_on_another_council_page(browser, web_url, council_site):
    (council_site.folder / "news.html").write_text(
        f'<!DOCTYPE html><html lang="en"><head><title>News</title></head><body><main><h1>Council news</h1>'
        f'</main><script src="{web_url}/widget.js" defer></script></body></html>'
    )
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{council_site.origin}/news.html")
    page.get_by_role("button", name="Chat with us: report or get help").click()
    expect(page.locator(".csw-reply").first).to_have_text("In danger now? Call 999")
    say(page, "someone has dumped a mattress by the bins")
    page.reload()
    expect(page.locator(".csw-msg--resident")).to_have_text(["You: someone has dumped a mattress by the bins"])
    context.close()


def test_bengali_is_marked_and_drawn_in_a_bengali_font(page):
    from axe_playwright_python.sync_playwright import Axe

    open_chat(page)
    reply = say(page, "আসসালামু আলাইকুম")
    words = 'span[lang="bn"]:not(.csw-hidden)'  # the message; the hidden "সহকারী:" before it is Bengali too
    expect(reply.locator(words)).to_contain_text("কমিউনিটি সেফটি সহকারী")
    expect(reply.locator(".csw-hidden")).to_have_text("সহকারী: ")
    expect(page.locator(".csw-msg--resident").last.locator(words)).to_have_text("আসসালামু আলাইকুম")
    expect(page.locator('.csw-reply[lang="bn"]').first).to_have_text("এখন বিপদে? 999-এ ফোন করুন")
    expect(page.get_by_role("button", name="English", exact=True)).not_to_have_attribute("lang", "bn")
    # The font the widget asks for draws Bengali differently from a fallback with no Bengali letters.
    family = reply.locator(words).evaluate("node => getComputedStyle(node).fontFamily")
    drawn_differently = page.evaluate(
        """family => { const c = document.createElement("canvas").getContext("2d");
            const width = f => { c.font = "20px " + f; return c.measureText("আমার বাসার সামনে").width; };
            return width(family) !== width("monospace"); }""",
        family,
    )
    assert "Lohit Bengali" in family and drawn_differently
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "best-practice"]}})
    assert results.violations_count == 0, results.generate_report()
    # The widget's own words follow the bot's language, marked lang="bn"; the launcher has both.
    expect(page.locator(".csw-launcher-bn")).to_have_attribute("lang", "bn")
    expect(page.get_by_role("button", name="পাঠান", exact=True)).to_have_attribute("lang", "bn")
    expect(page.get_by_label("আপনার মেসেজ")).to_be_visible()
    expect(page.locator(".csw-title")).to_have_text("কমিউনিটি সেফটি চ্যাট")
    expect(page.locator(".csw-danger")).to_have_text("এখন বিপদে? 999-এ ফোন করুন")
    expect(page.get_by_role("log", name="কথোপকথন")).to_be_visible()
    page.reload()  # and stay so when the page is reloaded
    expect(page.get_by_role("button", name="পাঠান", exact=True)).to_be_visible()
    choose(page, "English")
    expect(page.get_by_role("button", name="Send", exact=True)).not_to_have_attribute("lang", "bn")
    expect(page.locator(".csw-title")).to_have_text("Community safety chat")
    expect(page.locator(".csw-danger")).to_have_text("In danger now? Call 999")


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_two_needs_in_one_message_offer_the_second_after_the_first(browser, web_url, width, height):
    # Desktop and a phone's width: the offer, its button first and in view, and the button starting the need.
    context = browser.new_context(base_url=web_url, viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_chat(page)
        say(
            page,
            "my husband hits me and last night I walked out with the baby. "
            "we're at my friend's but she says we can only stay tonight",
        )
        choose(page, "No")
        choose(page, "Me")
        offer = page.locator(".csw-msg--bot").filter(has_text="also need help with homelessness")
        expect(offer).to_have_count(1)
        # The second need's button comes first among the replies, in view without scrolling sideways.
        first = page.locator(".csw-reply").first
        expect(first).to_have_text("Homelessness")
        box = first.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
        first.click()
        # Who it is about was answered, and a parent who left with the baby is not asked their age.
        expect(page.locator(".csw-msg--bot").last).to_contain_text("Do you have nowhere safe to sleep tonight?")
    finally:
        context.close()
