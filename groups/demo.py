"""The demo city behind `seed_demo` (CONTRACTS.md, 2): regions, users, KUBE Mekar Sari
and synthetic groups with their members.

One plain function per kind of data. Every random choice comes from a
`random.Random` seeded from the command's seed, one stream per kind of data, so the
same seed gives the same city, and Mekar Sari does not change with the group count.
Dates are drawn relative to the fixed `REFERENCE_DATE`, never the wall clock; the
clock only caps them so nothing is dated in the future.

The data tables these functions draw from (names, businesses, Mekar Sari's history)
are in `groups/demo_data.py`. Later data (monthly reports, grants, partners, assets,
loans) comes from the other apps' builders, which `pages/demo.py` runs, in order,
after the groups exist, each with the `DemoContext` that `seed_city` returns.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group as AuthGroup
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kube_registry.roles import ROLE_ADMIN, ROLE_FACILITATOR, ROLE_OFFICER

from .demo_data import (
    BUSINESSES,
    COASTAL_KELURAHAN,
    FEMALE_FIRST,
    FEMALE_LAST,
    FIRST_FOUNDED,
    GROUPS_PER_FACILITATOR,
    LEAVE_REASONS,
    MALE_FIRST,
    MALE_LAST,
    MEKAR_SARI_CITY,
    MEKAR_SARI_DESCRIPTION,
    MEKAR_SARI_FOUNDED,
    MEKAR_SARI_KELURAHAN,
    MEKAR_SARI_MEMBERS,
    MEKAR_SARI_NIK_REGIONS,
    MEKAR_SARI_NUMBER,
    MEKAR_SARI_PKH,
    MEKAR_SARI_PLAN,
    MEKAR_SARI_VISION,
    MIGRANT_REGIONS,
    NAME_FIRST,
    NAME_SECOND,
    NAME_SINGLE,
    REFERENCE_DATE,
    RURAL_KELURAHAN,
    STREETS,
    Business,
)
from .models import (
    OFFICER_ROLES,
    AreaType,
    BusinessField,
    FinancialInstitution,
    Initiative,
    Kecamatan,
    Kelurahan,
    Kube,
    KubeStatus,
    LeaveReason,
    Membership,
    Person,
    Role,
    Sex,
)
from .regions import load_regions
from .services import city_code_digits, facilitator_area_set

DEFAULT_PASSWORD = "kube-demo"
DEFAULT_GROUPS = 280
DEFAULT_YEARS = 3
DEFAULT_SEED = 2014


class DemoError(Exception):
    """The demo city cannot be built here; the message is for the user."""


@dataclass(frozen=True)
class DemoUsers:
    admin: object
    officer: object
    facilitators: list

    @property
    def count(self) -> int:
        return 2 + len(self.facilitators)


@dataclass
class DemoGroup:
    """A group and its memberships (each holding its unsaved person), before saving."""

    kube: Kube
    memberships: list[Membership] = field(default_factory=list)


@dataclass(frozen=True)
class DemoContext:
    """What the other apps' demo builders start from (`pages/demo.py` runs them)."""

    seed: int
    years: int
    today: dt.date  # the last date demo data may carry
    admin: Any
    officer: Any
    facilitators: list
    mekar_sari: Any  # the Kube

    def stream(self, kind: str) -> random.Random:
        """An independent, deterministic random stream per kind of data."""
        return stream(self.seed, kind)


@dataclass(frozen=True)
class CityCounts:
    kubes: int
    persons: int
    memberships: int
    users: int


def demo_today() -> dt.date:
    """The last date demo data may carry: the reference date, or today if earlier."""
    return min(REFERENCE_DATE, timezone.localdate())


def stream(seed: int, kind: str) -> random.Random:
    """An independent random stream per kind of data (str seeds hash deterministically)."""
    return random.Random(f"{seed}:{kind}")


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def person_name(rng: random.Random, sex: str) -> str:
    first, last = (FEMALE_FIRST, FEMALE_LAST) if sex == Sex.FEMALE else (MALE_FIRST, MALE_LAST)
    if rng.random() < 0.12:  # many Indonesians carry a single name
        return rng.choice(last)
    return f"{rng.choice(first)} {rng.choice(last)}"


def phone_number(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return ""
    prefix = rng.choice(("0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0878", "0896"))
    return prefix + "".join(str(rng.randint(0, 9)) for _ in range(rng.choice((7, 8))))


class IdentityNumbers:
    """Hands out NIK and KK numbers that are valid and unique across the demo city."""

    def __init__(self, taken_niks=()):
        self.niks: set[str] = set(taken_niks)
        self.kks: set[str] = set()

    def nik(self, rng: random.Random, *, region: str, sex: str, birth_on: dt.date) -> str:
        day = birth_on.day + (40 if sex == Sex.FEMALE else 0)
        stem = f"{region}{day:02d}{birth_on.month:02d}{birth_on.year % 100:02d}"
        while True:
            # Serials per region and birth date run from 0001; most are low.
            nik = f"{stem}{min(int(rng.expovariate(1 / 120)) + 1, 9999):04d}"
            if nik not in self.niks:
                self.niks.add(nik)
                return nik

    def kk(self, rng: random.Random, *, region: str, registered_on: dt.date) -> str:
        stem = f"{region}{registered_on:%d%m%y}"
        while True:
            kk = f"{stem}{rng.randint(1, 9999):04d}"
            if kk not in self.kks:
                self.kks.add(kk)
                return kk


def make_person(
    rng: random.Random,
    ids: IdentityNumbers,
    *,
    home_region: str,
    sex: str,
    joined_on: dt.date,
    nik_region: str | None = None,
    is_pkh: bool | None = None,
    is_dtks: bool | None = None,
    names_in_group: set[str] | None = None,
) -> Person:
    """A head of family of working age when joining, with NIK and KK that agree with them."""
    birth_on = add_years(joined_on, -rng.randint(21, 56)) - dt.timedelta(days=rng.randint(0, 364))
    if nik_region is None:
        roll = rng.random()
        if roll < 0.72:
            nik_region = home_region
        elif roll < 0.82:
            nik_region = home_region[:4] + rng.choice(("01", "02", "03"))  # another kecamatan of the city
        elif roll < 0.997:
            nik_region = rng.choices(*zip(*MIGRANT_REGIONS, strict=True))[0]
        else:
            nik_region = home_region[:4] + "00"  # an old NIK without a district: shows the warning
    registered_on = random_date(rng, max(dt.date(2005, 1, 1), add_years(birth_on, 18)), joined_on)
    kk = "" if rng.random() < 0.03 else ids.kk(rng, region=home_region, registered_on=registered_on)
    name = person_name(rng, sex)
    while names_in_group is not None and name in names_in_group:  # namesakes do occur, but not in one group
        name = person_name(rng, sex)
    if names_in_group is not None:
        names_in_group.add(name)
    return Person(
        nik=ids.nik(rng, region=nik_region, sex=sex, birth_on=birth_on),
        kk=kk,
        name=name,
        sex=sex,
        birth_on=birth_on,
        phone=phone_number(rng),
        is_dtks=rng.random() < 0.96 if is_dtks is None else is_dtks,
        is_pkh=rng.random() < 0.4 if is_pkh is None else is_pkh,
    )


def seed_regions() -> list[Kelurahan]:
    """The configured city's kelurahan (and Guntung, Mekar Sari's home, wherever the city)."""
    load_regions(settings.KUBE_CITY_CODE, Kecamatan, Kelurahan)
    if not Kelurahan.objects.filter(code=MEKAR_SARI_KELURAHAN).exists():
        load_regions(MEKAR_SARI_CITY, Kecamatan, Kelurahan)
    return list(
        Kelurahan.objects.filter(code__startswith=f"{settings.KUBE_CITY_CODE}.")
        .select_related("kecamatan")
        .order_by("code")
    )


def seed_users(*, rng: random.Random, password: str, facilitator_count: int) -> DemoUsers:
    """admin, petugas and pendamping1..N; existing users keep their rows and get the password."""
    # One hash for all: the demo password is shared anyway, and hashing it 30 times costs seconds.
    hashed = make_password(password)
    roles = {
        group.name: group for group in AuthGroup.objects.filter(name__in=[ROLE_ADMIN, ROLE_OFFICER, ROLE_FACILITATOR])
    }

    def upsert(username: str, role: str, sex: str, **extra):
        first, _space, last = person_name(rng, sex).partition(" ")
        user, _created = get_user_model().objects.update_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "password": hashed, "is_active": True, **extra},
        )
        user.groups.add(roles[role])
        return user

    admin = upsert("admin", ROLE_ADMIN, Sex.MALE, is_staff=True, is_superuser=True)
    officer = upsert("petugas", ROLE_OFFICER, Sex.FEMALE)
    facilitators = [
        upsert(f"pendamping{n}", ROLE_FACILITATOR, rng.choice((Sex.FEMALE, Sex.MALE)))
        for n in range(1, facilitator_count + 1)
    ]
    return DemoUsers(admin=admin, officer=officer, facilitators=facilitators)


def facilitator_count_for(groups: int) -> int:
    """About one facilitator per ten groups, Mekar Sari included; at least one."""
    return max(1, round((groups + 1) / GROUPS_PER_FACILITATOR))


def build_mekar_sari(*, rng: random.Random, ids: IdentityNumbers, facilitator, today: dt.date) -> DemoGroup:
    """KUBE Mekar Sari as in BRIEF.md: 10 founders in April 2014, 20 by 2016, 23 active by 2023.

    Under a clock set before those dates (frozen-time tests) the history stops at `today`.
    """
    kelurahan = Kelurahan.objects.select_related("kecamatan").get(code=MEKAR_SARI_KELURAHAN)
    kube = Kube(
        no_registrasi=MEKAR_SARI_NUMBER,
        name="KUBE Mekar Sari",
        kelurahan=kelurahan,
        rt="07",
        address="Jl. Cumi-Cumi",
        founded_on=MEKAR_SARI_FOUNDED,
        business_field=BusinessField.PRODUKSI,
        business_description=MEKAR_SARI_DESCRIPTION,
        area_type=AreaType.PERKOTAAN,
        initiative=Initiative.MASYARAKAT,
        facilitator=facilitator,
        status=KubeStatus.AKTIF,
        vision=MEKAR_SARI_VISION,
        plan=MEKAR_SARI_PLAN,
    )
    group = DemoGroup(kube)
    names: set[str] = set()
    for index, (joined_on, sex, role, left_on, reason) in enumerate(MEKAR_SARI_MEMBERS):
        person = make_person(
            rng,
            ids,
            home_region="647401",
            sex=sex,
            joined_on=joined_on,
            nik_region=MEKAR_SARI_NIK_REGIONS.get(index, "647401"),
            is_dtks=True,
            is_pkh=index in MEKAR_SARI_PKH,
            names_in_group=names,
        )
        if joined_on > today:
            continue
        if left_on and left_on > today:
            left_on, reason = None, ""
        group.memberships.append(
            Membership(person=person, kube=kube, role=role, joined_on=joined_on, left_on=left_on, leave_reason=reason)
        )
    return group


def _area_type(rng: random.Random, kelurahan: Kelurahan) -> str:
    roll = rng.random()
    if roll < 0.05:
        return ""
    if kelurahan.code in COASTAL_KELURAHAN and roll < 0.7:
        return AreaType.PESISIR
    if kelurahan.code in RURAL_KELURAHAN and roll < 0.6:
        return AreaType.PERDESAAN
    return AreaType.PERKOTAAN


def _status(rng: random.Random, *, founded_on: dt.date, initiative: str, today: dt.date) -> str:
    # Older groups have had longer to fail; self-initiated groups fail less often.
    age = (today - founded_on).days / 365
    risk = min(0.06 * age, 0.55) * (0.6 if initiative == Initiative.MASYARAKAT else 1.0)
    roll = rng.random()
    if roll < risk * 0.35:
        return KubeStatus.BUBAR
    if roll < risk:
        return KubeStatus.TIDAK_AKTIF
    return KubeStatus.AKTIF


def _active_target(rng: random.Random) -> int:
    """Active members at the end: mostly 5-20 around ten, a few outside the band."""
    roll = rng.random()
    if roll < 0.05:
        return rng.randint(3, 4)
    if roll < 0.10:
        return rng.randint(21, 25)
    return max(5, min(20, round(rng.triangular(5, 20, 10))))


def _group_name(rng: random.Random, business: Business, used: set[str]) -> str:
    for _attempt in range(4):
        roll = rng.random()
        if roll < 0.3:
            base = rng.choice(business.names)
        elif roll < 0.45:
            base = rng.choice(NAME_SINGLE).replace("-", " ")
        else:
            base = f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)}"
        if f"KUBE {base}" not in used:
            break
    name, n = f"KUBE {base}", 1
    while name in used:  # real registries number their namesakes
        n += 1
        name = f"KUBE {base} {_roman(n)}"
    used.add(name)
    return name


def _roman(n: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in numerals:
        while n >= value:
            out, n = out + letters, n - value
    return out


def build_members(
    rng: random.Random, ids: IdentityNumbers, group: DemoGroup, business: Business, *, end: dt.date
) -> None:
    """Founders, later joiners and leavers of one synthetic group, up to `end`."""
    kube = group.kube
    home_region = kube.kelurahan.kecamatan.code.replace(".", "")
    age_years = (end - kube.founded_on).days / 365
    active = _active_target(rng)
    leavers = min(int(rng.random() * age_years * 0.6), 8)
    total = active + leavers
    founders = min(total, 10 if rng.random() < 0.55 else rng.randint(5, 15))
    # Some early paper records have no join dates: "since founding".
    undated = kube.founded_on.year <= 2014 and rng.random() < 0.15

    people, names = [], set()
    for index in range(total):
        if index < founders:
            joined_on = kube.founded_on
        else:
            joined_on = random_date(rng, kube.founded_on + dt.timedelta(days=30), end)
        sex = Sex.FEMALE if rng.random() < business.female_share else Sex.MALE
        person = make_person(
            rng, ids, home_region=home_region, sex=sex, joined_on=min(joined_on, end), names_in_group=names
        )
        people.append([person, min(joined_on, end), None, ""])

    # Who left, when and why; a leaver needs two months in the group.
    candidates = [p for p in people if (end - p[1]).days > 60]
    for entry in rng.sample(candidates, min(leavers, len(candidates))):
        entry[2] = random_date(rng, entry[1] + dt.timedelta(days=60), end)
        entry[3] = rng.choices(*zip(*LEAVE_REASONS, strict=True))[0]

    still_active = [p for p in people if p[2] is None]
    roles = list(OFFICER_ROLES)
    if rng.random() < 0.08:  # a few groups have not chosen one of their officers
        roles.remove(rng.choice(roles))
    # Officers come from the founders when they can: musyawarah picks known faces.
    officers = sorted(still_active, key=lambda p: (p[1], rng.random()))[: len(roles)]
    role_of = {id(p): role for p, role in zip(officers, roles, strict=False)}
    for entry in people:
        person, joined_on, left_on, reason = entry
        role = role_of.get(id(entry), Role.ANGGOTA)
        if left_on and joined_on == kube.founded_on and rng.random() < 0.15:
            role = rng.choice(OFFICER_ROLES)  # a former officer, since replaced
        if kube.status == KubeStatus.BUBAR and left_on is None:
            left_on, reason = end, LeaveReason.LAINNYA  # the group dissolved
        group.memberships.append(
            Membership(
                person=person,
                kube=kube,
                role=role,
                joined_on=None if undated and joined_on == kube.founded_on else joined_on,
                left_on=left_on,
                leave_reason=reason,
            )
        )


def build_groups(
    *,
    rng: random.Random,
    ids: IdentityNumbers,
    count: int,
    kelurahans: list[Kelurahan],
    facilitators: list,
    today: dt.date,
    taken_numbers: set[str],
) -> list[DemoGroup]:
    """`count` synthetic groups over every kelurahan, founded 2012 to the reference date."""
    if not count:
        return []
    used_names = {"KUBE Mekar Sari"}
    last_founded = min(REFERENCE_DATE, today)
    groups = []
    for index in range(count):
        # Every kelurahan first, then anywhere.
        kelurahan = kelurahans[index] if index < len(kelurahans) else rng.choice(kelurahans)
        coastal = kelurahan.code in COASTAL_KELURAHAN
        weights = [b.weight * (3 if b.coastal and coastal else 1) for b in BUSINESSES]
        business = rng.choices(BUSINESSES, weights)[0]
        founded_on = random_date(rng, FIRST_FOUNDED, last_founded)
        initiative = rng.choices((Initiative.MASYARAKAT, Initiative.PEMERINTAH, ""), (35, 60, 5))[0]
        status = _status(rng, founded_on=founded_on, initiative=initiative, today=last_founded)
        kube = Kube(
            name=_group_name(rng, business, used_names),
            kelurahan=kelurahan,
            rt=f"{rng.randint(1, 40):02d}",
            address=f"{rng.choice(STREETS)} No. {rng.randint(1, 120)}" if rng.random() < 0.7 else "",
            founded_on=founded_on,
            business_field=business.field,
            business_description=rng.choice(business.descriptions),
            area_type=_area_type(rng, kelurahan),
            initiative=initiative,
            status=status,
        )
        if rng.random() < 0.6:
            kube.vision = "Meningkatkan pendapatan dan kesejahteraan keluarga anggota melalui usaha bersama."
        fi_chance = 0.3 if business.lends else 0.04
        if status == KubeStatus.AKTIF and founded_on.year <= 2021 and rng.random() < fi_chance:
            kube.financial_institution = rng.choice((FinancialInstitution.LKM, FinancialInstitution.KOPERASI))
            kube.financial_institution_on = random_date(
                rng, add_years(founded_on, 2), min(add_years(founded_on, 6), last_founded)
            )
        end = last_founded
        if status == KubeStatus.BUBAR:
            end = random_date(rng, add_years(founded_on, 1), last_founded)
        group = DemoGroup(kube)
        build_members(rng, ids, group, business, end=min(end, last_founded))
        groups.append(group)

    # Registration numbers run per city (the kelurahan's) and founding year, in founding order (contract 4).
    groups.sort(key=lambda g: (g.kube.founded_on, g.kube.name))
    sequences: dict[tuple[str, int], int] = {}
    for group in groups:
        city, year = city_code_digits(group.kube.kelurahan), group.kube.founded_on.year
        while True:
            sequences[city, year] = sequences.get((city, year), 0) + 1
            number = f"{city}-{year}-{sequences[city, year]:03d}"
            if number not in taken_numbers:
                break
        taken_numbers.add(number)
        group.kube.no_registrasi = number

    # Each facilitator covers a neighbourhood: groups ordered by kelurahan, cut in runs.
    by_area = sorted(groups, key=lambda g: (g.kube.kelurahan.code, g.kube.no_registrasi))
    for index, group in enumerate(by_area):
        facilitator = facilitators[index * len(facilitators) // len(by_area)]
        if group.kube.status == KubeStatus.BUBAR and rng.random() < 0.5:
            facilitator = None  # nobody follows a dissolved group any more
        group.kube.facilitator = facilitator
    return groups


def save_groups(groups: list[DemoGroup], *, actor) -> tuple[int, int, int]:
    """Bulk-insert groups, persons and memberships, each with its creation history entry."""
    kubes = bulk_create_with_history([g.kube for g in groups], Kube, default_user=actor)
    memberships = [m for g in groups for m in g.memberships]
    persons = bulk_create_with_history([m.person for m in memberships], Person, default_user=actor)
    # bulk_create fills person_id and kube_id from the now-saved objects the memberships hold.
    bulk_create_with_history(memberships, Membership, default_user=actor)
    return len(kubes), len(persons), len(memberships)


def seed_work_areas(facilitators: list, *, actor) -> None:
    """Each facilitator works where their groups are, as the office would have set it."""
    for facilitator in facilitators:
        kelurahans = Kelurahan.objects.filter(kubes__facilitator=facilitator).distinct()
        facilitator_area_set(actor=actor, facilitator=facilitator, kelurahans=list(kelurahans))


def seed_city(*, groups: int, years: int, seed: int, password: str) -> tuple[CityCounts, DemoContext]:
    """Regions, users, Mekar Sari and `groups` synthetic groups with their members, into a
    database without groups; see CONTRACTS.md, 2. Run inside the caller's transaction."""
    if Kube.objects.exists():
        raise DemoError(
            "Basis data sudah berisi KUBE; data demo hanya dibuat di basis data tanpa KUBE. "
            "Pakai --if-empty untuk melewati, atau kosongkan basis data terlebih dahulu."
        )
    today = demo_today()
    kelurahans = seed_regions()
    if groups and not kelurahans:
        raise DemoError(f"Tidak ada data wilayah untuk kode kota {settings.KUBE_CITY_CODE} di fixtures/wilayah/.")
    users = seed_users(rng=stream(seed, "users"), password=password, facilitator_count=facilitator_count_for(groups))
    ids = IdentityNumbers(Person.objects.values_list("nik", flat=True))
    mekar_sari = build_mekar_sari(
        rng=stream(seed, "mekar-sari"), ids=ids, facilitator=users.facilitators[0], today=today
    )
    synthetic = build_groups(
        rng=stream(seed, "groups"),
        ids=ids,
        count=groups,
        kelurahans=kelurahans,
        facilitators=users.facilitators,
        today=today,
        taken_numbers={MEKAR_SARI_NUMBER},
    )
    kubes, persons, memberships = save_groups([mekar_sari, *synthetic], actor=users.admin)
    seed_work_areas(users.facilitators, actor=users.officer)
    context = DemoContext(
        seed=seed,
        years=years,
        # Reports and other dated facts run to the last complete month, so the demo
        # stays current (the same seed gives the same city within a month).
        today=timezone.localdate().replace(day=1) - dt.timedelta(days=1),
        admin=users.admin,
        officer=users.officer,
        facilitators=users.facilitators,
        mekar_sari=mekar_sari.kube,
    )
    return CityCounts(kubes=kubes, persons=persons, memberships=memberships, users=users.count), context
