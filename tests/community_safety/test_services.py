"""The services directory loader: good entries load; each kind of mistake is named."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml

from community_safety.services import DIRECTORY_FILE, LONDON, DirectoryError, load_directory

VALID = yaml.safe_load(DIRECTORY_FILE.read_text())


def load_with(tmp_path, change):
    document = copy.deepcopy(VALID)
    change(document["services"])
    path = tmp_path / "services.yml"
    path.write_text(yaml.safe_dump(document))
    return load_directory(path, today=dt.date(2026, 11, 26))


def test_the_real_directory_loads():
    directory = load_directory()
    assert directory["emergency"].phone == "999"
    assert {"999", "101", "08082000247"} <= directory.phone_numbers()


@pytest.mark.parametrize(
    "change,entry,field",
    [
        (lambda s: s["streetlink"].pop("name"), "streetlink", "name"),
        (lambda s: s["streetlink"]["contacts"].update(phone="call them"), "streetlink", "contacts.phone"),
        (lambda s: s["streetlink"]["contacts"].update(phone=3005000914), "streetlink", "contacts.phone"),
        (lambda s: s["streetlink"]["contacts"].update(fax="0300"), "streetlink", "contacts.fax"),
        (lambda s: s["streetlink"].update(audience="teenagers"), "streetlink", "audience"),
        (lambda s: s["streetlink"].update(checked="last week"), "streetlink", "checked"),
        (lambda s: s["streetlink"].update(checked=dt.date(2030, 1, 1)), "streetlink", "checked"),
        (lambda s: s["streetlink"].update(hours="sometimes"), "streetlink", "hours"),
        (
            lambda s: s["reset_treatment"].update(hours=[{"days": "weekdays", "open": "09:00", "close": "17:00"}]),
            "reset_treatment",
            "hours",
        ),
        (
            lambda s: s["reset_treatment"].update(hours=[{"days": "mon-fri", "open": "17:00", "close": "09:00"}]),
            "reset_treatment",
            "hours",
        ),
        (
            lambda s: s["reset_treatment"].update(hours=[{"days": "mon-fri", "open": "9am", "close": "17:00"}]),
            "reset_treatment",
            "hours",
        ),
        (lambda s: s["reset_treatment"].update(out_of_hours="nobody"), "reset_treatment", "out_of_hours"),
        (lambda s: s["reset_treatment"].update(out_of_hours="housing_options"), "reset_treatment", "out_of_hours"),
        (lambda s: s["streetlink"].update(colour="blue"), "streetlink", "colour"),
        (lambda s: s["streetlink"].update(confidence="high"), "streetlink", "confidence"),
        (lambda s: s.update(streetlink="StreetLink"), "streetlink", None),
    ],
)
def test_mistakes_name_the_entry_and_field(tmp_path, change, entry, field):
    with pytest.raises(DirectoryError) as error:
        load_with(tmp_path, change)
    assert f"'{entry}'" in str(error.value)
    if field:
        assert f"'{field}'" in str(error.value)


def test_missing_or_broken_file(tmp_path):
    with pytest.raises(DirectoryError, match="cannot read"):
        load_directory(tmp_path / "absent.yml")
    broken = tmp_path / "broken.yml"
    broken.write_text("services: [unclosed")
    with pytest.raises(DirectoryError, match="not valid YAML"):
        load_directory(broken)
    empty = tmp_path / "empty.yml"
    empty.write_text("")
    with pytest.raises(DirectoryError, match="services:"):
        load_directory(empty)


def test_opening_hours_in_london_time():
    children = load_directory()["children_social_care"]
    assert children.is_open(dt.datetime(2026, 11, 26, 10, 0, tzinfo=LONDON))  # Thursday morning
    assert not children.is_open(dt.datetime(2026, 11, 26, 17, 0, tzinfo=LONDON))  # closes at 5pm
    assert not children.is_open(dt.datetime(2026, 11, 28, 10, 0, tzinfo=LONDON))  # Saturday
    # 08:30 UTC in summer is 09:30 in London: open.
    assert children.is_open(dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.timezone.utc))
    assert children.hours_text() == "Monday to Friday, 9am to 5pm"


def test_closed_service_puts_its_out_of_hours_alternative_first():
    directory = load_directory()
    night = dt.datetime(2026, 11, 26, 23, 0, tzinfo=LONDON)
    day = dt.datetime(2026, 11, 26, 11, 0, tzinfo=LONDON)
    assert [s.id for s in directory.available("children_social_care", night)] == [
        "children_social_care_out_of_hours",
        "children_social_care",
    ]
    assert [s.id for s in directory.available("children_social_care", day)] == ["children_social_care"]


def test_every_entry_has_a_source_and_a_checked_date():
    for service in load_directory().services.values():
        assert service.source and service.checked <= dt.date.today()


def test_a_malformed_directory_stops_the_action_server_at_start_up(tmp_path):
    """The staff-edited file is checked when the action server starts, not mid-conversation."""
    import os
    import subprocess

    from tests.conftest import PROJECT
    from tests.stack import free_port

    document = copy.deepcopy(VALID)
    document["services"]["streetlink"]["contacts"]["phone"] = "ring them"
    broken = tmp_path / "services.yml"
    broken.write_text(yaml.safe_dump(document))
    result = subprocess.run(
        [str(PROJECT / ".venv" / "bin" / "rasa"), "run", "actions", "--port", str(free_port()), "--actions", "actions"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SERVICES_FILE": str(broken), "SANIC_HOST": "127.0.0.1"},
    )
    assert result.returncode != 0
    assert "services entry 'streetlink', field 'contacts.phone'" in result.stdout + result.stderr


def test_opening_hours_in_bengali_by_the_part_of_the_day():
    import datetime as dt

    from community_safety.services import OpeningTimes

    times = OpeningTimes((0, 1, 2, 3, 4), dt.time(9), dt.time(17, 30))
    assert times.describe() == "Monday to Friday, 9am to 5.30pm"
    assert times.describe("bn") == "সোমবার থেকে শুক্রবার, সকাল 9টা থেকে বিকেল 5:30টা"
    late = OpeningTimes((5,), dt.time(12), dt.time(22))
    assert late.describe("bn") == "শনিবার, দুপুর 12টা থেকে রাত 10টা"
