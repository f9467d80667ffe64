"""The caseworkers' site, served under /staff/ by the web server: reports, case reviews,
audit log, data protection. One view module per thing a staff member does (``views/``),
templates beside them (``templates/staff/``)."""
