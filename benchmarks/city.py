"""A large synthetic city written straight to the database, for the benchmarks.

    build_city(groups=10_000, years=3)

Groups with ten members each (the three officers among them), monthly reports for
`years` years before the as-of date in a mixture of healthy, stagnant and failing
patterns, some partnerships, assets and loans. Written with bulk_create (no history
rows): this is for timing reads and assessments, not for testing the write paths.
"""

import datetime as dt
import random

from django.contrib.auth.models import Group, User
from django.db import transaction

from finances.models import Asset, Loan, MonthlyReport, ReportStatus
from finances.periods import add_months, month_range
from groups.models import BusinessField, Kelurahan, Kube, Membership, Person, Role, Sex
from kube_registry.roles import ROLE_FACILITATOR
from partnerships.models import Partner, PartnerKind, Partnership, partner_name_key

AS_OF = dt.date(2026, 10, 31)
MEMBERS = 10
BATCH = 5_000
ROLES = [Role.KETUA, Role.SEKRETARIS, Role.BENDAHARA] + [Role.ANGGOTA] * (MEMBERS - 3)


def _nik(index: int, sex: str, birth_on: dt.date) -> str:
    day = birth_on.day + (40 if sex == Sex.FEMALE else 0)
    return f"647401{day:02d}{birth_on.month:02d}{birth_on.year % 100:02d}{index // 10_000 + 1:04d}"


def _report(rng: random.Random, kube: Kube, period: dt.date, pattern: str, month_number: int) -> MonthlyReport:
    base = {"healthy": 2_000_000, "stagnant": 900_000, "failing": 600_000}[pattern]
    trend = {"healthy": 1.01, "stagnant": 1.0, "failing": 0.97}[pattern] ** month_number
    income = int(base * trend * rng.uniform(0.8, 1.2))
    expenses = int(income * rng.uniform(0.5, 0.9 if pattern != "failing" else 1.1))
    profit = max(income - expenses, 0)
    kept = int(profit * 0.3) if pattern == "healthy" else (0 if pattern == "failing" else int(profit * 0.1))
    return MonthlyReport(
        kube=kube,
        period=period,
        income=income,
        expenses=expenses,
        kept_in_cash=kept,
        shared_to_members=profit - kept,
        iks_collected=50_000 if pattern != "failing" or rng.random() < 0.3 else 0,
        cash_in_hand=kept * month_number,
        cash_in_bank=0,
        meetings_held=1 if pattern != "failing" or rng.random() < 0.5 else 0,
        attendance_percent=rng.randint(50, 95),
        status=ReportStatus.VERIFIED,
        is_imported=True,
    )


@transaction.atomic
def build_city(groups: int = 10_000, years: int = 3, seed: int = 10) -> dict[str, int]:
    rng = random.Random(seed)
    facilitators = User.objects.bulk_create([User(username=f"bench_pendamping{n}") for n in range(1, 41)])
    Group.objects.get(name=ROLE_FACILITATOR).user_set.add(*facilitators)
    kelurahans = list(Kelurahan.objects.select_related("kecamatan"))
    first_month = add_months(AS_OF.replace(day=1), -12 * years + 1)
    kubes = Kube.objects.bulk_create(
        [
            Kube(
                no_registrasi=f"6474-{2000 + n // 1000:04d}-{n % 1000 + 1:03d}",
                name=f"KUBE Bench {n}",
                kelurahan=rng.choice(kelurahans),
                founded_on=add_months(first_month, -rng.randint(0, 36)),
                business_field=rng.choice(BusinessField.values),
                facilitator=facilitators[n % len(facilitators)],
            )
            for n in range(groups)
        ],
        batch_size=BATCH,
    )
    people = Person.objects.bulk_create(
        [
            Person(
                nik=_nik(i, Sex.FEMALE, dt.date(1970, 1, 1) + dt.timedelta(days=i % 10_000)),
                name=f"Anggota {i}",
                sex=Sex.FEMALE,
                birth_on=dt.date(1970, 1, 1) + dt.timedelta(days=i % 10_000),
            )
            for i in range(groups * MEMBERS)
        ],
        batch_size=BATCH,
    )
    memberships = Membership.objects.bulk_create(
        [
            Membership(person=people[k * MEMBERS + m], kube=kube, role=ROLES[m], joined_on=kube.founded_on)
            for k, kube in enumerate(kubes)
            for m in range(MEMBERS)
        ],
        batch_size=BATCH,
    )
    months = month_range(first_month, AS_OF)
    reports = 0
    batch: list[MonthlyReport] = []
    for kube in kubes:
        pattern = rng.choices(["healthy", "stagnant", "failing"], weights=[3, 5, 2])[0]
        for number, period in enumerate(months):
            if period < kube.founded_on.replace(day=1) or rng.random() < (0.05 if pattern != "failing" else 0.4):
                continue
            batch.append(_report(rng, kube, period, pattern, number))
        if len(batch) >= BATCH:
            reports += len(MonthlyReport.objects.bulk_create(batch))
            batch = []
    reports += len(MonthlyReport.objects.bulk_create(batch))
    # Partners are a city's (issue 19): each city of the groups gets its own list.
    partners: dict[int, list[Partner]] = {}
    for city_id in sorted({kelurahan.kecamatan.city_id for kelurahan in kelurahans}):
        partners[city_id] = Partner.objects.bulk_create(
            [
                Partner(
                    city_id=city_id, name=f"Mitra Bench {n}", name_key=partner_name_key(f"Mitra Bench {n}"), kind=kind
                )
                for n, kind in enumerate(PartnerKind.values * 10)
            ]
        )
    partnerships = []
    for kube in kubes:
        for partner in rng.sample(partners[kube.kelurahan.kecamatan.city_id], rng.choice([0, 0, 1, 1, 2, 3, 5])):
            partnerships.append(
                Partnership(
                    kube=kube,
                    partner=partner,
                    has_koordinasi=True,
                    has_pemasaran=rng.random() < 0.3,
                    has_permodalan=rng.random() < 0.2,
                    started_on=kube.founded_on,
                )
            )
    Partnership.objects.bulk_create(partnerships, batch_size=BATCH)
    Asset.objects.bulk_create(
        [
            Asset(kube=kube, name="Peralatan usaha", value=rng.randint(1, 30) * 500_000, acquired_on=kube.founded_on)
            for kube in kubes
        ],
        batch_size=BATCH,
    )
    loans = []
    for membership in memberships[:: MEMBERS * 2]:
        lent_on = add_months(AS_OF, -rng.randint(1, 10))
        loans.append(
            Loan(
                membership=membership,
                kube_id=membership.kube_id,
                amount=500_000,
                lent_on=lent_on,
                due_on=add_months(lent_on, 3),
                repaid_on=add_months(lent_on, 2) if rng.random() < 0.7 else None,
            )
        )
    Loan.objects.bulk_create(loans, batch_size=BATCH)
    return {
        "groups": len(kubes),
        "members": len(memberships),
        "reports": reports,
        "partnerships": len(partnerships),
        "loans": len(loans),
    }
