"""A caseworker's day in headless Chromium against the real stack: a resident files a report
through Rasa; the caseworker signs in, filters, opens it, changes its status with a note and an
update; the resident asks the bot and is told the update. Pages scanned with axe-core."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from playwright.sync_api import expect, sync_playwright

from community_safety.records.database import session_scope
from staff.accounts import create_user
from tests.browser import launch
from tests.stack import Conversation, start_web_server

EMAIL, PASSWORD = "browser.caseworker@council.example", "a long browser password"


@pytest.fixture(scope="module")
def staff_site(rasa_url, tmp_path_factory):
    with session_scope() as db:
        create_user(db, EMAIL, PASSWORD, "caseworker")
    process, base = start_web_server(tmp_path_factory.mktemp("staff-web"), rasa_url)
    yield base
    process.stop()


@pytest.fixture(scope="module")
def page(staff_site):
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(base_url=staff_site)
        page = context.new_page()
        page.set_default_timeout(60_000)
        yield page
        browser.close()


def no_accessibility_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
    )
    assert results.violations_count == 0, results.generate_report()


def file_a_report(rasa_url) -> tuple[Conversation, str]:
    resident = Conversation(rasa_url)
    resident.say("/file_report")
    for answer in [
        "a gang keeps setting off fireworks at the bus stop",
        "Roman Road",
        "last night",
        "don't know",
        "no",
        "no",
        "no",
        "no",
        "yes",
        "no",
        "no files",
        "link it to me",
        "no contact",
    ]:
        resident.say(answer)
    reference = re.search(r"ASB-\d{4}-\d{5}", resident.text(resident.say("send"))).group(0)
    return resident, reference


def test_a_caseworker_updates_a_report_and_the_resident_is_told(page, rasa_url):
    resident, reference = file_a_report(rasa_url)

    page.goto("/staff/reports")
    expect(page).to_have_url(re.compile(r"/staff/sign-in"))
    no_accessibility_violations(page)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Reports")).to_be_visible()

    page.get_by_label("Status").select_option("new")
    page.get_by_label("Ward").select_option("Bow West")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"status=new.*ward=Bow"))
    no_accessibility_violations(page)
    page.get_by_role("link", name=reference).click()

    expect(page.get_by_role("heading", name=reference)).to_be_visible()
    expect(page.get_by_text("a gang keeps setting off fireworks at the bus stop").first).to_be_visible()
    # The conversation with the bot, from the tracker store.
    expect(page.get_by_role("cell", name="What's been happening? Tell me in your own words.")).to_be_visible()
    # Queued for the council's casework system (Open311) when it was filed.
    expect(page.get_by_role("heading", name="Casework system")).to_be_visible()
    no_accessibility_violations(page)

    page.get_by_label("New status").select_option("action_taken")
    page.get_by_label("Internal note (staff only)").fill("Police patrol arranged with the SNT sergeant")
    page.get_by_label("Update for the resident (optional)").fill("Police will patrol the bus stop in the evenings.")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("Status changed.")).to_be_visible()
    expect(page.get_by_text("Police patrol arranged with the SNT sergeant")).to_be_visible()

    told = resident.text(resident.say("what's happening with my report?"))
    assert reference in told and "Police will patrol the bus stop in the evenings." in told
    assert "SNT sergeant" not in told
    page.reload()
    expect(page.get_by_text(re.compile(r"reached them .* when they asked the bot"))).to_be_visible()


def test_an_admin_sees_when_each_scheduled_job_last_ran(page, staff_site):
    from community_safety.jobs.scheduler import privacy_jobs, run_once

    admin_email = "browser.admin@council.example"
    with session_scope() as db:
        create_user(db, admin_email, PASSWORD, "admin")
    from community_safety.jobs import runs
    from community_safety.records.models import JobRun, utcnow

    retention, scrub = sorted(privacy_jobs(), key=lambda job: job.name)
    assert run_once(retention) == "done"
    # The scrub last succeeded two hours ago (every minute is its turn): overdue.
    runs.started(scrub.name, scrub.every_seconds)
    with session_scope() as db:
        db.get(JobRun, scrub.name).last_success_at = utcnow() - dt.timedelta(hours=2)
    context = page.context.browser.new_context(base_url=staff_site)  # signed in apart from the caseworker
    admin = context.new_page()
    admin.goto("/staff/sign-in")
    admin.get_by_label("Email address").fill(admin_email)
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    admin.get_by_role("link", name="Scheduled jobs").click()
    expect(admin.get_by_role("heading", name="Scheduled jobs")).to_be_visible()
    row = admin.get_by_role("row", name=re.compile("^Retention"))
    expect(row.get_by_role("cell").nth(1)).to_have_text("done")
    # The scrub has not succeeded for two hours: shown as overdue, with a warning.
    expect(admin.get_by_role("row", name=re.compile("^Scrub anonymous")).get_by_text("Overdue")).to_be_visible()
    expect(admin.get_by_text(re.compile("not run successfully when expected"))).to_be_visible()
    no_accessibility_violations(admin)
    context.close()


def test_a_caseworker_labels_two_residents_messages_and_a_second_confirms_one(page, staff_site, rasa_url):
    """Messages from a real conversation, collected as the scheduler does (every one sampled, so the
    test doesn't hang on how sure the model is), labelled in the browser by two caseworkers."""
    from community_safety.records.models import utcnow
    from community_safety.review.queue import collect

    since = time.time() - 1
    resident, another = Conversation(rasa_url), Conversation(rasa_url)
    resident.say("my neighbour Dave Smith leaves rubbish bags on the landing and they stink")
    another.say("theres needles in the stairwell again")
    # The scheduler reads again what it read last time (RESCAN_SECONDS), so a conversation the store
    # had not shown yet is read on its next run: here, runs until both messages are in.
    added, runs = 0, []
    for _ in range(20):
        with session_scope() as db:
            runs.append(collect(db, utcnow() + dt.timedelta(hours=1), active_since=since, sample_share=1.0))
        added += runs[-1]["review_items_added"]
        if added >= 2:
            break
        time.sleep(0.5)
    assert added == 2, f"the two conversations' messages were not collected: {runs}"
    second_email = "browser.second@council.example"
    with session_scope() as db:
        create_user(db, second_email, PASSWORD, "caseworker")

    sign_in_as(page, EMAIL)
    page.get_by_role("link", name="Messages to review").click()
    expect(page.get_by_role("heading", name="Messages to review")).to_be_visible()
    no_accessibility_violations(page)
    # Redacted before anyone sees it; the sender is never shown.
    first = page.get_by_role("link", name=re.compile(r"my neighbour \[name\] leaves rubbish"))
    assert first.count() == 1, f"not listed; the page shows:\n{page.locator('main').inner_text()}"
    first.click()
    expect(page.get_by_text("Dave")).to_have_count(0)
    expect(page.get_by_text(resident.user)).to_have_count(0)
    no_accessibility_violations(page)

    page.get_by_role("button", name="Save and go to the next").click()  # nothing chosen
    expect(page.get_by_role("link", name=re.compile("Choose what the message was about"))).to_be_visible()
    no_accessibility_violations(page)
    page.get_by_label("Anti-social behaviour").check()
    page.get_by_role("button", name="Save and go to the next").click()
    expect(page.get_by_text("A second caseworker will answer it too")).to_be_visible()
    expect(page.get_by_text("theres needles in the stairwell again")).to_be_visible()
    page.get_by_label("Drugs or alcohol").check()
    page.get_by_label("Anti-social behaviour").check()
    page.get_by_role("button", name="Save and go to the next").click()
    expect(page.get_by_text("A second caseworker will answer it too")).to_be_visible()

    context = page.context.browser.new_context(base_url=staff_site)
    second = context.new_page()
    sign_in_as(second, second_email)
    second.goto("/staff/messages-to-review?state=to_confirm")
    second.get_by_role("link", name=re.compile(r"leaves rubbish")).click()
    expect(second.get_by_text("Another caseworker has answered")).to_be_visible()
    expect(second.get_by_text(EMAIL)).to_have_count(0)  # their answer waits until this one is given
    second.get_by_label("Anti-social behaviour").check()
    second.get_by_role("button", name="Save and go to the next").click()
    expect(second.get_by_text("two caseworkers agree")).to_be_visible()
    second.goto("/staff/overview")
    counts = re.compile(r"[1-9]\d* waiting for a second .* [1-9]\d* agreed", re.S)
    expect(second.locator("#review-counts")).to_contain_text(counts)
    no_accessibility_violations(second)
    context.close()


def sign_in_as(page, email):
    page.goto("/staff/sign-in")
    if page.get_by_label("Email address").count():
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()


PHONE = {"width": 360, "height": 740}


def test_a_caseworker_on_a_phone_never_scrolls_sideways(page, staff_site, rasa_url):
    """Each page a caseworker uses, at a small phone's width: nothing wider than the screen (wide
    tables scroll inside their own box, as GOV.UK's do, and the page itself never does)."""
    _, reference = file_a_report(rasa_url)
    context = page.context.browser.new_context(base_url=staff_site, viewport=PHONE)
    phone = context.new_page()
    phone.set_default_timeout(60_000)
    sign_in_as(phone, EMAIL)
    too_wide = {}
    for path in ("/staff/", "/staff/reports", f"/staff/reports/{reference}", "/staff/messages-to-review",
                 "/staff/case-reviews", "/staff/live-chats", "/staff/overview"):  # fmt: skip
        phone.goto(path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
    phone.goto("/staff/reports")
    no_accessibility_violations(phone)  # the scrolling box is reachable by keyboard, and named
    context.close()
    assert too_wide == {}, too_wide
