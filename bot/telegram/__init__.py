"""The Telegram bridge: a python-telegram-bot process that forwards residents' messages to
Rasa's REST channel as sender ``telegram:<chat id>`` and sends the replies back."""
