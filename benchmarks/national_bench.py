"""National size on PostgreSQL (issue 19, part 3): a country's register, built once, measured many times.

    python -m benchmarks national [--scale S] [--rebuild] [--runs R] [--only STEP ...]
                                  [--import-rows N] [--line-months M] [--show-queries]

Builds, in its own PostgreSQL database (NATIONAL_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/kube_national; another scale than 1 gets its own
database, kube_national_<per mille>), a register at `--scale` (NATIONAL_SCALE, default
1.0) times the national size:

- 30 cities in 10 provinces: the four with real regions (fixtures/wilayah/, Bontang,
  Samarinda and Balikpapan in Kalimantan Timur, Banjarmasin in Kalimantan Selatan) and
  26 synthetic ones (plausible Kemendagri codes XX.71-XX.7n, 6-10 kecamatan of 6-12
  kelurahan each: bench database only);
- 150,000 groups, 10 members each (1.5 million persons and memberships; the three
  officers, a few members who left), about 5,000 facilitators of 30 groups each;
- 5 years (60 months) of monthly reports, about 8.5 million rows: verified, the last
  months partly submitted, draft, returned or missing; failing groups skip months;
- member lines (one active member's dues and attendance in one report) for the last
  `--line-months` months only (default 12, about 17 million rows): for all 60 months it
  would be about 85 million rows (9 million reports x 9.5 active members), some 8 GB with
  its indexes and a build of its own; no dashboard, assessment or list reads them (the
  report form and report page of one group do, by report);
- assessments as the app keeps them: each group at every 31 December and at the as-of
  date (the end of the last complete month at build time), about 850,000, with evidence
  JSON the size of the rubric's; 1% of groups judged by an officer, carried forward;
- one asset per group, partnerships with each city's 10 partners, loans, and visits every three
  months over the last two years.

Rows go in with COPY (psycopg2 `copy_expert`), generated in Python while the server
ingests them, with triggers off (`session_replication_role = replica`: the foreign keys
are right by construction, and checked afterwards by anti-joins); unique indexes and
check constraints apply as usual. Then VACUUM ANALYZE. The build's figures and the as-of
date are kept in the database (table bench_national_meta): a later run reuses it unless
`--rebuild`.

Then it measures, on the machine it runs on:

- pages through Django's whole stack (the test client: middleware, view, template), one
  warm-up and `--runs` requests each, p50 and p95: the national dashboard as a national
  reader (goal p95 < 1 s), a province's, one city's as its officer (< 300 ms), the group
  list and a group's profile (< 300 ms), a facilitator's list and home;
- `manage.py assess --all --as-of <as-of date>` in a child process (< 10 minutes);
- an import of `--import-rows` rows (default 1.5 million x scale: groups and members of
  the import benchmark's generated workbook) through the job queue into a fresh database
  (dropped after): the check job and the apply job, each from queueing to end (< 5 minutes);
- the database's size (pg_database_size) and its largest tables.

Steps: build, pages, assess, import, size (`--only` picks some). Exits 1 when a goal is missed.
"""

import argparse
import datetime as dt
import io
import json
import math
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "kube_registry.settings.test"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
STEPS = ("build", "pages", "assess", "import", "size")
BUILD_VERSION = 1  # bump when the build changes: a database of another version is rebuilt

GROUPS = 150_000
MEMBERS = 10
MONTHS = 60
FACILITATOR_GROUPS = 30
REAL_CITIES = ("64.74", "64.72", "64.71", "63.71")
# Synthetic cities: (province code, how many), 26 in all, codes <province>.71 upwards.
SYNTHETIC = (("32", 5), ("33", 4), ("35", 5), ("73", 3), ("12", 2), ("51", 2), ("61", 2), ("71", 1), ("52", 2))
CITY_OFFICER_CITY = "64.72"  # Samarinda: the measured city
PROVINCE = "64"
LEVELS = {"healthy": 2, "stagnant": 1, "failing": 0}
FIRST_NAMES = ["Siti", "Sri", "Nur", "Dewi", "Ani", "Rina", "Budi", "Agus", "Eko", "Joko", "Wati", "Yanti", "Hadi"]
LAST_NAMES = ["Aminah", "Rahayu", "Lestari", "Wahyuni", "Santoso", "Hidayat", "Saputra", "Kurniawan", "Handayani"]
GOALS_MS = {"national dashboard": 1_000, "city dashboard": 300, "group list": 300, "group profile": 300}
GOAL_ASSESS_SECONDS = 600
GOAL_IMPORT_SECONDS = 300


# --- Databases ---------------------------------------------------------------------------------------


def database_url(scale: float) -> str:
    url = os.environ.get("NATIONAL_DATABASE_URL")
    if url:
        return url
    name = "kube_national" if scale == 1 else f"kube_national_{round(scale * 1000)}"
    return f"{DEFAULT_SERVER}/{name}"


def _server(url: str):
    """An autocommit connection to the server's `postgres` database."""
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    connect = {
        "dbname": "postgres",
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }
    connection = psycopg2.connect(**{k: v for k, v in connect.items() if v})
    connection.autocommit = True
    return connection, config["NAME"]


def _database_exists(url: str) -> bool:
    connection, name = _server(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        found = cursor.fetchone() is not None
    connection.close()
    return found


def _create_database(url: str, *, drop: bool) -> None:
    connection, name = _server(url)
    with connection.cursor() as cursor:
        if drop:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def _drop_database(url: str) -> None:
    connection, name = _server(url)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _meta() -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_national_meta')")
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute("SELECT value FROM bench_national_meta WHERE key = 'build'")
        row = cursor.fetchone()
    if row is None:
        return None
    value = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    return value if value.get("version") == BUILD_VERSION else None


def _save_meta(meta: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_national_meta (key text PRIMARY KEY, value jsonb NOT NULL)")
        cursor.execute(
            "INSERT INTO bench_national_meta VALUES ('build', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [json.dumps(meta)],
        )


# --- COPY --------------------------------------------------------------------------------------------


def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dict | list):
        value = json.dumps(value)
    elif not isinstance(value, str):
        return str(value)
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


class _Stream(io.TextIOBase):
    """A file over an iterator of COPY lines, read by psycopg2 while they are generated."""

    def __init__(self, lines):
        self._lines = lines
        self._rest = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        parts, length = [self._rest], len(self._rest)
        for line in self._lines:
            parts.append(line)
            length += len(line)
            if 0 < size <= length:
                break
        text = "".join(parts)
        if size > 0:
            self._rest, text = text[size:], text[:size]
        else:
            self._rest = ""
        return text

    readline = read


class Table:
    """COPY of one model's table: the named columns come with each row, every other column its default."""

    def __init__(self, model, columns: list[str], now: str):
        self.model = model
        self.columns = columns
        rest = []
        for field in model._meta.concrete_fields:
            if field.column in columns or field.primary_key:  # an id not given comes from its sequence
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()
                if value is None and not field.null:
                    raise ValueError(f"{model.__name__}.{field.name} needs a value")
            rest.append((field.column, _text(value)))
        self.all_columns = [*columns, *(column for column, _value in rest)]
        self.tail = "".join("\t" + value for _column, value in rest) + "\n"

    def line(self, *values) -> str:
        return "\t".join(map(_text, values)) + self.tail

    def copy(self, cursor, lines) -> None:
        columns = ", ".join(f'"{c}"' for c in self.all_columns)
        cursor.copy_expert(
            f'COPY "{self.model._meta.db_table}" ({columns}) FROM STDIN', _Stream(iter(lines)), size=1 << 20
        )


# --- The build ---------------------------------------------------------------------------------------


def _month_add(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _as_of() -> dt.date:
    """The end of the last complete month."""
    from django.utils import timezone

    return timezone.localdate().replace(day=1) - dt.timedelta(days=1)


class Build:
    def __init__(self, scale: float, line_months: int, seed: int = 19):
        from django.utils import timezone

        self.scale = scale
        self.line_months = line_months
        self.rng = random.Random(seed)
        self.as_of = _as_of()
        self.last_month = self.as_of.replace(day=1)
        self.first_month = _month_add(self.last_month, -(MONTHS - 1))
        self.now = timezone.now().isoformat()
        self.steps: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    def step(self, name: str, started: float) -> None:
        self.steps[name] = round(time.perf_counter() - started, 1)
        print(f"  built {name} in {self.steps[name]:.1f} s", flush=True)

    def run(self) -> dict:
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        self.step("migrations", started)
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")  # foreign keys: checked at the end
            self.regions()
            self.users()
            self.groups(cursor)
            self.people(cursor)
            self.reports(cursor)
            self.assessments(cursor)
            self.others(cursor)
            cursor.execute("RESET session_replication_role")
            self.sequences(cursor)
            t = time.perf_counter()
            self.check_keys(cursor)
            self.step("foreign keys checked", t)
            t = time.perf_counter()
            cursor.execute("VACUUM ANALYZE")
            self.step("vacuum analyze", t)
        total = round(time.perf_counter() - started, 1)
        return {
            "version": BUILD_VERSION,
            "scale": self.scale,
            "line_months": self.line_months,
            "as_of": self.as_of.isoformat(),
            "built_at": self.now,
            "build_seconds": total,
            "steps": self.steps,
            "counts": self.counts,
            "users": self.bench_users,
        }

    # Regions and users ------------------------------------------------------------------------

    def regions(self) -> None:
        from groups.models import City, Kecamatan, Kelurahan
        from groups.regions import load_regions, province_name

        started = time.perf_counter()
        for code in REAL_CITIES:
            load_regions(code, Kecamatan, Kelurahan)
        rng = self.rng
        for province, count in SYNTHETIC:
            for n in range(count):
                code = f"{province}.{71 + n}"
                city = City.objects.create(
                    code=code,
                    name=f"Kota Uji {province}{71 + n}",
                    province_code=province,
                    province_name=province_name(province),
                )
                kecamatans = Kecamatan.objects.bulk_create(
                    [
                        Kecamatan(code=f"{code}.{k:02d}", name=f"Kecamatan {k} {city.name}", city=city)
                        for k in range(1, rng.randint(6, 10) + 1)
                    ]
                )
                Kelurahan.objects.bulk_create(
                    [
                        Kelurahan(code=f"{kec.code}.{1000 + j}", name=f"Kelurahan {j} {kec.name}", kecamatan=kec)
                        for kec in kecamatans
                        for j in range(1, rng.randint(6, 12) + 1)
                    ]
                )
        self.cities = list(City.objects.order_by("code"))
        self.kelurahans: dict[int, list[int]] = {}
        for pk, city_id in Kelurahan.objects.values_list("pk", "kecamatan__city_id"):
            self.kelurahans.setdefault(city_id, []).append(pk)
        self.counts["cities"] = len(self.cities)
        self.counts["kelurahan"] = sum(len(v) for v in self.kelurahans.values())
        self.step("regions", started)

    def users(self) -> None:
        """Per city its facilitators (30 groups each); the measured readers, officer and facilitator."""
        from django.contrib.auth.models import Group, User

        from groups.models import AreaLevel, UserArea
        from kube_registry.roles import ROLE_FACILITATOR, ROLE_OFFICER

        started = time.perf_counter()
        total = max(round(GROUPS * self.scale), len(self.cities))
        weights = [self.rng.uniform(0.5, 1.5) for _city in self.cities]
        shares = [w / sum(weights) for w in weights]
        self.city_groups = [max(1, round(total * share)) for share in shares]
        self.city_groups[-1] += total - sum(self.city_groups)
        users, areas, self.facilitators = [], [], []
        for city, groups in zip(self.cities, self.city_groups, strict=True):
            count = max(1, math.ceil(groups / FACILITATOR_GROUPS))
            names = [f"pendamping_{city.code_digits}_{n}" for n in range(1, count + 1)]
            users.extend(User(username=name, password="!") for name in names)
            self.facilitators.append(names)
        officer_role, facilitator_role = Group.objects.get(name=ROLE_OFFICER), Group.objects.get(name=ROLE_FACILITATOR)
        created = {u.username: u for u in User.objects.bulk_create(users, batch_size=5_000)}
        facilitator_role.user_set.through.objects.bulk_create(
            [facilitator_role.user_set.through(user_id=u.pk, group_id=facilitator_role.pk) for u in created.values()],
            batch_size=5_000,
        )
        for city, names in zip(self.cities, self.facilitators, strict=True):
            areas.extend(UserArea(user=created[name], level=AreaLevel.KOTA, city=city) for name in names)
        UserArea.objects.bulk_create(areas, batch_size=5_000)
        self.facilitator_ids = [[created[name].pk for name in names] for names in self.facilitators]
        city = next(c for c in self.cities if c.code == CITY_OFFICER_CITY)
        readers = {
            "nasional": UserArea(level=AreaLevel.NASIONAL),
            "provinsi": UserArea(level=AreaLevel.PROVINSI, province_code=PROVINCE),
            "kota": UserArea(level=AreaLevel.KOTA, city=city),
        }
        self.bench_users = {}
        for key, area in readers.items():
            user = User.objects.create(username=f"bench_{key}", password="!")
            user.groups.add(officer_role)
            area.user = user
            area.save()
            self.bench_users[key] = user.username
        self.bench_users["pendamping"] = self.facilitators[self.cities.index(city)][0]
        self.counts["facilitators"] = len(users)
        self.step("users", started)

    # Groups, persons, memberships ---------------------------------------------------------------

    def groups(self, cursor) -> None:
        from groups.models import Kube

        started = time.perf_counter()
        rng = self.rng
        table = Table(
            Kube,
            [
                "id",
                "no_registrasi",
                "name",
                "kelurahan_id",
                "rt",
                "address",
                "founded_on",
                "business_field",
                "area_type",
                "initiative",
                "facilitator_id",
                "status",
                "financial_institution",
                "financial_institution_on",
            ],
            self.now,
        )
        self.kubes: list[tuple] = []  # (founded_on, pattern, status, city index)
        window_start = self.first_month
        span_before = (window_start - dt.date(2013, 1, 1)).days
        span_in = (self.as_of - window_start).days - 40

        def lines():
            pk = 0
            for index, (city, groups) in enumerate(zip(self.cities, self.city_groups, strict=True)):
                sequence: dict[int, int] = {}
                kelurahans = self.kelurahans[city.pk]
                facilitators = self.facilitator_ids[index]
                for n in range(groups):
                    pk += 1
                    if rng.random() < 0.9:
                        founded_on = dt.date(2013, 1, 1) + dt.timedelta(days=rng.randrange(span_before))
                    else:
                        founded_on = window_start + dt.timedelta(days=rng.randrange(span_in))
                    sequence[founded_on.year] = sequence.get(founded_on.year, 0) + 1
                    pattern = rng.choices(("healthy", "stagnant", "failing"), weights=(3, 5, 2))[0]
                    pick = rng.random()
                    status = "aktif" if pick < 0.9 else ("tidak_aktif" if pick < 0.96 else "bubar")
                    institution = "lkm" if rng.random() < 0.1 else ""
                    self.kubes.append((founded_on, pattern, status, index))
                    yield table.line(
                        pk,
                        f"{city.code_digits}-{founded_on.year}-{sequence[founded_on.year]:03d}",
                        f"KUBE {rng.choice(('Mekar', 'Maju', 'Sejahtera', 'Bersama', 'Mandiri'))} {pk}",
                        rng.choice(kelurahans),
                        f"{rng.randint(1, 40):02d}",
                        f"Jl. Contoh No. {rng.randint(1, 200)}",
                        founded_on,
                        rng.choice(("jasa", "perdagangan", "produksi")),
                        rng.choice(("perkotaan", "perdesaan", "pesisir", "")),
                        rng.choice(("masyarakat", "pemerintah", "")),
                        facilitators[n // FACILITATOR_GROUPS % len(facilitators)],
                        status,
                        institution,
                        founded_on + dt.timedelta(days=700) if institution else None,
                    )

        table.copy(cursor, lines())
        self.counts["groups"] = len(self.kubes)
        self.step("groups", started)

    def people(self, cursor) -> None:
        """Ten per group: person k*10+m+1 is membership k*10+m+1. NIK: the city, the kecamatan, the birth
        date (+40 for a woman), a serial: unique because (birth date, serial) is unique per city."""
        from groups.models import Membership, Person

        started = time.perf_counter()
        rng = self.rng
        persons = Table(Person, ["id", "nik", "name", "sex", "birth_on", "phone", "is_dtks", "is_pkh"], self.now)
        memberships = Table(
            Membership, ["id", "person_id", "kube_id", "role", "joined_on", "left_on", "leave_reason"], self.now
        )
        roles = ("ketua", "sekretaris", "bendahara") + ("anggota",) * (MEMBERS - 3)
        base = dt.date(1955, 1, 1)
        self.left: dict[int, dt.date] = {}  # membership id -> left_on
        people: list[tuple] = []  # (id, kube id, role, joined_on, left_on)

        def person_lines():
            in_city: dict[int, int] = {}
            for k, (founded_on, _pattern, _status, city_index) in enumerate(self.kubes):
                digits = self.cities[city_index].code_digits
                for m in range(MEMBERS):
                    pk = k * MEMBERS + m + 1
                    i = in_city.get(city_index, 0)
                    in_city[city_index] = i + 1
                    birth_on = base + dt.timedelta(days=i % 16_000)
                    sex = "P" if rng.random() < 0.6 else "L"
                    day = birth_on.day + (40 if sex == "P" else 0)
                    nik = f"{digits}{1 + i % 9:02d}{day:02d}{birth_on:%m%y}{i // 16_000 + 1:04d}"
                    left_on = None
                    if m >= 3 and rng.random() < 0.07:
                        days = max(31, (self.as_of - founded_on).days)
                        left_on = founded_on + dt.timedelta(days=rng.randrange(30, days))
                        self.left[pk] = left_on
                    people.append((pk, k + 1, roles[m], founded_on, left_on))
                    yield persons.line(
                        pk,
                        nik,
                        f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                        sex,
                        birth_on,
                        f"08{rng.randint(100000000, 999999999)}",
                        rng.random() < 0.7,
                        rng.random() < 0.4,
                    )

        persons.copy(cursor, person_lines())
        self.step("persons", started)
        started = time.perf_counter()
        memberships.copy(
            cursor,
            (
                memberships.line(pk, pk, kube, role, joined, left, "pindah" if left else "")
                for pk, kube, role, joined, left in people
            ),
        )
        self.counts["persons"] = self.counts["memberships"] = len(people)
        self.counts["left"] = len(self.left)
        self.step("memberships", started)

    # Reports and member lines ------------------------------------------------------------------

    def reports(self, cursor) -> None:
        from finances.models import MemberLine, MonthlyReport

        started = time.perf_counter()
        rng = self.rng
        table = Table(
            MonthlyReport,
            [
                "id",
                "kube_id",
                "period",
                "income",
                "expenses",
                "kept_in_cash",
                "shared_to_members",
                "iks_collected",
                "cash_in_hand",
                "cash_in_bank",
                "meetings_held",
                "attendance_percent",
                "status",
                "is_imported",
                "submitted_at",
                "first_submitted_at",
                "verified_at",
            ],
            self.now,
        )
        lines_table = Table(MemberLine, ["id", "report_id", "membership_id", "iks_paid", "meetings_attended"], self.now)
        months = [_month_add(self.first_month, n) for n in range(MONTHS)]
        # Submitted between the 1st and the 12th of the next month (UTC, 09:00 in Makassar).
        stamps = [[f"{_month_add(period, 1):%Y-%m}-{day:02d} 01:00:00+00" for day in range(1, 13)] for period in months]
        lines_from = _month_add(self.last_month, -(self.line_months - 1)) if self.line_months else None
        spill = tempfile.TemporaryFile("w+", prefix="kube-national-lines-")
        params = {
            "healthy": (2_000_000, 1.01, 0.5, 0.4),
            "stagnant": (900_000, 1.0, 0.5, 0.4),
            "failing": (600_000, 0.97, 0.6, 0.5),
        }
        counter = {"reports": 0, "lines": 0}

        def lines():
            report_id = line_id = 0
            r = rng.random
            for k, (founded_on, pattern, status, _city) in enumerate(self.kubes):
                kube_id = k + 1
                base, trend, low, span = params[pattern]
                skip = 0.3 if pattern == "failing" else 0.02
                if status == "bubar":
                    skip = 0.6
                founded_month = founded_on.replace(day=1)
                cash = 0
                member_ids = range(k * MEMBERS + 1, k * MEMBERS + MEMBERS + 1)
                for n, period in enumerate(months):
                    if period < founded_month or r() < skip:
                        continue
                    state = "verified"
                    if n == MONTHS - 1:
                        pick = r()
                        if pick < 0.2:
                            continue  # not yet reported
                        state = "submitted" if pick < 0.7 else ("verified" if pick < 0.9 else "draft")
                    elif n == MONTHS - 2:
                        pick = r()
                        state = "verified" if pick < 0.9 else ("submitted" if pick < 0.95 else "returned")
                    income = int(base * trend**n * (0.8 + 0.4 * r())) // 1000 * 1000
                    expenses = int(income * (low + span * r())) // 1000 * 1000
                    profit = max(income - expenses, 0)
                    kept = profit * 3 // 10 if pattern == "healthy" else (0 if pattern == "failing" else profit // 10)
                    cash += kept
                    iks = 50_000 if pattern != "failing" or r() < 0.3 else 0
                    meetings = 1 if pattern != "failing" or r() < 0.5 else 0
                    stamp = stamps[n][int(r() * 12)] if state != "draft" else None
                    report_id += 1
                    yield table.line(
                        report_id,
                        kube_id,
                        period,
                        income,
                        expenses,
                        kept,
                        profit - kept,
                        iks,
                        cash,
                        0,
                        meetings,
                        50 + int(45 * r()),
                        state,
                        True,
                        stamp,
                        stamp,
                        stamp if state == "verified" else None,
                    )
                    if lines_from is not None and period >= lines_from:
                        for membership_id in member_ids:
                            left_on = self.left.get(membership_id)
                            if left_on is not None and left_on < period:
                                continue
                            line_id += 1
                            spill.write(lines_table.line(line_id, report_id, membership_id, iks // 10, meetings))
            counter["reports"], counter["lines"] = report_id, line_id

        table.copy(cursor, lines())
        self.counts["reports"] = counter["reports"]
        self.step("monthly reports", started)
        started = time.perf_counter()
        spill.seek(0)
        lines_table.copy(cursor, spill)
        spill.close()
        self.counts["member_lines"] = counter["lines"]
        self.step(f"member lines (last {self.line_months} months)", started)

    # Assessments -------------------------------------------------------------------------------

    def assessments(self, cursor) -> None:
        from assessments.models import Assessment
        from assessments.rubric import SCORED_INDICATORS, Thresholds

        started = time.perf_counter()
        rng = self.rng
        table = Table(
            Assessment,
            [
                "id",
                "kube_id",
                "as_of",
                "computed_category",
                "final_category",
                "score",
                "score_breakdown",
                "indicators",
                "flags",
                "missing",
                "rubric_version",
                "thresholds",
                "is_inactive",
                "is_at_risk",
                "assessed_at",
                "judged_at",
                "judgement_from_id",
                "factor_facilitator",
            ],
            self.now,
        )
        dates = [dt.date(year, 12, 31) for year in range(self.first_month.year, self.as_of.year)] + [self.as_of]
        dates = [day for day in dates if day >= self.first_month]
        thresholds = Thresholds().as_dict()
        categories = ("tumbuh", "berkembang", "mandiri")

        # Evidence as long as the rubric's: one line per indicator and what each level lacks.
        def evidence(level: int) -> list[dict]:
            return [
                {
                    "key": key,
                    "level": level,
                    "evidence": f"{key}: laporan bulanan 10 dari 12 bulan, rata-rata omzet Rp 1.250.000 per bulan",
                    "needs": {str(up): [f"{key} tingkat {up}: syarat belum terpenuhi"] for up in range(level + 1, 3)},
                }
                for key in SCORED_INDICATORS
            ] + [{"key": "usia", "level": None, "evidence": "berdiri 4 tahun 2 bulan", "needs": {}}]

        templates = [evidence(level) for level in range(3)]
        breakdowns = [{key: str(round(level * 1.5 + 2, 1)) for key in SCORED_INDICATORS} for level in range(3)]
        at_risk = [{"key": "berisiko", "reasons": ["IKS terkumpul hanya di 3 dari 12 bulan"]}]
        counter = {"n": 0}

        def lines():
            pk = 0
            for k, (founded_on, pattern, _status, _city) in enumerate(self.kubes):
                level = LEVELS[pattern] if rng.random() < 0.7 else rng.randint(0, 2)
                judged = rng.random() < 0.01 and len(dates) > 1
                judged_at_year = dates[rng.randrange(len(dates) - 1)] if judged else None
                judgement = None
                for day in dates:
                    if founded_on > day:
                        continue
                    level = max(0, min(2, level + rng.choice((-1, 0, 0, 0, 1))))
                    pk += 1
                    category = categories[level]
                    risky = rng.random() < 0.12
                    judged_at = None
                    if day == judged_at_year:
                        judgement, judged_at = (pk, category), self.now
                    final = judgement[1] if judgement else category
                    yield table.line(
                        pk,
                        k + 1,
                        day,
                        category,
                        final,
                        f"{min(99.9, 10 + 27.5 * level + 15 * rng.random()):.1f}",
                        breakdowns[level],
                        templates[level],
                        at_risk if risky else [],
                        ["laporan bulanan baru 7 dari 12 bulan (perlu 10)"] if level < 2 else [],
                        "v1",
                        thresholds,
                        False,
                        risky,
                        self.now,
                        judged_at,
                        judgement[0] if judgement else None,
                        3 if judged_at else None,
                    )
            counter["n"] = pk

        table.copy(cursor, lines())
        self.counts["assessments"] = counter["n"]
        self.step("assessments", started)

    # Assets, partnerships, loans, visits --------------------------------------------------------

    def others(self, cursor) -> None:
        from finances.models import Asset, Loan
        from monitoring.models import Visit
        from partnerships.models import Partner, PartnerKind, Partnership, partner_name_key

        started = time.perf_counter()
        rng = self.rng
        # Each city keeps its own partners (Partner.city): 10 each, its groups' partnerships among them.
        partners = Partner.objects.bulk_create(
            [
                Partner(
                    city=city,
                    name=f"Mitra {city.code_digits} {n}",
                    name_key=partner_name_key(f"Mitra {city.code_digits} {n}"),
                    kind=PartnerKind.values[n % len(PartnerKind.values)],
                )
                for city in self.cities
                for n in range(10)
            ]
        )
        partner_ids: dict[int, list[int]] = {}
        for partner in partners:
            partner_ids.setdefault(partner.city_id, []).append(partner.pk)
        city_partners = [partner_ids[city.pk] for city in self.cities]
        assets = Table(Asset, ["id", "kube_id", "name", "acquired_on", "value"], self.now)
        assets.copy(
            cursor,
            (
                assets.line(k + 1, k + 1, "Peralatan usaha", founded_on, rng.randint(1, 30) * 500_000)
                for k, (founded_on, *_rest) in enumerate(self.kubes)
            ),
        )
        partnerships = Table(
            Partnership,
            ["kube_id", "partner_id", "has_koordinasi", "has_pemasaran", "has_permodalan", "started_on"],
            self.now,
        )
        count = {"partnerships": 0, "loans": 0, "visits": 0}

        def partnership_lines():
            for k, (founded_on, _pattern, _status, city_index) in enumerate(self.kubes):
                for partner in rng.sample(city_partners[city_index], rng.choice((0, 0, 1, 1, 2, 3, 5))):
                    count["partnerships"] += 1
                    yield partnerships.line(k + 1, partner, True, rng.random() < 0.3, rng.random() < 0.2, founded_on)

        partnerships.copy(cursor, partnership_lines())
        loans = Table(Loan, ["kube_id", "membership_id", "amount", "lent_on", "due_on", "repaid_on"], self.now)

        def loan_lines():
            for k in range(0, len(self.kubes), 2):
                lent_on = _month_add(self.last_month, -rng.randint(1, 10))
                if lent_on < self.kubes[k][0]:
                    continue
                count["loans"] += 1
                yield loans.line(
                    k + 1,
                    k * MEMBERS + 1,
                    500_000,
                    lent_on,
                    _month_add(lent_on, 3),
                    _month_add(lent_on, 2) if rng.random() < 0.7 else None,
                )

        loans.copy(cursor, loan_lines())
        visits = Table(Visit, ["kube_id", "visited_on", "kind", "visitor_id", "activities"], self.now)
        two_years = _month_add(self.last_month, -23)

        def visit_lines():
            for k, (founded_on, _pattern, status, city_index) in enumerate(self.kubes):
                if status == "bubar":
                    continue
                visitor = self.facilitator_ids[city_index][0]
                day = max(two_years, founded_on) + dt.timedelta(days=rng.randrange(30))
                while day <= self.as_of:
                    count["visits"] += 1
                    yield visits.line(k + 1, day, "pendampingan", visitor, "Pendampingan rutin")
                    day += dt.timedelta(days=rng.randint(60, 120))

        visits.copy(cursor, visit_lines())
        self.counts.update(count)
        self.step("assets, partnerships, loans, visits", started)

    def sequences(self, cursor) -> None:
        from django.core.management.color import no_style
        from django.db import connection

        from assessments.models import Assessment
        from finances.models import Asset, Loan, MemberLine, MonthlyReport
        from groups.models import Kube, Membership, Person
        from monitoring.models import Visit
        from partnerships.models import Partnership

        models = [Kube, Person, Membership, MonthlyReport, MemberLine, Assessment, Asset, Partnership, Loan, Visit]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)

    def check_keys(self, cursor) -> None:
        """The foreign keys the build wrote with triggers off, checked: no row points nowhere."""
        checks = [
            ("groups_kube", "kelurahan_id", "groups_kelurahan"),
            ("groups_kube", "facilitator_id", "auth_user"),
            ("groups_membership", "kube_id", "groups_kube"),
            ("groups_membership", "person_id", "groups_person"),
            ("finances_monthlyreport", "kube_id", "groups_kube"),
            ("finances_memberline", "report_id", "finances_monthlyreport"),
            ("finances_memberline", "membership_id", "groups_membership"),
            ("assessments_assessment", "kube_id", "groups_kube"),
            ("assessments_assessment", "judgement_from_id", "assessments_assessment"),
        ]
        for table, column, target in checks:
            cursor.execute(
                f'SELECT count(*) FROM "{table}" t WHERE t."{column}" IS NOT NULL '
                f'AND NOT EXISTS (SELECT 1 FROM "{target}" x WHERE x.id = t."{column}")'
            )
            orphans = cursor.fetchone()[0]
            if orphans:
                raise RuntimeError(f"{orphans} rows of {table}.{column} point nowhere")


# --- Measurements -------------------------------------------------------------------------------------


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure_pages(meta: dict, runs: int, show_queries: bool, only: list[str] | None = None) -> list[dict]:
    from django.contrib.auth.models import User
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from groups.models import Kube

    users = {key: User.objects.get(username=name) for key, name in meta["users"].items()}
    city_kube = (
        Kube.objects.filter(kelurahan__kecamatan__city__code=CITY_OFFICER_CITY, status="aktif")
        .order_by("founded_on", "pk")
        .first()
    )
    own_kube = Kube.objects.filter(facilitator=users["pendamping"]).order_by("pk").first()
    pages = [
        ("national dashboard", "nasional", "/dasbor/"),
        ("province dashboard", "provinsi", "/dasbor/"),
        ("city dashboard", "kota", "/dasbor/"),
        ("group list", "kota", "/kelompok/"),
        ("group list", "nasional", "/kelompok/"),
        ("group list, a middle page", "nasional", f"/kelompok/?page={max(1, Kube.objects.count() // 25 // 2)}"),
        ("group profile", "kota", f"/kelompok/{city_kube.pk}/"),
        ("group profile", "nasional", f"/kelompok/{city_kube.pk}/"),
        ("group list", "pendamping", "/kelompok/"),
        ("facilitator home", "pendamping", "/kelompok-saya/"),
        ("group profile", "pendamping", f"/kelompok/{own_kube.pk}/"),
    ]
    if only:
        pages = [page for page in pages if any(word in f"{page[0]} ({page[1]})" for word in only)]
    results = []
    for label, who, url in pages:
        client = Client()
        client.force_login(users[who])
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST="127.0.0.1")
        first_ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url} as {who}: {response.status_code}")
        timings = []
        # A page of many seconds gets 5 requests (its p95 is then its slowest): minutes are enough.
        for _run in range(min(runs, 5) if first_ms > 5_000 else runs):
            started = time.perf_counter()
            client.get(url, HTTP_HOST="127.0.0.1")
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, HTTP_HOST="127.0.0.1")
        captured = list(queries.captured_queries)  # now: the log is the connection's, reset by requests
        slowest = sorted(captured, key=lambda q: -float(q["time"]))[:3]
        reset_queries()
        row = {
            "runs": len(timings),
            "label": label,
            "who": who,
            "url": url,
            "first_ms": first_ms,
            "p50_ms": statistics.median(timings),
            "p95_ms": _percentile(timings, 0.95),
            "queries": len(captured),
            "query_ms": sum(float(q["time"]) for q in captured) * 1000,
            "kb": len(response.content) / 1024,
        }
        goal = GOALS_MS.get(label)
        row["goal_ms"] = goal
        results.append(row)
        print(
            f"  {label} ({who}, {url}): p50 {row['p50_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms of {len(timings)} "
            f"(first {first_ms:.0f} ms), {row['queries']} queries taking {row['query_ms']:.0f} ms, "
            f"{row['kb']:.0f} kB" + (f" - goal {goal} ms {_met(row['p95_ms'] < goal)}" if goal else ""),
            flush=True,
        )
        if show_queries:
            for query in slowest:
                print(f"      {float(query['time']) * 1000:.0f} ms: {query['sql'][:600]}", flush=True)
    return results


def _met(met: bool) -> str:
    return "met" if met else "MISSED"


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONUNBUFFERED": "1"})
    return env


def measure_assess(url: str, as_of: str) -> dict:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "manage.py", "assess", "--all", "--as-of", as_of],
        cwd=ROOT,
        env=_env(url),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"assess --all failed:\n{completed.stderr[-3000:]}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "output": completed.stdout.strip().splitlines(), "peak_mb": peak_mb}


FILE_ROWS = 150_000  # rows per file: the app takes at most 200,000 rows and 20 MB per file (KUBE_IMPORT_MAX_*)


def import_files(rows: int) -> list[Path]:
    """The import benchmark's generated registry (a tenth groups, the rest members, contract 4's columns)
    in files of at most FILE_ROWS rows, each file its groups with their members; cached under var/bench/."""
    from benchmarks.import_bench import CACHE, generate, write_xlsx

    groups = max(1, rows // 10)
    count = max(1, math.ceil(rows / FILE_ROWS))
    paths = [CACHE / f"national-import-{rows}-{n + 1}-of-{count}.xlsx" for n in range(count)]
    if all(path.exists() for path in paths):
        return paths
    CACHE.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    kelompok, anggota = generate(groups, rows - groups)
    per_file = math.ceil(groups / count)
    for n, path in enumerate(paths):
        first, last = n * per_file, min((n + 1) * per_file, groups)
        # Member i belongs to group i % groups (import_bench.generate).
        members = [row for i, row in enumerate(anggota[1:]) if first <= i % groups < last]
        sheets = {"kelompok": [kelompok[0], *kelompok[1 + first : 1 + last]], "anggota": [anggota[0], *members]}
        write_xlsx(path, sheets)
    print(f"generated {count} workbooks of {rows:,} rows in {time.perf_counter() - started:.0f} s", flush=True)
    return paths


def measure_import(url: str, rows: int) -> dict:
    """The files through the queue into a fresh database, one after the other as an office would:
    each file's check job (the preview), then its apply job."""
    from benchmarks.queue_bench import _child

    paths = import_files(rows)
    import_url = url.rsplit("/", 1)[0] + "/kube_national_import"
    _create_database(import_url, drop=True)
    worker = None
    try:
        _child(import_url, "setup")
        log = tempfile.TemporaryFile()
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            cwd=ROOT,
            env=_env(import_url),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        files = []
        for path in paths:
            figures = _child(import_url, "queue", "--file", str(path))
            files.append(figures)
            print(
                f"  {path.name}: check {figures['check']['queued_to_end']:.0f} s, "
                f"apply {figures['apply']['queued_to_end']:.0f} s, stored {figures['stored']}",
                flush=True,
            )
        return {
            "rows": rows,
            "files": len(paths),
            "file_mb": sum(path.stat().st_size for path in paths) / 1e6,
            "check_seconds": sum(f["check"]["queued_to_end"] for f in files),
            "apply_seconds": sum(f["apply"]["queued_to_end"] for f in files),
            "ok": all(f["apply"]["status"] == "selesai" for f in files),
            "stored": files[-1]["stored"],
        }
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=120)
        _drop_database(import_url)


def measure_size() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database()), version()")
        size, version = cursor.fetchone()
        cursor.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid), c.reltuples::bigint "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 2 DESC LIMIT 10"
        )
        tables = [
            {"table": name, "total_mb": total / 2**20, "heap_mb": heap / 2**20, "rows": rows}
            for name, total, heap, rows in cursor.fetchall()
        ]
    return {"mb": size / 2**20, "version": version.split(" on ")[0], "tables": tables}


# --- The run -----------------------------------------------------------------------------------------


def _machine() -> str:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 2**20:.0f} GB RAM"
    except OSError:
        pass
    return f"{os.cpu_count()} cores{memory}, load average {os.getloadavg()[0]:.1f}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks national", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("NATIONAL_SCALE", "1.0")))
    parser.add_argument("--rebuild", action="store_true", help="drop and build the database again")
    parser.add_argument("--runs", type=int, default=20, help="requests per page after a warm-up")
    parser.add_argument("--only", nargs="+", choices=STEPS, help="these steps only (the build runs when needed)")
    parser.add_argument("--import-rows", type=int, help="rows of the queued import (default 1.5 million x scale)")
    parser.add_argument("--line-months", type=int, default=12, help="months of member lines built")
    parser.add_argument("--pages", nargs="+", help='pages whose "label (user)" holds one of these words')
    parser.add_argument("--show-queries", action="store_true", help="each page's three slowest queries")
    args = parser.parse_args(argv)
    steps = set(args.only or STEPS)
    url = database_url(args.scale)
    try:
        exists = _database_exists(url)
    except Exception as error:  # no server: nothing to measure
        print(f"national: no PostgreSQL server at {url.rsplit('/', 1)[0]} ({error}); skipped", flush=True)
        return 0
    if args.rebuild or not exists:
        _create_database(url, drop=True)
    _django(url)
    meta = _meta()
    print(f"national: {url}, {_machine()}", flush=True)
    if meta is None or meta["scale"] != args.scale or meta["line_months"] != args.line_months:
        if exists and not args.rebuild:  # a database of another build: again
            from django.db import connections

            connections.close_all()
            _create_database(url, drop=True)
        print(f"building at scale {args.scale} (member lines for {args.line_months} months)...", flush=True)
        meta = Build(args.scale, args.line_months).run()
        _save_meta(meta)
        seconds = meta["build_seconds"]
        print(f"built in {seconds:.0f} s ({seconds / 60:.1f} min): {meta['counts']}", flush=True)
    else:
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", verbosity=0)  # the code's migrations since the build (indexes among them)
        migrated = time.perf_counter() - started
        built = f"built {meta['built_at'][:16]} in {meta['build_seconds']:.0f} s, migrated in {migrated:.0f} s"
        print(f"reusing the database {built}: {meta['counts']}", flush=True)
    failed = False
    if "pages" in steps:
        print(f"pages ({args.runs} requests each after a warm-up), data as of {meta['as_of']}:", flush=True)
        for row in measure_pages(meta, args.runs, args.show_queries, args.pages):
            failed |= row["goal_ms"] is not None and row["p95_ms"] >= row["goal_ms"]
    if "assess" in steps:
        figures = measure_assess(url, meta["as_of"])
        met = figures["seconds"] < GOAL_ASSESS_SECONDS
        failed |= not met
        print(
            f"assess --all --as-of {meta['as_of']}: {figures['seconds']:.0f} s ({figures['seconds'] / 60:.1f} min), "
            f"peak memory {figures['peak_mb']:.0f} MB - goal {GOAL_ASSESS_SECONDS / 60:.0f} min "
            f"{'met' if met else 'MISSED'}; {' / '.join(figures['output'])}",
            flush=True,
        )
    if "import" in steps:
        rows = args.import_rows or round(1_500_000 * args.scale)
        f = measure_import(url, rows)
        total = f["check_seconds"] + f["apply_seconds"]
        met = f["apply_seconds"] < GOAL_IMPORT_SECONDS
        failed |= not met or not f["ok"]
        print(
            f"import through the queue, {rows:,} rows in {f['files']} files ({f['file_mb']:.0f} MB .xlsx): "
            f"apply jobs {f['apply_seconds']:.0f} s ({rows / f['apply_seconds']:,.0f} rows/s), check jobs "
            f"{f['check_seconds']:.0f} s, upload to applied {total:.0f} s ({total / 60:.1f} min) - goal (apply) "
            f"{GOAL_IMPORT_SECONDS / 60:.0f} min {_met(met)}; stored {f['stored']}" + ("" if f["ok"] else " - FAILED"),
            flush=True,
        )
    if "size" in steps:
        size = measure_size()
        print(f"database: {size['mb'] / 1024:.1f} GB ({size['version']}); largest tables:", flush=True)
        for table in size["tables"]:
            print(
                f"  {table['table']}: {table['total_mb'] / 1024:.2f} GB with indexes and TOAST "
                f"(heap {table['heap_mb'] / 1024:.2f} GB), {table['rows']:,} rows",
                flush=True,
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
