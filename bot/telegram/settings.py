"""The bridge's settings, all from the environment (secrets never live in files here)."""

from __future__ import annotations

import os
from dataclasses import dataclass

TELEGRAM_API = "https://api.telegram.org/bot"


class SettingsError(ValueError):
    """A required setting is missing or two settings contradict each other."""


@dataclass(frozen=True)
class Settings:
    token: str
    base_url: str = TELEGRAM_API
    rasa_url: str = "http://127.0.0.1:5005"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443

    @property
    def uses_webhook(self) -> bool:
        return bool(self.webhook_url)

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise SettingsError("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and export it.")
        webhook_url = env.get("TELEGRAM_WEBHOOK_URL", "").strip() or None
        secret = env.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or None
        if webhook_url and not secret:
            raise SettingsError(
                "TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not: the webhook "
                "must check Telegram's secret token (1-256 characters: A-Z, a-z, 0-9, _ and -)."
            )
        try:
            port = int(env.get("TELEGRAM_WEBHOOK_PORT", "8443"))
        except ValueError as error:
            raise SettingsError("TELEGRAM_WEBHOOK_PORT must be a port number") from error
        return cls(
            token=token,
            base_url=env.get("TELEGRAM_BASE_URL", "").strip() or TELEGRAM_API,
            rasa_url=env.get("RASA_URL", "").strip() or "http://127.0.0.1:5005",
            webhook_url=webhook_url,
            webhook_secret=secret,
            webhook_listen=env.get("TELEGRAM_WEBHOOK_LISTEN", "").strip() or "127.0.0.1",
            webhook_port=port,
        )
