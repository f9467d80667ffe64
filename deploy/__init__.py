"""The production profile: the same code, configured for PostgreSQL, a Redis lock store and
several replicas of Rasa, the action server and the web server behind nginx."""
