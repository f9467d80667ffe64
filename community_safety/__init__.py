"""Council logic that is not Rasa-specific: reports, residents, case-review rules, services."""
