"""Panels other apps add to the group profile, without `groups` importing them.

An app registers its panel in `AppConfig.ready()`; the profile view renders every
registered panel in order. This keeps the dependencies pointing one way.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProfileSection:
    key: str
    order: int
    template: str
    # (request, kube) -> the template's context; keep it to a fixed number of queries.
    context: Callable[[Any, Any], dict]


_sections: dict[str, ProfileSection] = {}


def register_profile_section(section: ProfileSection) -> None:
    _sections[section.key] = section


def profile_sections() -> list[ProfileSection]:
    return sorted(_sections.values(), key=lambda s: s.order)


# Each role's home page at `/` (contract 5). groups serves the group list; a later app
# registers a richer home for a role (the facilitator's report overview, the city
# dashboard) in its AppConfig.ready(), the highest priority winning.
_homes: dict[str, tuple[int, Callable]] = {}


def register_home(role: str, view: Callable, *, priority: int = 0) -> None:
    current = _homes.get(role)
    if current is None or priority >= current[0]:
        _homes[role] = (priority, view)


def home_view_for(role: str | None) -> Callable | None:
    entry = _homes.get(role) if role else None
    return entry[1] if entry else None
