"""The services a caseworker can send with one press: the need's services from signposting.yml,
each described as the bot describes it (name, how to reach it, hours), in the resident's language."""

from __future__ import annotations

from dataclasses import dataclass

from community_safety.services import default_directory
from community_safety.signposting import default_signposting, describe_service, opening_hours_moment

# Always there to send, whatever the need.
ALWAYS = ("emergency", "police_non_emergency")


@dataclass(frozen=True)
class ServiceCard:
    service_id: str
    name: str  # in English, for the caseworker
    text: str  # what the resident is sent, in their language


def services_for(need: str | None) -> list[str]:
    signposting = default_signposting()
    found: list[str] = []
    seen_needs: set[str] = set()

    def walk(name: str) -> None:
        if name in seen_needs or name not in signposting.needs:
            return
        seen_needs.add(name)
        for route in signposting.needs[name].routes:
            found.extend(s for s in route.services if s not in found)
            if route.use_need:
                walk(route.use_need)

    if need:
        walk(need)
    return found + [s for s in ALWAYS if s not in found]


def cards_for(need: str | None, language: str | None) -> list[ServiceCard]:
    directory, moment = default_directory(), opening_hours_moment()
    return [
        ServiceCard(
            service_id,
            directory[service_id].name,
            describe_service(directory[service_id], directory, moment, language).removeprefix("- "),
        )
        for service_id in services_for(need)
        if service_id in directory
    ]


def card(service_id: str, language: str | None) -> ServiceCard | None:
    directory = default_directory()
    if service_id not in directory:
        return None
    service = directory[service_id]
    return ServiceCard(
        service_id,
        service.name,
        describe_service(service, directory, opening_hours_moment(), language).removeprefix("- "),
    )
