"""Builders other apps add to `seed_demo`, without `groups` importing them.

`groups.demo` creates regions, users, groups and members, then calls every registered
builder in order with a `DemoContext`; each returns counts for the summary line.
Register in `AppConfig.ready()`.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DemoContext:
    seed: int
    years: int
    today: dt.date  # the last date demo data may carry
    admin: Any
    officer: Any
    facilitators: list
    mekar_sari: Any  # the Kube

    def stream(self, kind: str) -> random.Random:
        """An independent, deterministic random stream per kind of data."""
        return random.Random(f"{self.seed}:{kind}")


@dataclass(frozen=True)
class DemoBuilder:
    key: str
    order: int
    build: Callable[[DemoContext], dict[str, int]]


_builders: dict[str, DemoBuilder] = {}


def register_demo_builder(builder: DemoBuilder) -> None:
    _builders[builder.key] = builder


def demo_builders() -> list[DemoBuilder]:
    return sorted(_builders.values(), key=lambda b: b.order)
