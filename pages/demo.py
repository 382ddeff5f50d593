"""The demo city of `seed_demo` (CONTRACTS.md, 2): groups' city first, then each app's builder, in order.

`groups.demo.seed_city` builds the regions, users, KUBE Mekar Sari and the synthetic
groups with their members, and returns the `DemoContext` every builder below starts
from. Each builder returns counts (label -> number) for the command's summary line.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from assessments.demo import build_assessments
from finances.demo import build_finances
from formation.demo import build_formation
from groups.demo import DEFAULT_GROUPS, DEFAULT_PASSWORD, DEFAULT_SEED, DEFAULT_YEARS, DemoContext, seed_city
from monitoring.demo import build_monitoring
from partnerships.demo import build_partnerships

BUILDERS: list[Callable[[DemoContext], dict[str, int]]] = [
    build_finances,  # monthly reports, grants, assets, products, loans
    build_partnerships,  # the partner network
    build_assessments,  # each year's end, read from the reports and the network above
    build_formation,  # stages, waiting families, proposals
    build_monitoring,  # visits, dynamics, follow-ups, trainings
]


@dataclass(frozen=True)
class SeedSummary:
    kubes: int
    persons: int
    memberships: int
    users: int
    extra: dict[str, int] = field(default_factory=dict)  # label -> count, from the builders


@transaction.atomic
def seed_demo(
    *,
    groups: int = DEFAULT_GROUPS,
    years: int = DEFAULT_YEARS,
    seed: int = DEFAULT_SEED,
    password: str = DEFAULT_PASSWORD,
) -> SeedSummary:
    """Build the demo city into a database without groups (else `groups.demo.DemoError`)."""
    city, context = seed_city(groups=groups, years=years, seed=seed, password=password)
    extra: dict[str, int] = {}
    for build in BUILDERS:
        extra |= build(context)
    return SeedSummary(
        kubes=city.kubes, persons=city.persons, memberships=city.memberships, users=city.users, extra=extra
    )
