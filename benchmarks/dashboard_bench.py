"""Dashboard benchmark: the city dashboard's server response on the demo city and on
10,000 groups with 3 years of monthly reports.

    python -m benchmarks dashboard [--groups N] [--years Y] [--runs R] [--skip-demo] [--skip-large]

Each measurement runs in a child process of its own with a fresh database:

- the demo city (`seed_demo`: 280 groups, 3 years, assessed at each year's end and
  today by the demo builder) on SQLite; target under 300 ms;
- a large city (benchmarks.city: 10,000 groups, 3 years of reports, bulk inserts) with
  assessments at each 31 December and at the as-of date (written directly with bulk
  inserts: the rubric's own speed is `python -m benchmarks assess`), on PostgreSQL
  when DATABASE_URL names one or a server answers on 127.0.0.1:5432, else on SQLite;
  target under 2 s.

A response is an officer's GET of the dashboard through Django's whole stack (the
test client: middleware, view, template), timed after one warm-up request; the
figures are the median and the slowest of `--runs` requests, with the number of
queries (which must not grow with the groups). The exports of the largest lists are
timed once each.
"""

import argparse
import datetime as dt
import json
import os
import random
import socket
import statistics
import sys
import tempfile
import time

from benchmarks.import_bench import _peak_mb, _postgres_database, _spawn

TARGETS_MS = {"demo": 300, "large": 2_000}
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return DEFAULT_POSTGRES
    except OSError:
        return None


# --- Child: build one city and time the dashboard -------------------------------------------


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kube_registry.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _officer():
    from django.contrib.auth.models import Group, User

    from kube_registry.roles import ROLE_OFFICER

    user, _created = User.objects.get_or_create(username="bench_petugas")
    user.groups.add(Group.objects.get(name=ROLE_OFFICER))
    return user


def _build_demo() -> dict:
    from django.core.management import call_command

    from assessments.models import Assessment
    from groups.models import Kube

    call_command("seed_demo", password="bench-only", verbosity=0)
    return {"groups": Kube.objects.count(), "assessments": Assessment.objects.count()}


def _build_large(groups: int, years: int) -> dict:
    """benchmarks.city, then assessments at each 31 December and the as-of date, in bulk."""
    from django.utils import timezone

    from assessments.models import Assessment
    from benchmarks.city import AS_OF, build_city
    from groups.models import Kube

    built = build_city(groups, years)
    rng = random.Random(11)
    dates = [dt.date(AS_OF.year - n, 12, 31) for n in range(years, 0, -1)] + [AS_OF]
    now = timezone.now()
    rows = []
    for kube_id, founded_on in Kube.objects.values_list("pk", "founded_on"):
        level = rng.choice([0, 0, 0, 1, 1, 2])
        for day in dates:
            if founded_on > day:
                continue
            level = max(0, min(2, level + rng.choice([-1, 0, 0, 0, 1])))
            category = ("tumbuh", "berkembang", "mandiri")[level]
            risky = rng.random() < 0.15
            rows.append(
                Assessment(
                    kube_id=kube_id,
                    as_of=day,
                    computed_category=category,
                    final_category=category,
                    score=round(rng.uniform(10, 45) + 27.5 * level, 1),
                    flags=[{"key": "berisiko", "reasons": ["IKS terkumpul hanya di 3 dari 12 bulan"]}] if risky else [],
                    missing=["laporan bulanan baru 7 dari 12 bulan (perlu 10)"] if level < 2 else [],
                    rubric_version="v1",
                    is_at_risk=risky,
                    assessed_at=now,
                )
            )
    Assessment.objects.bulk_create(rows, batch_size=5_000)
    built["assessments"] = len(rows)
    return built


def _time_dashboard(runs: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(_officer())
    first_started = time.perf_counter()
    response = client.get("/", HTTP_HOST="127.0.0.1")
    first_ms = (time.perf_counter() - first_started) * 1000
    assert response.status_code == 200, response.status_code
    assert b"tabel-kategori" in response.content
    timings = []
    for _run in range(runs):
        started = time.perf_counter()
        client.get("/", HTTP_HOST="127.0.0.1")
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get("/", HTTP_HOST="127.0.0.1")
    query_count = len(queries)  # now: the next request resets the connection's log
    exports = {}
    for key in ("berisiko", "kelompok_pindah"):
        started = time.perf_counter()
        exported = client.get(f"/dasbor/ekspor/{key}.xlsx", HTTP_HOST="127.0.0.1")
        exports[key] = {"ms": (time.perf_counter() - started) * 1000, "bytes": len(exported.content)}
    return {
        "first_ms": first_ms,
        "median_ms": statistics.median(timings),
        "max_ms": max(timings),
        "queries": query_count,
        "bytes": len(response.content),
        "exports": exports,
    }


def child(kind: str, backend: str, groups: int, years: int, runs: int) -> dict:
    drop = None
    with tempfile.TemporaryDirectory() as tmp:
        if backend == "postgresql":
            url, drop = _postgres_database(_postgres_url())
        else:
            url = f"sqlite:///{tmp}/bench.sqlite3"
        try:
            _setup(url)
            started = time.perf_counter()
            built = _build_demo() if kind == "demo" else _build_large(groups, years)
            build_seconds = time.perf_counter() - started
            figures = _time_dashboard(runs)
            figures.update(built=built, build_seconds=build_seconds, peak_mb=_peak_mb())
            return figures
        finally:
            from django.db import connections

            connections.close_all()
            if drop is not None:
                drop()


# --- Parent ------------------------------------------------------------------------------------------


def _report(label: str, kind: str, figures: dict) -> bool:
    target = TARGETS_MS[kind]
    met = figures["median_ms"] < target
    exports = ", ".join(f"{key} {value['ms']:.0f} ms" for key, value in figures["exports"].items())
    built = figures["built"]
    print(
        f"[{label}] dashboard: median {figures['median_ms']:.0f} ms, slowest {figures['max_ms']:.0f} ms "
        f"(first request {figures['first_ms']:.0f} ms), {figures['queries']} queries, "
        f"{figures['bytes'] / 1024:.0f} kB - target {target} ms {'met' if met else 'MISSED'}; "
        f"exports (.xlsx): {exports}; city: {built} built in {figures['build_seconds']:.0f} s",
        flush=True,
    )
    return met


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks dashboard", description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=10_000, help="groups of the large city")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="sqlite", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.backend, args.groups, args.years, args.runs)))
        return 0
    common = ["--groups", str(args.groups), "--years", str(args.years), "--runs", str(args.runs)]
    failed = False
    if not args.skip_demo:
        figures = _spawn("dashboard", "--child", "demo", "--backend", "sqlite", *common)
        failed |= not _report("sqlite, demo city", "demo", figures)
    if not args.skip_large:
        backend = "postgresql" if _postgres_url() else "sqlite"
        figures = _spawn("dashboard", "--child", "large", "--backend", backend, *common)
        failed |= not _report(f"{backend}, {args.groups:,} groups", "large", figures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
