"""Residents, reports, status history and case-review applications, stored with SQLAlchemy."""
