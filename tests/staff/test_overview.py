"""The overview: reports by month, category, status and ward, and the overdue count."""

from __future__ import annotations

import datetime as dt
import re

from tests.staff.conftest import make_report


def test_counts_by_category_status_ward_and_overdue(caseworker):
    make_report(location_text="Brick Lane")
    make_report(location_text="Brick Lane", user="b", hate_motivated=True)
    make_report(location_text="Ocean Estate", user="c", created=dt.datetime.utcnow() - dt.timedelta(days=30))
    page = caseworker.get("/staff/overview").get_data(as_text=True)
    assert re.search(r"<strong>1</strong> open report overdue", page)
    assert "3 reports since" in page

    def figure(label):
        return re.search(
            rf'<th scope="row" class="govuk-table__header">{re.escape(label)}</th>'
            rf'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>',
            page,
        ).group(1)

    assert figure("Spitalfields &amp; Banglatown") == "2" and figure("St Dunstan&#39;s") == "1"
    assert figure("Anti-social behaviour") == "2" and figure("Hate incident") == "1" and figure("New") == "3"
    assert page.count('class="council-chart__bar"') >= 12 + 2 + 1 + 2
