"""What the profiles' processes are started with: nothing secret on a command line, no open API."""

from __future__ import annotations

import re

import pytest

from deploy.profile import Profile, local_commands

SECRETISH = re.compile(r"\$\{?\w*(SECRET|TOKEN|PASSWORD|KEY)", re.IGNORECASE)


@pytest.mark.parametrize(
    "commands",
    [local_commands(telegram=True), Profile().commands(telegram=True)],
    ids=["make run", "production"],
)
def test_commands_carry_no_secret_and_rasa_serves_no_api(commands):
    for name, command in commands.items():
        assert not SECRETISH.search(command), name
        for flag in ("--enable-api", "--auth-token", "--jwt-secret", "--cors"):
            assert flag not in command, (name, flag)
