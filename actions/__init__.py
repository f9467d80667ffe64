"""Rasa SDK custom actions: thin wrappers over the plain community_safety package."""
