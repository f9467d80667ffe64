"""The scheduled jobs page: admins see each job's last run, its outcome and what it did, and a job
that has not succeeded when expected is flagged."""

from __future__ import annotations

from community_safety.jobs.scheduler import Job, run_once


def test_jobs_that_never_ran_are_flagged_and_a_run_shows_what_it_did(admin):
    page = admin.get("/staff/jobs").get_data(as_text=True)
    assert "Retention" in page and "Scrub anonymous reports" in page and "Collect messages to review" in page
    assert page.count("Overdue") == 3 and "3 jobs have not run successfully" in page
    assert page.count("Not done yet") == 3 and "Nothing to do" not in page  # never run is not "nothing to do"
    run_once(Job("retention", 3600, lambda since: ({"reports": 2}, None)))
    page = admin.get("/staff/jobs").get_data(as_text=True)
    assert page.count("Overdue") == 2 and "2 jobs have not run successfully" in page
    assert "every 1 h" in page and "reports: 2" in page


def test_a_failed_run_shows_its_kind_only(admin):
    def failing(since):
        raise KeyError("Sam Jones")

    run_once(Job("retention", 3600, failing))
    page = admin.get("/staff/jobs").get_data(as_text=True)
    assert "failed: KeyError" in page and "Sam Jones" not in page


def test_the_casework_systems_jobs_are_listed_when_it_is_set(admin, environment):
    environment(OPEN311_ENDPOINT="https://casework.example/open311/v2", OPEN311_API_KEY="key")
    page = admin.get("/staff/jobs").get_data(as_text=True)
    assert "Send reports to the casework system" in page and "Fetch the casework system" in page
