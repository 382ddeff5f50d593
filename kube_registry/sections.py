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
