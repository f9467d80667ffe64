"""Talking to a person: a resident handed from the bot to a caseworker, and back.

Exactly one of the bot or a person answers at a time. While a resident has an open live chat
(waiting in the queue, or with a caseworker) the channels keep their messages from Rasa and
store them here (``chats.resident_says``); caseworkers' words are stored before anyone is told
they were sent, and reach the resident through the widget's poll or the Telegram bridge's.
Danger words still get 999 at once, from the channel, and an alert for the caseworker.

- ``config``: the staff-edited ``data/live_chat.yml`` (waits, presence, what residents are told)
- ``presence``: which caseworkers are available, expiring when their page goes quiet
- ``chats``: the queue, taking a chat (atomic), replies, handing back, ending, leaving
- ``callbacks``: call-back requests when nobody can chat
"""
