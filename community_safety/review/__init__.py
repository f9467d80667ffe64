"""Messages to review (issue #27): how the bot learns from what residents really send. Which
messages a caseworker should see (``selection``), with what names a person taken out first
(``redaction``), kept in the records as review items (``queue``), and written out as training
data and a held-out set once two caseworkers agree (``export``)."""
