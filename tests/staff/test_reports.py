"""The reports list: filters in the URL, sorting, pages, the CSV export, and escaping."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from community_safety.records.database import session_scope
from community_safety.records.models import AuditEvent, Report
from staff.queries import PAGE_SIZE
from tests.staff.conftest import make_report

REFERENCE = re.compile(r"ASB-\d{4}-\d{5}")


def listed(client, query="") -> list[str]:
    page = client.get(f"/staff/reports?{query}").get_data(as_text=True)
    return sorted(set(REFERENCE.findall(page)))


def test_filters_narrow_the_list(caseworker):
    brick = make_report(location_text="Brick Lane", postcode="E1 6AN")
    ocean = make_report(location_text="Ocean Estate", postcode="E1 4QP", user="r2", channel="telegram")
    island = make_report(location_text="Westferry Road", postcode="E14 3AA", user="r3", hate_motivated=True)
    old = make_report(user="r4", postcode=None, created=dt.datetime(2025, 1, 5, 12, 0))
    with session_scope() as db:
        db.query(Report).filter_by(reference=ocean).one().status = "in_progress"
    assert listed(caseworker) == sorted([brick, ocean, island, old])
    assert listed(caseworker, "status=in_progress") == [ocean]
    assert listed(caseworker, "channel=telegram") == [ocean]
    assert listed(caseworker, "ward=St+Dunstan%27s") == [ocean]
    assert listed(caseworker, "postcode_area=E14") == [island]
    assert listed(caseworker, "postcode_area=e1") == sorted([brick, ocean])
    assert listed(caseworker, "category=hate") == [island]
    assert listed(caseworker, "date_to=2025-12-31") == [old]
    assert listed(caseworker, f"date_from={dt.date.today()}") == sorted([brick, ocean, island])
    assert listed(caseworker, "assignee=none") == sorted([brick, ocean, island, old])
    assert listed(caseworker, "assignee=me") == []
    # Overdue: the old report is still new and long past its due date.
    assert listed(caseworker, "overdue=yes") == [old]


def test_filters_survive_bad_values(caseworker):
    make_report()
    for query in [
        "page=-3",
        "page=abc",
        "sort=drop+table",
        "date_from=31/12/2025",
        "assignee=%00",
        "assignee=%C2%B2",  # "²": a digit to str.isdigit, not a number
        "page=%C2%B2",
        "page=%D9%A3",  # Arabic-Indic three
        "status=nope",
        "ward=" + "x" * 5000,
    ]:
        assert caseworker.get(f"/staff/reports?{query}").status_code == 200, query


def test_case_review_eligible_filter(caseworker):
    for day in (1, 8, 15):
        make_report(
            user="persistent",
            occurred_on=dt.date.today() - dt.timedelta(days=day),
            created=dt.datetime.utcnow() - dt.timedelta(days=day),
        )
    lone = make_report(user="once")
    eligible = listed(caseworker, "eligible=yes")
    assert len(eligible) == 3 and lone not in eligible


def test_pages_and_sorting(caseworker):
    references = [
        make_report(user=f"r{i}", created=dt.datetime(2026, 1, 1) + dt.timedelta(hours=i)) for i in range(PAGE_SIZE + 3)
    ]
    first = caseworker.get("/staff/reports").get_data(as_text=True)
    assert "Page 1 of 2" in first and references[-1] in first and references[0] not in first
    second = caseworker.get("/staff/reports?page=2").get_data(as_text=True)
    assert references[0] in second
    oldest = caseworker.get("/staff/reports?sort=oldest").get_data(as_text=True)
    assert REFERENCE.findall(oldest)[0] == references[0]
    # The next-page link keeps the filters.
    filtered = caseworker.get("/staff/reports?sort=oldest&status=new").get_data(as_text=True)
    assert "sort=oldest" in filtered and "status=new" in filtered and "page=2" in filtered


def test_what_residents_wrote_is_shown_escaped(caseworker):
    reference = make_report(description='<script>alert("x")</script> and <b>bold</b>')
    for page in (caseworker.get("/staff/reports"), caseworker.get(f"/staff/reports/{reference}")):
        html = page.get_data(as_text=True)
        assert "<script>alert" not in html and "&lt;script&gt;" in html and "<b>bold" not in html


def test_the_csv_has_the_filtered_view_and_neutralises_formulas(caseworker):
    formula = make_report(description='=HYPERLINK("http://evil.example","click")', location_text="+44 20 7364 5000")
    make_report(description="@SUM(A1:A9)", user="other", channel="telegram")
    response = caseworker.get("/staff/reports.csv?channel=web")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["reference"] for r in rows] == [formula]
    assert rows[0]["description"].startswith("'=HYPERLINK") and rows[0]["location"].startswith("'+44")
    everything = caseworker.get("/staff/reports.csv").get_data(as_text=True)
    assert "'@SUM(A1:A9)" in everything


def test_a_long_filter_exports_and_is_audited_whole(admin):
    make_report()
    long_filter = "ward=" + "Spitalfields+%26+Banglatown" * 5 + "&postcode=E1&status=new"
    assert admin.get(f"/staff/reports.csv?{long_filter}").status_code == 200
    with session_scope() as db:
        event = db.query(AuditEvent).filter_by(action="exported reports").order_by(AuditEvent.id.desc()).first()
        assert len(event.object_id) <= 80  # the column's width, which PostgreSQL enforces
        assert "Spitalfields" in event.changes


def test_caseworkers_see_and_filter_the_language_a_report_was_made_in(caseworker):
    english = make_report(description="loud music from the flat upstairs")
    bengali = make_report(user="r2", description="উপরের ফ্ল্যাটে সারা রাত জোরে গান বাজে", language="bn")
    assert listed(caseworker, "language=bn") == [bengali]
    assert listed(caseworker, "language=en") == [english]
    assert listed(caseworker, "language=xx") == sorted([english, bengali])  # unknown: no filter
    page = caseworker.get(f"/staff/reports/{bengali}").get_data(as_text=True)
    assert "Bengali (বাংলা)" in page
    assert '<dd class="govuk-summary-list__value council-pre" lang="bn">উপরের ফ্ল্যাটে' in page
    # Told, where they write an update, that the resident gets it inside Bengali words.
    assert "The resident wrote in Bengali" in page
    assert "The resident wrote in Bengali" not in caseworker.get(f"/staff/reports/{english}").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(caseworker.get("/staff/reports.csv?language=bn").get_data(as_text=True))))
    assert [(r["reference"], r["language"]) for r in rows] == [(bengali, "bn")]
