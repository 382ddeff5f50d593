"""A fresh demo city in the load database, and the plan the simulated users follow.

Run by loadtest/__main__.py with DATABASE_URL pointing at the load database.
"""

import datetime as dt
import json
import os
from pathlib import Path

import dj_database_url
import psycopg2
from psycopg2 import sql


def recreate_database(url: str) -> None:
    config = dj_database_url.parse(url)
    server = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config.get("PASSWORD") or None,
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(config["NAME"])))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    server.close()


def build_city(open_months: int) -> dict:
    """migrate, seed_demo, assess; then open the last `open_months` months for new reports."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    call_command("assess", "--all", verbosity=0)

    from django.utils import timezone

    from finances.models import MonthlyReport
    from finances.periods import add_months, last_complete_month
    from groups.models import Kelurahan, Kube

    last = last_complete_month(timezone.localdate())
    months = [add_months(last, -back) for back in range(open_months)]
    MonthlyReport.objects.filter(period__in=months).delete()

    slots: dict[str, list[tuple[int, str]]] = {}
    kubes = Kube.objects.filter(status="aktif", facilitator__isnull=False, founded_on__lt=months[-1])
    for kube in kubes.select_related("facilitator"):
        for month in months:
            slots.setdefault(kube.facilitator.username, []).append((kube.pk, f"{month:%Y-%m}"))
    regions = [(k.kecamatan.name, k.name) for k in Kelurahan.objects.select_related("kecamatan")]
    return {
        "kube_ids": list(Kube.objects.values_list("pk", flat=True)),
        "slots": slots,
        "regions": regions,
        "prepared_at": dt.datetime.now().isoformat(timespec="seconds"),
    }


def main(plan_path: Path, open_months: int = 6) -> dict:
    recreate_database(os.environ["DATABASE_URL"])
    plan = build_city(open_months)
    plan_path.write_text(json.dumps(plan))
    return plan
