"""Channels residents use: the Telegram bridge and the web chat widget."""
