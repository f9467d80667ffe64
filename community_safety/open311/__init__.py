"""Reports to the council's own casework system over Open311 GeoReport v2, and its updates back.

FixMyStreet's way for street reports, for conversation-filed reports: a council already runs a
casework system, so a report that lived only in the staff site would be a second inbox.

- ``settings``: where to send (``OPEN311_ENDPOINT``; nothing is sent while it is unset) and the
  staff-edited file ``data/open311.yml`` (our categories to the system's service codes, what a
  resident is told when the system changes a report's status).
- ``client``: the HTTP conversation with the endpoint, JSON or XML.
- ``outbox``: each report's sending, written with the report in one transaction; claimed by one
  sender at a time, retried with backoff while the endpoint is down, stopped on a refusal.
- ``updates``: the system's status changes and notes, turned into updates on our report that
  reach the resident the way caseworkers' updates do.
- ``worker``: the process `make run` starts when an endpoint is set.
"""
