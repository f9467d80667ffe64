"""The needs are declared once (signposting.yml); Rasa's files list them in blocks made from it."""

from __future__ import annotations

import shutil

import pytest
import yaml

from community_safety import needs
from community_safety.services import load_directory
from community_safety.signposting import SIGNPOSTING_FILE, default_signposting, load_signposting
from tests.conftest import PROJECT

SIGNPOSTING = default_signposting()


def test_the_committed_domain_and_rules_are_made_from_the_needs_file():
    stale = needs.sync(write=False)
    assert stale == [], "run `make needs`"


def menu(domain: dict, name: str, language: str) -> list[str]:
    """A response's menu payloads in one language (the language choice's own button left out)."""
    [variant] = [v for v in domain["responses"][name] if (v.get("condition") or [{}])[0].get("value") == language] or [
        v for v in domain["responses"][name] if "condition" not in v and language == "en"
    ]
    return [b["payload"].lstrip("/") for b in variant["buttons"] if not b["payload"].startswith("/choose_language")]


@pytest.mark.parametrize("language", ["en", "bn"])
def test_the_domain_lists_every_need_and_the_menus_offer_each_once(language):
    domain = yaml.safe_load((PROJECT / "domain.yml").read_text())
    assert set(SIGNPOSTING.needs) <= set(domain["intents"])
    menus = {name: menu(domain, name, language) for name in ("utter_greet", "utter_help", "utter_help_more")}
    assert menus["utter_greet"] == menus["utter_help"] == [*SIGNPOSTING.menus["main"], "help_more"]
    assert menus["utter_help_more"] == [*SIGNPOSTING.menus["more"], "report_status"]


def test_every_need_but_danger_to_life_starts_signposting():
    rules = yaml.safe_load((PROJECT / "dialogue" / "rules.yml").read_text())["rules"]
    start = next(r for r in rules if r["rule"] == "Start signposting a need")
    assert [step["intent"] for step in start["steps"][0]["or"]] == [n for n in SIGNPOSTING.needs if n != "emergency"]


def test_which_needs_take_a_report_in_the_chat():
    assert {"report_asb", "hate_crime"} <= SIGNPOSTING.needs_with_report("incident")
    assert "community_trigger" in SIGNPOSTING.needs_with_report("offered")
    for name, need in SIGNPOSTING.needs.items():
        if need.reportable:
            assert need.report_entry.category in SIGNPOSTING.categories, name
    # Danger to life, and needs answered by other services alone, take no report.
    assert not SIGNPOSTING.needs["emergency"].reportable and not SIGNPOSTING.needs["homelessness"].reportable


CATEGORY = {"title": "Noise nuisance", "open311_service_code": "noise", "counts_toward_case_review": True}


@pytest.fixture
def project_copy(tmp_path):
    for name in ("domain.yml", "dialogue/rules.yml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT / name, tmp_path / name)
    return tmp_path


def test_a_new_need_appears_in_every_block_after_make_needs(project_copy):
    document = yaml.safe_load(SIGNPOSTING_FILE.read_text())
    document["needs"]["noise_nuisance"] = {
        **document["needs"]["report_asb"],
        "title": "Noise",
        "button": "Noise at home",
        "report": {"when": "incident", "category": {**CATEGORY, "name": "noise", "reference_prefix": "NOI"}},
        "bengali": "awaiting translation",
    }
    document["menus"]["more"].append("noise_nuisance")
    path = project_copy / "signposting.yml"
    path.write_text(yaml.safe_dump(document))
    signposting = load_signposting(load_directory(), path)
    files = (project_copy / "domain.yml", project_copy / "dialogue" / "rules.yml")

    stale = needs.sync(write=True, signposting=signposting, files=files)

    assert [(s.path.name, s.kinds) for s in stale] == [
        ("domain.yml", ("intents", "more menu", "bengali utter_help_more")),
        ("rules.yml", ("signposting rule",)),
    ]
    domain = yaml.safe_load(files[0].read_text())
    assert "noise_nuisance" in domain["intents"]
    english, bengali = ("Noise at home", "en"), ("Noise at home", "bn")  # (untranslated: English in both)
    for title, language in (english, bengali):
        [variant] = [
            v
            for v in domain["responses"]["utter_help_more"]
            if ((v.get("condition") or [{}])[0].get("value") or "en") == language
        ]
        assert {"title": title, "payload": "/noise_nuisance"} in variant["buttons"]
    assert "# end of needs (more menu)" in files[0].read_text(), "the markers stay for the next time"
    assert {"intent": "noise_nuisance"} in yaml.safe_load(files[1].read_text())["rules"][2]["steps"][0]["or"]
    assert needs.sync(write=False, signposting=signposting, files=files) == []


def test_a_file_without_its_blocks_is_named(project_copy):
    domain = project_copy / "domain.yml"
    domain.write_text(domain.read_text().replace("# needs (", "# (").replace("# end of needs (", "# end of ("))
    with pytest.raises(needs.NeedsBlockError, match="domain.yml: has no needs block"):
        needs.sync(write=False, files=(domain,))


def test_an_unknown_block_is_named(project_copy):
    domain = project_copy / "domain.yml"
    domain.write_text(domain.read_text().replace("needs (more menu)", "needs (secret menu)"))
    with pytest.raises(needs.NeedsBlockError, match="secret menu"):
        needs.sync(write=False, files=(domain,))


def test_check_says_what_to_run(project_copy, capsys, monkeypatch):
    domain = project_copy / "domain.yml"
    domain.write_text(domain.read_text().replace("  - get_involved\n", "", 1))
    monkeypatch.setattr(needs, "DOMAIN_FILE", domain)
    monkeypatch.setattr(needs, "RULES_FILE", project_copy / "dialogue" / "rules.yml")
    monkeypatch.setattr(needs, "PROJECT", project_copy)
    assert needs.main(["--check"]) == 1
    assert "make needs" in capsys.readouterr().out
