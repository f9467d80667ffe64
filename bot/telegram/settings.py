"""What the bridge needs from the settings (community_safety/settings.py), checked for the bridge:
it can't start without a token."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from community_safety.settings import TELEGRAM_API, TELEGRAM_FILES, SettingsError, secret, settings

__all__ = ["Settings", "SettingsError", "TELEGRAM_API"]


@dataclass(frozen=True)
class Settings:
    token: str
    base_url: str = TELEGRAM_API
    base_file_url: str = TELEGRAM_FILES
    rasa_url: str = "http://127.0.0.1:5005"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    data_dir: Path = Path("data")

    @property
    def uses_webhook(self) -> bool:
        return bool(self.webhook_url)

    @classmethod
    def from_environment(cls) -> Settings:
        configured = settings()
        token = secret(configured.telegram_bot_token)
        if not token:
            raise SettingsError("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and export it.")
        return cls(
            token=token,
            base_url=configured.telegram_base_url,
            base_file_url=configured.telegram_base_file_url,
            rasa_url=configured.rasa_url,
            webhook_url=configured.telegram_webhook_url,
            webhook_secret=secret(configured.telegram_webhook_secret),
            webhook_listen=configured.telegram_webhook_listen,
            webhook_port=configured.telegram_webhook_port,
            data_dir=configured.data_dir,
        )
