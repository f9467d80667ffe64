"""Evidence from the web chat: the endpoint over real HTTP (the web server process, the real Rasa and
action server), and the attach button in Chromium: chosen by keyboard, progress shown, the bot's
answer, the transcript saying what was sent, and an axe scan."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect
from sqlalchemy import select

from community_safety.records.database import session_scope
from community_safety.records.models import Evidence
from tests.community_safety.evidence import files


def send(session: requests.Session, base: str, data: bytes, name: str = "photo.jpg", **params) -> requests.Response:
    return session.post(f"{base}/chat/evidence", files={"file": (name, data)}, params=params, timeout=60)


def test_a_photo_is_kept_cleaned_and_answered(web_url):
    resident = requests.Session()
    response = send(resident, web_url, files.photo_with_gps())
    assert response.status_code == 200, response.text
    said = " ".join(r["text"] for r in response.json()["replies"])
    assert "I've got your photo" in said and "without its hidden details" in said
    transcript = resident.get(f"{web_url}/chat/messages", timeout=30).json()["messages"]
    assert transcript[0] == {"from": "resident", "text": "(sent a photo)", "buttons": []}
    with session_scope() as db:
        newest = db.execute(select(Evidence).order_by(Evidence.id.desc())).scalars().first()
        assert newest.channel == "web" and newest.kind == "image"


def test_what_is_not_taken_is_refused_with_the_reason(web_url):
    resident = requests.Session()
    page = send(resident, web_url, b"<!DOCTYPE html><script>alert(1)</script>", name="photo.jpg")
    assert page.status_code == 422 and "can't keep that kind of file" in page.json()["error"]
    missing = resident.post(f"{web_url}/chat/evidence", data={"other": "x"}, timeout=30)
    assert missing.status_code == 400 and "Choose a photo" in missing.json()["error"]
    in_bengali = send(resident, web_url, b"MZ\x90\x00" + b"\x00" * 64, name="x.pdf", language="bn")
    assert in_bengali.status_code == 422 and "দুঃখিত" in in_bengali.json()["error"]
    # The conversation goes on.
    reply = resident.post(f"{web_url}/chat/messages", json={"message": "there's a fire in the stairwell"}, timeout=60)
    assert reply.json()["replies"][0]["text"].startswith("Call 999")


def test_a_file_over_the_limit_is_refused_before_it_is_read(web_url):
    response = send(requests.Session(), web_url, b"\x00" * (21 * 1024 * 1024), name="long.mp4")
    assert response.status_code == 413 and "too big" in response.json()["error"]


def test_other_requests_keep_the_small_limit(web_url):
    response = requests.post(f"{web_url}/chat/messages", data=b"x" * (200 * 1024),
                             headers={"Content-Type": "application/json"}, timeout=30)  # fmt: skip
    assert response.status_code == 413


def test_attaching_a_photo_by_keyboard_shows_progress_and_the_answer(browser, web_url, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    photo = tmp_path / "stairwell.jpg"
    photo.write_bytes(files.photo_with_gps(size=(1600, 1200)))
    page = browser.new_context(base_url=web_url).new_page()
    page.set_default_timeout(60_000)
    page.goto("/")
    page.get_by_role("button", name="Chat with us: report or get help").click()
    expect(page.locator(".csw-reply").first).to_have_text("In danger now? Call 999", timeout=60_000)
    attach = page.get_by_role("button", name="Send a photo, video, recording or document")
    # By keyboard: the button takes focus and Enter opens the file input (counted here: the browser's
    # own file chooser is not something a test can rely on seeing). The file is then given to the input.
    page.evaluate("() => { window.fileInputOpened = 0; "
                  "document.querySelector('#csw-file').addEventListener('click', e => { window.fileInputOpened++; "
                  "e.preventDefault(); }); }")  # fmt: skip
    attach.focus()
    expect(attach).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.fileInputOpened === 1")
    statuses = []
    page.expose_function("noteStatus", lambda text: statuses.append(text))
    page.evaluate(
        """() => new MutationObserver(() => window.noteStatus(document.querySelector('.csw-status').textContent))
              .observe(document.querySelector('.csw-status'), {childList: true, characterData: true, subtree: true})"""
    )
    page.locator("#csw-file").set_input_files(str(photo))
    expect(page.locator(".csw-msg--resident").last).to_have_text(re.compile(r"sent a file: stairwell\.jpg"))
    expect(page.locator(".csw-msg--bot").last).to_contain_text("I've got your photo", timeout=60_000)
    expect(page.get_by_role("status")).to_have_text("")
    assert any(text.startswith("Sending your file:") for text in statuses), statuses
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}})
    assert results.violations_count == 0, results.generate_report()


def test_a_file_too_big_is_refused_in_the_browser_before_sending(browser, web_url, tmp_path):
    big = tmp_path / "long.mp4"
    big.write_bytes(b"\x00" * (21 * 1024 * 1024))
    page = browser.new_context(base_url=web_url).new_page()
    page.set_default_timeout(60_000)
    page.goto("/")
    page.get_by_role("button", name="Chat with us: report or get help").click()
    expect(page.locator(".csw-reply").first).to_have_text("In danger now? Call 999", timeout=60_000)
    page.locator("#csw-file").set_input_files(str(big))
    expect(page.locator(".csw-msg--bot").last).to_contain_text("up to 20 MB")
