"""Rubric v1 (shared/ASSESSMENT.md): a group's facts as of a date -> indicators, category, flags, score.

Pure: no database, no clock. `assess(facts, thresholds)` is the only entry point; the
facts are gathered for many groups at once by `assessments.facts`. Every number a
result rests on is named in its Indonesian evidence line, so a category can be
explained and argued with, and every threshold comes from `Thresholds`, which is stored
with each result.
"""

import datetime as dt
import itertools
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from finances.periods import add_months, month_end, month_index, month_range, month_start
from kube_registry.values import format_rupiah

RUBRIC_VERSION = "v1"

TUMBUH, BERKEMBANG, MANDIRI = "tumbuh", "berkembang", "mandiri"
CATEGORIES = (TUMBUH, BERKEMBANG, MANDIRI)
NEXT_CATEGORY = {TUMBUH: BERKEMBANG, BERKEMBANG: MANDIRI}

# Indicator keys, in the rubric's order; `usia` carries no level of its own.
ADMINISTRASI, ORGANISASI, USAHA, PEMASARAN = "administrasi", "organisasi", "usaha", "pemasaran"
ASET, AKSES_SUMBER, LEMBAGA_KEUANGAN, USIA = "aset", "akses_sumber", "lembaga_keuangan", "usia"
SCORED_INDICATORS = (ADMINISTRASI, ORGANISASI, USAHA, PEMASARAN, ASET, AKSES_SUMBER, LEMBAGA_KEUANGAN)
# The indicators' names wherever they are shown (profile, thresholds page, list tooltip).
INDICATOR_LABELS = {
    ADMINISTRASI: gettext_lazy("Administrasi"),
    ORGANISASI: gettext_lazy("Organisasi"),
    USAHA: gettext_lazy("Usaha"),
    PEMASARAN: gettext_lazy("Pemasaran"),
    ASET: gettext_lazy("Aset"),
    AKSES_SUMBER: gettext_lazy("Akses sumber daya"),
    LEMBAGA_KEUANGAN: gettext_lazy("Lembaga keuangan"),
    USIA: gettext_lazy("Usia kelompok"),
}

FLAG_INACTIVE, FLAG_AT_RISK = "tidak_aktif", "berisiko"


@dataclass(frozen=True)
class Thresholds:
    """The rubric's numbers, ASSESSMENT.md's defaults. Admins change them in one place."""

    young_group_months: int = 3  # administrasi 1 without reports while this young
    report_months_per_12: int = 10  # administrasi 2: reports in 10 of every 12 months of W
    meeting_months_percent: int = 75  # organisasi 2: a meeting in 75% of reported months
    attendance_percent: int = 60  # organisasi 2: average attendance
    kept_months_percent: int = 50  # usaha 2: something kept in cash in half the reported months
    iks_months_percent: int = 50  # usaha 2 and the at-risk flag: IKS in half the months of W
    income_growth_percent: int = 20  # pemasaran 2: income 20% above the 12 months before
    many_partnerships: int = 3  # akses sumber 2
    min_age_months: int = 12  # berkembang and mandiri
    inactive_months: int = 3  # tidak aktif: no report in the last 3 months of W
    falling_income_months: int = 3  # berisiko: income fell in each of the last 3 reported months
    sharing_months: int = 6  # berisiko: nothing kept while sharing over the last 6 reported months
    loan_overdue_days: int = 30  # berisiko: a loan overdue by more than 30 days
    min_members: int = 5  # berisiko: membership below 5
    weight_administrasi: int = 15
    weight_organisasi: int = 15
    weight_usaha: int = 15
    weight_pemasaran: int = 10
    weight_aset: int = 15
    weight_akses_sumber: int = 15
    weight_lembaga_keuangan: int = 15

    def weight(self, indicator: str) -> int:
        return getattr(self, f"weight_{indicator}")

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "Thresholds":
        """Stored thresholds back; keys a later version added take their defaults."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: int(v) for k, v in values.items() if k in names})


@dataclass(frozen=True)
class MonthFigures:
    """One reported month (submitted or verified)."""

    period: dt.date  # the month's first day
    income: int = 0
    expenses: int = 0
    kept: int = 0  # set aside in group cash
    shared: int = 0  # shared out to members
    iks: int = 0  # IKS dues collected
    meetings: int = 0
    attendance: int | None = None  # percent


@dataclass(frozen=True)
class GroupFacts:
    """What the registry knows of one group as of `as_of` (ASSESSMENT.md, "Inputs").

    `reports` may reach back further than the rubric needs, and may even hold months
    after `as_of`: the rubric keeps only those that ended by it.
    """

    as_of: dt.date
    founded_on: dt.date
    reports: tuple[MonthFigures, ...] = ()
    members_now: int = 0
    members_year_before: int = 0
    members_without_valid_nik: int = 0
    officers_missing: tuple[str, ...] = ()  # "ketua", "sekretaris", "bendahara" not filled at as_of
    cash_now: int = 0
    cash_year_before: int = 0
    assets_now: int = 0
    assets_year_before: int = 0
    partnerships: int = 0  # active at as_of
    marketing_partnership: bool = False  # an active one in form pemasaran
    capital_partnership: bool = False  # an active one in form permodalan
    finance_institution_capital: bool = False  # permodalan with a lembaga_keuangan partner
    loans_in_window: int = 0  # loans to members disbursed in W
    overdue_loans: int = 0  # overdue by more than the threshold at as_of
    has_lkm_or_koperasi: bool = False  # formed by as_of


@dataclass(frozen=True)
class Indicator:
    key: str
    level: int | None  # 0, 1, 2; None for usia
    evidence: str
    # What each level still lacks, in words; empty where the level is reached.
    needs: dict[int, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Flag:
    key: str
    reasons: list[str]


@dataclass(frozen=True)
class Result:
    as_of: dt.date
    category: str
    indicators: list[Indicator]
    flags: list[Flag]
    score: Decimal
    score_breakdown: dict[str, Decimal]
    missing: list[str]  # for the next category; empty for mandiri
    age_months: int
    rubric_version: str = RUBRIC_VERSION

    def indicator(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.key == key)

    def level(self, key: str) -> int:
        return self.indicator(key).level or 0


# --- Time ---------------------------------------------------------------------------------


def age_in_months(founded_on: dt.date, as_of: dt.date) -> int:
    """Whole months from founding to the date (0 before the first monthiversary)."""
    months = month_index(as_of) - month_index(founded_on)
    if as_of.day < founded_on.day and as_of != month_end(as_of):
        months -= 1
    return max(months, 0)


def window(founded_on: dt.date, as_of: dt.date) -> list[dt.date]:
    """W: the 12 calendar months ending with the as-of month, or those since founding if fewer."""
    first = max(add_months(month_start(as_of), -11), month_start(founded_on))
    return month_range(first, as_of) if first <= as_of else []


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _at_least(part: int, whole: int, percent: int) -> bool:
    """part/whole >= percent%, in integers (no rounding at the edge)."""
    return whole > 0 and part * 100 >= percent * whole


# --- Indicators ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """The facts cut to W and to the 12 months before it, shared by the indicators."""

    facts: GroupFacts
    t: Thresholds
    months: list[dt.date]  # W
    reported: list[MonthFigures]  # reported months in W, oldest first
    before: list[MonthFigures]  # reported months in the 12 before W
    history: list[MonthFigures]  # every reported month that ended by as_of, oldest first
    age: int


def _context(facts: GroupFacts, t: Thresholds) -> _Context:
    history = sorted(
        (r for r in facts.reports if month_end(r.period) <= facts.as_of and r.period >= month_start(facts.founded_on)),
        key=lambda r: r.period,
    )
    months = window(facts.founded_on, facts.as_of)
    in_window = set(months)
    first_before = add_months(month_start(facts.as_of), -23)
    window_start = months[0] if months else month_start(facts.as_of)
    return _Context(
        facts=facts,
        t=t,
        months=months,
        reported=[r for r in history if r.period in in_window],
        before=[r for r in history if first_before <= r.period < window_start],
        history=history,
        age=age_in_months(facts.founded_on, facts.as_of),
    )


def _officers_text(missing: tuple[str, ...]) -> str:
    return ", ".join(missing)


def _administrasi(c: _Context) -> Indicator:
    f, t = c.facts, c.t
    reports, months = len(c.reported), len(c.months)
    needed = -(-t.report_months_per_12 * months // 12)  # ceil: 10 of 12, 5 of 6, 1 of 1
    evidence = [_("laporan %(n)s dari %(m)s bulan") % {"n": reports, "m": months}]
    needs: dict[int, list[str]] = {1: [], 2: []}
    young = c.age < t.young_group_months
    if reports == 0 and not young:
        needs[1].append(_("belum ada laporan bulanan dalam %(m)s bulan terakhir") % {"m": months})
    if reports < needed:
        needs[2].append(
            _("laporan bulanan baru %(n)s dari %(m)s bulan (perlu %(need)s)")
            % {"n": reports, "m": months, "need": needed}
        )
    if f.members_without_valid_nik:
        invalid = f.members_without_valid_nik
        text = ngettext("%(n)s anggota aktif tanpa NIK yang sah", "%(n)s anggota aktif tanpa NIK yang sah", invalid) % {
            "n": invalid
        }
        evidence.append(text)
        needs[2].append(_("lengkapi NIK: %(text)s") % {"text": text})
    if f.officers_missing:
        evidence.append(_("jabatan kosong: %(roles)s") % {"roles": _officers_text(f.officers_missing)})
        needs[2].append(_("isi jabatan %(roles)s") % {"roles": _officers_text(f.officers_missing)})
    elif not f.members_without_valid_nik:
        evidence.append(_("register anggota lengkap"))
    if young and reports == 0:
        evidence.append(_("kelompok baru berumur %(age)s bulan") % {"age": c.age})
    level = 0 if needs[1] else (1 if needs[2] else 2)
    return Indicator(ADMINISTRASI, level, "; ".join(evidence), needs)


def _organisasi(c: _Context) -> Indicator:
    f, t = c.facts, c.t
    needs: dict[int, list[str]] = {1: [], 2: []}
    evidence = []
    if f.officers_missing:
        evidence.append(_("jabatan kosong: %(roles)s") % {"roles": _officers_text(f.officers_missing)})
        needs[1].append(_("isi jabatan %(roles)s") % {"roles": _officers_text(f.officers_missing)})
    else:
        evidence.append(_("ketua, sekretaris dan bendahara terisi"))
    reported = len(c.reported)
    with_meeting = sum(1 for r in c.reported if r.meetings > 0)
    evidence.append(_("pertemuan di %(n)s dari %(m)s bulan yang dilaporkan") % {"n": with_meeting, "m": reported})
    if not _at_least(with_meeting, reported, t.meeting_months_percent):
        needs[2].append(
            _("pertemuan baru di %(n)s dari %(m)s bulan yang dilaporkan (perlu %(p)s%%)")
            % {"n": with_meeting, "m": reported, "p": t.meeting_months_percent}
        )
    attendances = [r.attendance for r in c.reported if r.attendance is not None]
    average = round(sum(attendances) / len(attendances)) if attendances else None
    if average is None:
        evidence.append(_("kehadiran belum dicatat"))
        needs[2].append(_("kehadiran anggota belum dicatat (perlu rata-rata %(p)s%%)") % {"p": t.attendance_percent})
    else:
        evidence.append(_("kehadiran rata-rata %(a)s%%") % {"a": average})
        if sum(attendances) < t.attendance_percent * len(attendances):
            needs[2].append(
                _("kehadiran rata-rata %(a)s%% (perlu %(p)s%%)") % {"a": average, "p": t.attendance_percent}
            )
    evidence.append(
        _("anggota aktif %(now)s (setahun sebelumnya %(before)s)")
        % {"now": f.members_now, "before": f.members_year_before}
    )
    if f.members_now < f.members_year_before:
        needs[2].append(
            _("anggota aktif turun dari %(before)s menjadi %(now)s")
            % {"now": f.members_now, "before": f.members_year_before}
        )
    needs[2] = needs[1] + needs[2]
    level = 0 if needs[1] else (1 if needs[2] else 2)
    return Indicator(ORGANISASI, level, "; ".join(evidence), needs)


def _usaha(c: _Context) -> Indicator:
    t = c.t
    needs: dict[int, list[str]] = {1: [], 2: []}
    income = sum(r.income for r in c.reported)
    expenses = sum(r.expenses for r in c.reported)
    evidence = [
        _("pendapatan %(income)s, pengeluaran %(expenses)s dalam %(m)s bulan")
        % {"income": format_rupiah(income), "expenses": format_rupiah(expenses), "m": len(c.months)}
    ]
    if income <= expenses:
        needs[1].append(_("pendapatan belum melebihi pengeluaran"))
    reported = len(c.reported)
    kept_months = sum(1 for r in c.reported if r.kept > 0)
    evidence.append(
        _("menyisihkan ke kas di %(n)s dari %(m)s bulan yang dilaporkan") % {"n": kept_months, "m": reported}
    )
    if not _at_least(kept_months, reported, t.kept_months_percent):
        needs[2].append(
            _("menyisihkan ke kas baru di %(n)s dari %(m)s bulan yang dilaporkan (perlu %(p)s%%)")
            % {"n": kept_months, "m": reported, "p": t.kept_months_percent}
        )
    iks_months = sum(1 for r in c.reported if r.iks > 0)
    evidence.append(_("IKS terkumpul di %(n)s dari %(m)s bulan") % {"n": iks_months, "m": len(c.months)})
    if not _at_least(iks_months, len(c.months), t.iks_months_percent):
        needs[2].append(
            _("IKS terkumpul baru di %(n)s dari %(m)s bulan (perlu %(p)s%%)")
            % {"n": iks_months, "m": len(c.months), "p": t.iks_months_percent}
        )
    needs[2] = needs[1] + needs[2]
    level = 0 if needs[1] else (1 if needs[2] else 2)
    return Indicator(USAHA, level, "; ".join(evidence), needs)


def _pemasaran(c: _Context) -> Indicator:
    f, t = c.facts, c.t
    income = sum(r.income for r in c.reported)
    before = sum(r.income for r in c.before)
    growth = f"{_percent(income - before, before):+d}%" if before else "–"
    evidence = [
        _("pendapatan %(income)s, 12 bulan sebelumnya %(before)s (%(growth)s)")
        % {"income": format_rupiah(income), "before": format_rupiah(before), "growth": growth}
    ]
    grew = before > 0 and income * 100 >= before * (100 + t.income_growth_percent)
    if f.marketing_partnership:
        evidence.insert(0, _("ada kemitraan pemasaran aktif"))
    needs = {1: [], 2: []}
    if not (f.marketing_partnership or grew):
        needs[2].append(
            _("belum ada kemitraan pemasaran aktif, dan pendapatan belum naik %(p)s%% dari 12 bulan sebelumnya")
            % {"p": t.income_growth_percent}
        )
    return Indicator(PEMASARAN, 1 if needs[2] else 2, "; ".join(evidence), needs)


def _aset(c: _Context) -> Indicator:
    f = c.facts
    now = f.assets_now + f.cash_now
    before = f.assets_year_before + f.cash_year_before
    evidence = _("aset dan kas %(now)s (aset %(assets)s, kas %(cash)s); setahun sebelumnya %(before)s") % {
        "now": format_rupiah(now),
        "assets": format_rupiah(f.assets_now),
        "cash": format_rupiah(f.cash_now),
        "before": format_rupiah(before),
    }
    needs = {1: [], 2: []}
    if not (now > before and now > 0):
        needs[2].append(
            _("aset dan kas %(now)s belum bertambah dari setahun sebelumnya (%(before)s)")
            % {"now": format_rupiah(now), "before": format_rupiah(before)}
        )
    return Indicator(ASET, 1 if needs[2] else 2, evidence, needs)


def _akses_sumber(c: _Context) -> Indicator:
    f, t = c.facts, c.t
    evidence = ngettext("%(n)s kemitraan aktif", "%(n)s kemitraan aktif", f.partnerships) % {"n": f.partnerships}
    if f.capital_partnership:
        evidence += _(", termasuk permodalan")
    needs: dict[int, list[str]] = {1: [], 2: []}
    if f.partnerships == 0:
        needs[1].append(_("belum ada kemitraan aktif"))
    if f.partnerships < t.many_partnerships and not f.capital_partnership:
        needs[2].append(
            _("kemitraan aktif baru %(n)s (perlu %(need)s, atau satu dalam bentuk permodalan)")
            % {"n": f.partnerships, "need": t.many_partnerships}
        )
    level = 2 if not needs[2] else (0 if needs[1] else 1)
    return Indicator(AKSES_SUMBER, level, evidence, needs)


def _lembaga_keuangan(c: _Context) -> Indicator:
    f = c.facts
    evidence = [
        ngettext(
            "%(n)s pinjaman anggota dalam %(m)s bulan", "%(n)s pinjaman anggota dalam %(m)s bulan", f.loans_in_window
        )
        % {"n": f.loans_in_window, "m": len(c.months)}
    ]
    if f.has_lkm_or_koperasi:
        evidence.append(_("sudah membentuk LKM/koperasi"))
    if f.finance_institution_capital:
        evidence.append(_("permodalan dari lembaga keuangan"))
    needs: dict[int, list[str]] = {1: [], 2: []}
    if f.loans_in_window == 0:
        needs[1].append(_("belum ada simpan pinjam anggota dalam %(m)s bulan terakhir") % {"m": len(c.months)})
    if not (f.has_lkm_or_koperasi or f.finance_institution_capital):
        needs[2].append(_("belum membentuk LKM/koperasi atau bermitra permodalan dengan lembaga keuangan"))
    level = 2 if not needs[2] else (0 if needs[1] else 1)
    return Indicator(LEMBAGA_KEUANGAN, level, "; ".join(evidence), needs)


def _usia(c: _Context) -> Indicator:
    return Indicator(USIA, None, _("berdiri %(age)s bulan") % {"age": c.age}, {})


# --- Category, flags, score, what is missing ------------------------------------------------


_REQUIRED = {
    # category: {indicator: level needed}; pemasaran-or-aset is handled apart.
    BERKEMBANG: {ADMINISTRASI: 2, ORGANISASI: 2, USAHA: 2, AKSES_SUMBER: 1},
    MANDIRI: {ADMINISTRASI: 2, ORGANISASI: 2, USAHA: 2, ASET: 2, AKSES_SUMBER: 2, LEMBAGA_KEUANGAN: 2},
}


def _shortfalls(category: str, levels: dict[str, Indicator], c: _Context) -> list[str]:
    """What keeps the group from `category`, in words, in the rubric's order."""
    lines: list[str] = []
    for key, needed in _REQUIRED[category].items():
        indicator = levels[key]
        if (indicator.level or 0) < needed:
            lines.extend(indicator.needs.get(needed, []))
    if category == BERKEMBANG and levels[PEMASARAN].level < 2 and levels[ASET].level < 2:
        lines.append(
            _("pasar atau aset belum tumbuh: %(market)s; atau %(assets)s")
            % {"market": levels[PEMASARAN].needs[2][0], "assets": levels[ASET].needs[2][0]}
        )
    if c.age < c.t.min_age_months:
        lines.append(
            _("umur kelompok baru %(age)s bulan (perlu %(need)s)") % {"age": c.age, "need": c.t.min_age_months}
        )
    return lines


def _flags(c: _Context) -> list[Flag]:
    f, t = c.facts, c.t
    flags = []
    last_months = c.months[-t.inactive_months :]
    recent = [r for r in c.reported if r.period in set(last_months)]
    inactive = []
    if not recent:
        inactive.append(_("tidak ada laporan bulanan dalam %(n)s bulan terakhir") % {"n": len(last_months)})
    last_reported = c.history[-t.inactive_months :]
    if len(last_reported) == t.inactive_months and all(r.income == 0 for r in last_reported):
        inactive.append(_("pendapatan nol dalam %(n)s bulan terakhir yang dilaporkan") % {"n": t.inactive_months})
    if inactive:
        flags.append(Flag(FLAG_INACTIVE, inactive))

    risks = []
    falling = c.history[-(t.falling_income_months + 1) :]
    if len(falling) == t.falling_income_months + 1 and all(b.income < a.income for a, b in itertools.pairwise(falling)):
        risks.append(
            _("pendapatan turun %(n)s bulan berturut-turut (%(from)s menjadi %(to)s)")
            % {
                "n": t.falling_income_months,
                "from": format_rupiah(falling[0].income),
                "to": format_rupiah(falling[-1].income),
            }
        )
    sharing = c.history[-t.sharing_months :]
    if sharing and sum(r.kept for r in sharing) == 0 and sum(r.shared for r in sharing) > 0:
        risks.append(
            _("%(n)s bulan terakhir yang dilaporkan: tidak ada yang disisihkan ke kas, %(shared)s dibagikan")
            % {"n": len(sharing), "shared": format_rupiah(sum(r.shared for r in sharing))}
        )
    iks_months = sum(1 for r in c.reported if r.iks > 0)
    if c.months and not _at_least(iks_months, len(c.months), t.iks_months_percent):
        risks.append(_("IKS terkumpul hanya di %(n)s dari %(m)s bulan") % {"n": iks_months, "m": len(c.months)})
    if f.overdue_loans:
        risks.append(
            ngettext(
                "%(n)s pinjaman menunggak lebih dari %(days)s hari",
                "%(n)s pinjaman menunggak lebih dari %(days)s hari",
                f.overdue_loans,
            )
            % {"n": f.overdue_loans, "days": t.loan_overdue_days}
        )
    if f.members_now < t.min_members:
        risks.append(_("anggota aktif %(n)s (kurang dari %(min)s)") % {"n": f.members_now, "min": t.min_members})
    if risks:
        flags.append(Flag(FLAG_AT_RISK, risks))
    return flags


def _category(levels: dict[str, Indicator], c: _Context) -> str:
    def meets(category: str) -> bool:
        required = all((levels[k].level or 0) >= n for k, n in _REQUIRED[category].items())
        if category == BERKEMBANG:
            required = required and (levels[PEMASARAN].level == 2 or levels[ASET].level == 2)
        return required and c.age >= c.t.min_age_months

    if meets(MANDIRI):
        return MANDIRI
    return BERKEMBANG if meets(BERKEMBANG) else TUMBUH


def assess(facts: GroupFacts, thresholds: Thresholds | None = None) -> Result:
    t = thresholds or Thresholds()
    c = _context(facts, t)
    indicators = [
        _administrasi(c),
        _organisasi(c),
        _usaha(c),
        _pemasaran(c),
        _aset(c),
        _akses_sumber(c),
        _lembaga_keuangan(c),
        _usia(c),
    ]
    by_key = {i.key: i for i in indicators}
    category = _category(by_key, c)
    # A scored indicator is worth its weight at level 2, half of it at level 1.
    breakdown = {key: Decimal(t.weight(key) * (by_key[key].level or 0)) / 2 for key in SCORED_INDICATORS}
    missing = _shortfalls(NEXT_CATEGORY[category], by_key, c) if category in NEXT_CATEGORY else []
    return Result(
        as_of=facts.as_of,
        category=category,
        indicators=indicators,
        flags=_flags(c),
        score=sum(breakdown.values(), Decimal(0)),
        score_breakdown=breakdown,
        missing=missing,
        age_months=c.age,
    )
