"""Assessment benchmark: `assess --all` on 10,000 groups with 3 years of monthly reports.

    python -m benchmarks assess [--groups N] [--years Y]

Builds the city (benchmarks.city) in a fresh SQLite database and, when DATABASE_URL
names a PostgreSQL server, in a fresh PostgreSQL database, each in a child process
of its own; then times `assessment_run_all` over every group, counts its queries, and
counts them again for a tenth of the groups (the two counts must be equal).
Target: under 60 seconds, the number of reading queries independent of the number of groups (results
are written with bulk inserts in batches of a fixed size).
"""

import argparse
import os
import sys
import time

from benchmarks.import_bench import _peak_mb, _postgres_database, _spawn

TARGET_SECONDS = 60


def child(groups: int, years: int, backend: str) -> dict:
    import tempfile

    drop = None
    with tempfile.TemporaryDirectory() as tmp:
        if backend == "postgresql":
            url, drop = _postgres_database(os.environ["DATABASE_URL"])
        else:
            url = f"sqlite:///{tmp}/bench.sqlite3"
        try:
            return _measure(url, groups, years)
        finally:
            from django.db import connections

            connections.close_all()
            if drop is not None:
                drop()


def _measure(url: str, groups: int, years: int) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kube_registry.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessments.models import Assessment
    from assessments.selectors import assessable_kubes
    from assessments.services import assessment_run_all
    from benchmarks.city import AS_OF, build_city

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    built = build_city(groups, years)
    build_seconds = time.perf_counter() - started

    tenth = assessable_kubes().filter(pk__in=assessable_kubes().order_by("pk").values("pk")[: max(groups // 10, 1)])
    with CaptureQueriesContext(connection) as few:
        assessment_run_all(kubes=tenth, as_of=AS_OF)
    Assessment.objects.all().delete()

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as every:
        counts = assessment_run_all(kubes=assessable_kubes(), as_of=AS_OF)
    seconds = time.perf_counter() - started
    # Again for the same date: the results are replaced, not added.
    started = time.perf_counter()
    assessment_run_all(kubes=assessable_kubes(), as_of=AS_OF)
    rerun_seconds = time.perf_counter() - started
    return {
        "built": built,
        "build_seconds": build_seconds,
        "seconds": seconds,
        "rerun_seconds": rerun_seconds,
        # Reads must not grow with the groups; writes go in batches of a fixed size.
        "queries_all": _reads(every),
        "queries_tenth": _reads(few),
        "writes_all": len(every) - _reads(every),
        "counts": dict(counts),
        "stored": Assessment.objects.count(),
        "peak_mb": _peak_mb(),
    }


def _reads(queries) -> int:
    return sum(1 for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("INSERT"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks assess", description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        import json

        print(json.dumps(child(args.groups, args.years, args.child)))
        return 0
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL", "").startswith("postgres") else [])
    failed = False
    for backend in backends:
        figures = _spawn("assess", "--groups", str(args.groups), "--years", str(args.years), "--child", backend)
        met = figures["seconds"] < TARGET_SECONDS and figures["queries_all"] == figures["queries_tenth"]
        failed |= not met
        built = figures["built"]
        print(
            f"[{backend}] assess --all: {figures['stored']:,} groups ({built['reports']:,} reports, "
            f"{built['members']:,} members) in {figures['seconds']:.1f} s; {figures['queries_all']} reading queries "
            f"({figures['queries_tenth']} for a tenth of the groups) and {figures['writes_all']} batched inserts; "
            f"re-run of the same date {figures['rerun_seconds']:.1f} s; peak memory {figures['peak_mb']:.0f} MB; "
            f"{figures['counts']} - {'target met' if met else 'TARGET MISSED'} "
            f"(city built in {figures['build_seconds']:.0f} s)",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
