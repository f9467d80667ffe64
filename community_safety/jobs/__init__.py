"""Jobs that run by themselves: taking the words out of anonymous reports' conversations once they
go quiet, applying the retention periods, and the casework system's sending and fetching.

One scheduler process runs them all (``python -m community_safety.jobs``; `make run` and `make
run-prod` start it). Each run is recorded in ``job_runs`` and shown to admins ("Scheduled jobs"),
so a job that stopped is seen rather than assumed."""
