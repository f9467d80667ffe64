"""Who can reach what: nothing but sign-in without a session; admin pages refuse caseworkers;
every form needs its CSRF token."""

from __future__ import annotations

import pytest

from staff.app import create_app as create_staff_app
from tests.staff.conftest import csrf_token, make_report

# The casework system's photo link: the signed link is its permission (test_open311_media.py).
PUBLIC = {"staff.sign_in", "static", "staff.open311_media"}


def staff_routes():
    app = create_staff_app({"SECRET_KEY": "listing routes only"})
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, getattr(view, "admin_only", False)


ROUTES = list(staff_routes())


def url(rule) -> str:
    values = {"reference": "ASB-2026-00001", "resident_id": 1, "filename": "staff.css"}
    path = rule.rule.replace("<reference>", values["reference"]).replace("<path:filename>", values["filename"])
    for number in ("resident_id", "chat_id", "request_id", "item_id"):
        path = path.replace(f"<int:{number}>", "1")
    return "/staff" + path


def test_the_route_list_is_complete():
    endpoints = {rule.endpoint for rule, _, _ in ROUTES}
    assert {
        "staff.reports",
        "staff.report",
        "staff.change_report_status",
        "staff.case_reviews",
        "staff.audit_log",
        "staff.overview",
        "staff.erase",
        "staff.export_resident",
        "staff.reports_csv",
        "staff.live_chats",
        "staff.take_live_chat",
        "staff.reply_to_live_chat",
        "staff.hand_back_live_chat",
        "staff.messages_to_review",
        "staff.message_to_review",
        "staff.answer_message",
        "staff.remove_message",
    } <= endpoints


@pytest.mark.parametrize(
    "rule, method, _admin",
    [r for r in ROUTES if r[0].endpoint not in PUBLIC],
    ids=lambda value: str(value) if not isinstance(value, bool) else "",
)
def test_no_page_without_signing_in(client, rule, method, _admin):
    make_report()
    token = csrf_token(client)  # a valid token: what stops the request must be the missing sign-in
    response = client.open(url(rule), method=method, data={"csrf_token": token})
    assert response.status_code == 302, (rule.rule, method, response.status_code)
    assert response.headers["Location"].startswith("/staff/sign-in")


@pytest.mark.parametrize("rule, method, _admin", [r for r in ROUTES if r[2]], ids=lambda v: str(v))
def test_admin_pages_refuse_caseworkers(caseworker, rule, method, _admin):
    make_report()
    response = caseworker.open(url(rule), method=method, data={"csrf_token": csrf_token(caseworker, "/staff/reports")})
    assert response.status_code == 403


def test_admin_pages_open_for_admins(admin):
    make_report()
    assert admin.get("/staff/audit").status_code == 200
    assert admin.get("/staff/residents/1").status_code == 200


def test_forms_need_their_csrf_token(caseworker):
    reference = make_report()
    response = caseworker.post(
        f"/staff/reports/{reference}/status", data={"status": "in_progress", "note": "called them"}
    )
    assert response.status_code == 400 and "That form has expired" in response.get_data(as_text=True)
    assert "In progress" not in caseworker.get(f"/staff/reports/{reference}").get_data(as_text=True).split("History")[0]


def test_pages_carry_security_headers(client):
    headers = client.get("/staff/sign-in").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


def test_odd_numbers_in_the_address_are_not_errors(admin):
    for path in (
        "/staff/audit?page=%C2%B2",
        "/staff/audit?page=%D9%A3",
        "/staff/reports?page=%C2%B2",
        "/staff/messages-to-review?page=%C2%B2",
        "/staff/messages-to-review?page=-4&state=%00&need=x",
    ):
        assert admin.get(path).status_code == 200, path


def test_https_deployments_get_hsts(data, environment):
    from webserver import create_app

    assert "Strict-Transport-Security" not in create_app().test_client().get("/staff/sign-in").headers
    environment(WEB_COOKIE_SECURE="true")
    headers = create_app().test_client().get("/staff/sign-in", base_url="https://localhost").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
