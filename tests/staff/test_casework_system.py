"""The report page says where a report was sent (Open311), its reference there, the last attempt and
any refusal; admins can send it again, caseworkers can't."""

from __future__ import annotations

from sqlalchemy import select

from community_safety.records.database import session_scope
from community_safety.records.models import AuditEvent, Open311Sending, Report
from tests.staff.conftest import ADMIN, csrf_token, make_report, sign_in

ENDPOINT = "https://casework.council.example/open311/v2"


def configure(monkeypatch):
    monkeypatch.setenv("OPEN311_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("OPEN311_API_KEY", "key")
    from community_safety.settings import settings

    settings.cache_clear()


def sending_of(reference: str) -> Open311Sending:
    with session_scope() as db:
        found = db.execute(select(Open311Sending).join(Report).where(Report.reference == reference)).scalar_one()
        db.expunge(found)
        return found


def test_a_refused_report_shows_the_systems_reason_and_an_admin_sends_it_again(client, monkeypatch):
    configure(monkeypatch)
    reference = make_report()
    with session_scope() as db:
        sending = db.execute(select(Open311Sending)).scalar_one()
        sending.state, sending.attempts, sending.last_error = "refused", 1, "400: Unknown service_code asb"
    sign_in(client, ADMIN)
    page = client.get(f"/staff/reports/{reference}").get_data(as_text=True)
    assert "Casework system" in page and ENDPOINT in page
    assert "Refused by the casework system: not sent" in page
    assert "The casework system refused it: " in page and "400: Unknown service_code asb" in page
    response = client.post(f"/staff/reports/{reference}/send-again", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert (sending_of(reference).state, sending_of(reference).attempts) == ("waiting", 0)
    with session_scope() as db:
        event = db.execute(select(AuditEvent).where(AuditEvent.object_id == reference)).scalars().all()[-1]
        assert (event.actor, event.action) == (ADMIN, "sent to the casework system again")


def test_a_sent_report_shows_its_reference_there_and_offers_no_second_sending(admin, monkeypatch):
    configure(monkeypatch)
    reference = make_report()
    with session_scope() as db:
        sending = db.execute(select(Open311Sending)).scalar_one()
        sending.state, sending.service_request_id, sending.remote_status = "sent", "CW-4471", "open"
    page = admin.get(f"/staff/reports/{reference}").get_data(as_text=True)
    assert "CW-4471" in page and ">Sent<" in page
    assert "Send again" not in page


def test_caseworkers_see_it_but_cannot_send_again(caseworker, monkeypatch):
    configure(monkeypatch)
    reference = make_report()
    page = caseworker.get(f"/staff/reports/{reference}").get_data(as_text=True)
    assert "Waiting to be sent" in page and "Send again" not in page
    response = caseworker.post(f"/staff/reports/{reference}/send-again", data={"csrf_token": csrf_token(caseworker)})
    assert response.status_code == 403


def test_a_report_from_before_the_system_was_set_up_can_be_sent(admin, monkeypatch):
    reference = make_report()  # no endpoint yet: nothing queued, and nothing about it on the page
    assert "Casework system" not in admin.get(f"/staff/reports/{reference}").get_data(as_text=True)
    configure(monkeypatch)
    page = admin.get(f"/staff/reports/{reference}").get_data(as_text=True)
    assert "made before the casework system was set up" in page and "Send to the casework system" in page
    admin.post(f"/staff/reports/{reference}/send-again", data={"csrf_token": csrf_token(admin)})
    assert sending_of(reference).state == "waiting" and sending_of(reference).endpoint == ENDPOINT
