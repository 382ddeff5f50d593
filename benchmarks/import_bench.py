"""Import benchmark: 10,000 groups and 150,000 members into an empty database.

    python -m benchmarks [--groups N] [--members N] [--plain-rows N] [--skip-readers]

Generates a workbook (cached under var/bench/), then runs each measurement in a
child process of its own so that peak memory (ru_maxrss) belongs to that run alone:

- the whole import (read, validate, write with history) into an empty SQLite
  database, and into a fresh PostgreSQL database when DATABASE_URL is set;
- for comparison, the plain row-by-row django-import-export import (default
  `ModelResource`s, one save and one history row per object) of a subsample of the
  members sheet;
- reading the workbook alone with python-calamine and with openpyxl (read-only).

Targets: at least 5,000 rows per second overall and under 1 GB peak memory. The
machine's load moves the wall-clock figures; the CPU time of the importing process
(which includes SQLite's work but not a PostgreSQL server's) moves less.
"""

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.workbooks import ANGGOTA, KELOMPOK  # contract 4's columns, as the tests write them

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench"
TARGET_ROWS_PER_SECOND = 5_000
TARGET_PEAK_MB = 1_024

# Kota Bontang's regions as offices write them: by name or by Kemendagri code.
REGIONS = [
    ("Bontang Utara", "64.74.01", ["Bontang Kuala", "Bontang Baru", "Lok Tuan", "Guntung", "Gunung Elai", "Api-Api"]),
    ("Bontang Selatan", "64.74.02", ["Tanjung Laut", "Berbas Tengah", "Berbas Pantai", "Satimpo", "Bontang Lestari"]),
    ("Bontang Barat", "64.74.03", ["Belimbing", "Gunung Telihan", "Kanaan"]),
]
FIRST_NAMES = ["Siti", "Sri", "Nur", "Dewi", "Ani", "Rina", "Budi", "Agus", "Eko", "Joko", "Wati", "Yanti", "Hadi"]
LAST_NAMES = ["Aminah", "Rahayu", "Lestari", "Wahyuni", "Santoso", "Hidayat", "Saputra", "Kurniawan", "Handayani"]
FACILITATORS = 40


# --- The generated registry ----------------------------------------------------------


def _nik(rng: random.Random, used: set[str], sex: str, birth_on: dt.date) -> str:
    day = birth_on.day + (40 if sex == "P" else 0)
    stem = f"6474{rng.choice(['01', '02', '03'])}{day:02d}{birth_on:%m%y}"
    while True:
        nik = f"{stem}{rng.randint(1, 9999):04d}"
        if nik not in used:
            used.add(nik)
            return nik


def _date_cell(rng: random.Random, day: dt.date):
    """Mostly real date cells, some typed text the way offices type it."""
    pick = rng.random()
    if pick < 0.7:
        return day
    if pick < 0.85:
        return day.strftime("%d/%m/%Y")
    return day.isoformat()


def generate(groups: int, members: int, seed: int = 7) -> tuple[list[list], list[list]]:
    rng = random.Random(seed)
    kelompok = [KELOMPOK]
    anggota = [ANGGOTA]
    used: set[str] = set()
    today = dt.date(2025, 6, 30)
    per_year: dict[int, int] = {}
    founded: list[tuple[str, dt.date]] = []
    for index in range(groups):
        kecamatan, code, kelurahans = rng.choice(REGIONS)
        kelurahan_index = rng.randrange(len(kelurahans))
        founded_on = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(365 * 14))
        per_year[founded_on.year] = per_year.get(founded_on.year, 0) + 1
        number = f"6474-{founded_on.year}-{per_year[founded_on.year]:03d}"
        by_code = rng.random() < 0.3
        institution = rng.choice(["", "", "", "LKM", "koperasi"])
        kelompok.append(
            [
                number,
                f"KUBE {rng.choice(['Mekar', 'Maju', 'Sejahtera', 'Bersama', 'Mandiri'])} {index + 1}",
                code if by_code else kecamatan,
                f"{code}.{1001 + kelurahan_index}" if by_code else kelurahans[kelurahan_index],
                f"{rng.randint(1, 40):02d}",
                f"Jl. Contoh No. {rng.randint(1, 200)}",
                _date_cell(rng, founded_on),
                rng.choice(["jasa", "perdagangan", "produksi"]),
                "Usaha bersama",
                rng.choice(["perkotaan", "pesisir", ""]),
                rng.choice(["masyarakat", "pemerintah", ""]),
                f"pendamping{rng.randint(1, FACILITATORS)}",
                rng.choice(["aktif", "aktif", "aktif", "tidak aktif", "bubar"]),
                institution,
                _date_cell(rng, founded_on + dt.timedelta(days=700)) if institution else "",
            ]
        )
        founded.append((number, founded_on))
    for index in range(members):
        number, founded_on = founded[index % groups]
        slot = index // groups  # the nth member of every group
        sex = "P" if rng.random() < 0.6 else "L"
        birth_on = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
        nik = _nik(rng, used, sex, birth_on)
        joined_on = founded_on + dt.timedelta(days=rng.randrange(60))
        left = slot >= 3 and rng.random() < 0.1
        left_on = min(joined_on + dt.timedelta(days=rng.randrange(30, 2000)), today) if left else None
        role = ["ketua", "sekretaris", "bendahara"][slot] if slot < 3 else "anggota"
        anggota.append(
            [
                number,
                f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}" if rng.random() < 0.2 else nik,
                f"6474{rng.randint(10, 39)}{rng.randint(10, 28)}0{rng.randint(1, 9)}15{rng.randint(1, 9999):04d}",
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                sex,
                birth_on if rng.random() < 0.5 else "",
                role,
                _date_cell(rng, joined_on),
                _date_cell(rng, left_on) if left_on else "",
                rng.choice(["pindah", "mengundurkan diri", "mampu"]) if left_on else "",
                rng.choice(["ya", "tidak", "Ya"]),
                rng.choice(["ya", "tidak"]),
                f"08{rng.randint(100000000, 999999999)}",
            ]
        )
    return kelompok, anggota


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> None:
    """With the export's streaming writer (openpyxl would take minutes here); it needs no Django."""
    sys.path.insert(0, str(ROOT))
    from kube_registry.xlsx import XlsxWriter

    with XlsxWriter(str(path)) as workbook:
        for title, rows in sheets.items():
            workbook.add_sheet(title, rows[0], rows[1:])


def workbook_path(groups: int, members: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"registri-{groups}-{members}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        kelompok, anggota = generate(groups, members)
        write_xlsx(path, {"kelompok": kelompok, "anggota": anggota})
        print(f"generated {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return path


# --- Child processes: one measurement each ------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kube_registry.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import Group, User

    from kube_registry.roles import ROLE_FACILITATOR

    role = Group.objects.get(name=ROLE_FACILITATOR)
    users = User.objects.bulk_create([User(username=f"pendamping{n}") for n in range(1, FACILITATORS + 1)])
    role.user_set.add(*users)


def child_import(path: Path) -> dict:
    from pages.workbook import import_workbook

    marks: dict[str, float] = {}

    def progress(stage: str, sheet: str, done: int, total: int) -> None:
        marks.setdefault(f"{stage}:{sheet}", time.perf_counter())

    started, cpu_started = time.perf_counter(), time.process_time()
    result = import_workbook(path, progress=progress)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    rows = sum(counts.total for counts in result.sheets.values())
    write_started = min((t for key, t in marks.items() if key.startswith("write")), default=started + elapsed)
    peak_mb = _peak_mb()
    # The same file again: everything is found unchanged and nothing is written.
    again_started = time.perf_counter()
    again = import_workbook(path)
    again_seconds = time.perf_counter() - again_started
    return {
        "reimport_seconds": again_seconds,
        "reimport_summary": again.summary(),
        "ok": result.ok,
        "errors": [str(error) for error in result.errors[:5]],
        "summary": result.summary(),
        "rows": rows,
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "validate_seconds": write_started - started,
        "write_seconds": started + elapsed - write_started,
        "peak_mb": peak_mb,
        "reimport_peak_mb": _peak_mb(),
    }


def child_plain(path: Path, sample: int) -> dict:
    """django-import-export as it comes: ModelResource, row by row, one save per object."""
    import tablib
    from import_export import fields, resources, widgets
    from python_calamine import CalamineWorkbook

    from groups.models import Kube, Membership, Person
    from kube_registry.nik import normalize_id_number
    from pages.workbook import import_workbook

    # The groups go in with the engine first (not timed): members need them.
    workbook = CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_name("anggota").to_python(nrows=sample + 1)
    header = [str(h) for h in rows[0]]
    data = [dict(zip(header, row, strict=False)) for row in rows[1:]]
    numbers = {row["no_registrasi"] for row in data}
    groups = [
        r for r in workbook.get_sheet_by_name("kelompok").to_python() if r[0] in numbers or r[0] == "no_registrasi"
    ]
    with tempfile.TemporaryDirectory() as tmp:
        kelompok_path = Path(tmp) / "kelompok.xlsx"
        write_xlsx(kelompok_path, {"kelompok": groups})
        assert import_workbook(kelompok_path).ok

    class PlainPersonResource(resources.ModelResource):
        nik = fields.Field(attribute="nik", column_name="nik")
        nama = fields.Field(attribute="name", column_name="nama")
        jenis_kelamin = fields.Field(attribute="sex", column_name="jenis_kelamin")
        telepon = fields.Field(attribute="phone", column_name="telepon")

        class Meta:
            model = Person
            fields = ("nik", "nama", "jenis_kelamin", "telepon")
            import_id_fields = ("nik",)

    class PlainMembershipResource(resources.ModelResource):
        kube = fields.Field(
            attribute="kube", column_name="no_registrasi", widget=widgets.ForeignKeyWidget(Kube, "no_registrasi")
        )
        person = fields.Field(attribute="person", column_name="nik", widget=widgets.ForeignKeyWidget(Person, "nik"))
        role = fields.Field(attribute="role", column_name="jabatan")

        class Meta:
            model = Membership
            fields = ("kube", "person", "role")
            import_id_fields = ("person", "kube")

    # The plain resources do no NIK clean-up, so the sample gets it beforehand.
    for row in data:
        row["nik"] = normalize_id_number(row["nik"])
        row["telepon"] = str(row["telepon"])
    persons = tablib.Dataset(headers=["nik", "nama", "jenis_kelamin", "telepon"])
    memberships = tablib.Dataset(headers=["no_registrasi", "nik", "jabatan"])
    for row in data:
        persons.append([row["nik"], row["nama"], row["jenis_kelamin"], row["telepon"]])
        memberships.append([row["no_registrasi"], row["nik"], row["jabatan"]])
    started = time.perf_counter()
    first = PlainPersonResource().import_data(persons, dry_run=False)
    second = PlainMembershipResource().import_data(memberships, dry_run=False)
    elapsed = time.perf_counter() - started
    return {
        "ok": not (first.has_errors() or first.has_validation_errors() or second.has_errors()),
        "rows": len(data),
        "seconds": elapsed,
        "peak_mb": _peak_mb(),
        "stored": [Person.objects.count(), Membership.objects.count()],
    }


def child_readers(path: Path) -> dict:
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    def with_calamine() -> int:
        workbook = CalamineWorkbook.from_path(str(path))
        return sum(sum(1 for _row in workbook.get_sheet_by_name(name).iter_rows()) for name in workbook.sheet_names)

    def with_openpyxl() -> int:
        workbook = load_workbook(path, read_only=True, data_only=True)
        count = sum(sum(1 for _row in workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames)
        workbook.close()
        return count

    timings = {}
    for name, reader in (("calamine", with_calamine), ("openpyxl_read_only", with_openpyxl)):
        started = time.perf_counter()
        rows = reader()
        timings[name] = {"rows": rows, "seconds": time.perf_counter() - started}
    return timings


def _postgres_database(database_url: str) -> tuple[str, callable]:
    """A fresh database on the server DATABASE_URL names; returns its URL and a dropper."""
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(database_url)
    name = f"kube_bench_{os.getpid()}"
    connect = {
        "dbname": "postgres",
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }
    connection = psycopg2.connect(**{k: v for k, v in connect.items() if v})
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()

    base = database_url.rsplit("/", 1)[0]
    return f"{base}/{name}", drop


def run_child(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if args.child == "readers":
        print(json.dumps(child_readers(path)))
        return 0
    drop = None
    with tempfile.TemporaryDirectory() as tmp:
        if args.backend == "postgresql":
            url, drop = _postgres_database(os.environ["DATABASE_URL"])
        else:
            url = f"sqlite:///{tmp}/bench.sqlite3"
        try:
            _setup_django(url)
            figures = child_import(path) if args.child == "import" else child_plain(path, args.plain_rows)
            from django.db import connections

            connections.close_all()
        finally:
            if drop is not None:
                drop()
    print(json.dumps(figures))
    return 0


def _spawn(*extra: str) -> dict:
    command = [sys.executable, "-m", "benchmarks", *extra]
    env = dict(os.environ)
    completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(extra)} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=150_000)
    parser.add_argument("--plain-rows", type=int, default=5_000, help="members sheet rows for the plain import")
    parser.add_argument("--skip-readers", action="store_true", help="don't time calamine against openpyxl")
    parser.add_argument("--child", choices=["import", "plain", "readers"], help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="sqlite", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return run_child(args)

    path = workbook_path(args.groups, args.members)
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL", "").startswith("postgres") else [])
    print(f"workbook: {path.name}, {args.groups:,} groups + {args.members:,} members", flush=True)
    failed = False
    for backend in backends:
        figures = _spawn("--child", "import", "--backend", backend, "--file", str(path))
        rate = figures["rows"] / figures["seconds"]
        met = rate >= TARGET_ROWS_PER_SECOND and figures["peak_mb"] < TARGET_PEAK_MB
        failed |= not (met and figures["ok"])
        print(
            f"[{backend}] engine import: {figures['rows']:,} rows in {figures['seconds']:.1f} s "
            f"= {rate:,.0f} rows/s (read+validate {figures['validate_seconds']:.1f} s, "
            f"write {figures['write_seconds']:.1f} s; this process's CPU {figures['cpu_seconds']:.1f} s), "
            f"peak memory {figures['peak_mb']:.0f} MB "
            f"- {'target met' if met else 'TARGET MISSED'}"
            + ("" if figures["ok"] else f" - ERRORS: {figures['errors']}"),
            flush=True,
        )
        print(f"[{backend}]   {figures['summary']}", flush=True)
        print(
            f"[{backend}] the same file again: {figures['reimport_seconds']:.1f} s "
            f"= {figures['rows'] / figures['reimport_seconds']:,.0f} rows/s, peak memory of both runs "
            f"{figures['reimport_peak_mb']:.0f} MB - {figures['reimport_summary']}",
            flush=True,
        )
        plain = _spawn(
            "--child", "plain", "--backend", backend, "--file", str(path), "--plain-rows", str(args.plain_rows)
        )
        print(
            f"[{backend}] plain django-import-export, row by row: {plain['rows']:,} members rows "
            f"in {plain['seconds']:.1f} s = {plain['rows'] / plain['seconds']:,.0f} rows/s"
            + ("" if plain["ok"] else " (with row errors)"),
            flush=True,
        )
    if not args.skip_readers:
        readers = _spawn("--child", "readers", "--file", str(path))
        for name, figures in readers.items():
            print(
                f"reading only, {name}: {figures['rows']:,} rows in {figures['seconds']:.1f} s "
                f"= {figures['rows'] / figures['seconds']:,.0f} rows/s",
                flush=True,
            )
    return 1 if failed else 0
