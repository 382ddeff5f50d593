"""The rubric (ASSESSMENT.md) as a pure function: every indicator on both sides of its thresholds."""

import dataclasses
import datetime as dt
from decimal import Decimal

from assessments import rubric
from assessments.rubric import GroupFacts, MonthFigures, Thresholds, assess

AS_OF = dt.date(2024, 12, 31)


def month(year: int, number: int, **figures) -> MonthFigures:
    values = dict(income=2_000_000, expenses=1_000_000, kept=200_000, shared=300_000, iks=50_000)
    values.update(meetings=1, attendance=80)
    values.update(figures)
    return MonthFigures(period=dt.date(year, number, 1), **values)


def reports(skip=(), every=None, **by_month) -> tuple[MonthFigures, ...]:
    """2023 at Rp 1.500.000 a month, then 2024: months in `skip` not reported, `every` applied to
    all of 2024's months, and `m3={...}` style changes for single months."""
    rows = [month(2023, m, income=1_500_000) for m in range(1, 13)]
    for m in range(1, 13):
        if m not in skip:
            rows.append(month(2024, m, **(every or {}), **by_month.get(f"m{m}", {})))
    return tuple(rows)


def facts(**changes) -> GroupFacts:
    """A group that meets every mandiri criterion as of 31 December 2024."""
    base = GroupFacts(
        as_of=AS_OF,
        founded_on=dt.date(2020, 3, 1),
        reports=reports(),
        members_now=10,
        members_year_before=10,
        cash_now=5_000_000,
        cash_year_before=3_000_000,
        assets_now=10_000_000,
        assets_year_before=10_000_000,
        partnerships=3,
        marketing_partnership=True,
        capital_partnership=True,
        finance_institution_capital=True,
        loans_in_window=2,
        has_lkm_or_koperasi=True,
    )
    return dataclasses.replace(base, **changes)


def levels(**changes) -> dict[str, int]:
    result = assess(facts(**changes))
    return {i.key: i.level for i in result.indicators}


def evidence(result, key: str) -> str:
    return result.indicator(key).evidence


def reasons(result, key: str) -> list[str]:
    return next((f.reasons for f in result.flags if f.key == key), [])


def test_a_group_meeting_every_criterion_is_mandiri_with_full_score():
    result = assess(facts())
    assert result.category == rubric.MANDIRI
    assert result.score == Decimal(100)
    assert result.missing == []
    assert result.flags == []
    assert evidence(result, rubric.USIA) == "berdiri 57 bulan"
    assert result.indicator(rubric.USIA).level is None


# --- administrasi ----------------------------------------------------------------------


def test_administrasi_needs_reports_for_10_of_the_12_months():
    ten = assess(facts(reports=reports(skip=(1, 2))))
    nine = assess(facts(reports=reports(skip=(1, 2, 3))))
    assert ten.level(rubric.ADMINISTRASI) == 2
    assert evidence(ten, rubric.ADMINISTRASI).startswith("laporan 10 dari 12 bulan")
    assert nine.level(rubric.ADMINISTRASI) == 1
    assert nine.category == rubric.TUMBUH
    assert "laporan bulanan baru 9 dari 12 bulan (perlu 10)" in nine.missing


def test_administrasi_without_reports_is_level_0_unless_the_group_is_under_3_months_old():
    assert levels(reports=())[rubric.ADMINISTRASI] == 0
    two_months = facts(reports=(), founded_on=dt.date(2024, 10, 15))
    three_months = facts(reports=(), founded_on=dt.date(2024, 9, 30))
    assert assess(two_months).level(rubric.ADMINISTRASI) == 1
    assert assess(three_months).level(rubric.ADMINISTRASI) == 0
    assert (
        "belum ada laporan bulanan dalam 4 bulan terakhir"
        in assess(three_months).indicator(rubric.ADMINISTRASI).needs[1]
    )


def test_administrasi_2_needs_a_complete_member_register():
    no_nik = assess(facts(members_without_valid_nik=1))
    no_treasurer = assess(facts(officers_missing=("bendahara",)))
    assert no_nik.level(rubric.ADMINISTRASI) == 1
    assert "1 anggota aktif tanpa NIK yang sah" in evidence(no_nik, rubric.ADMINISTRASI)
    assert no_treasurer.level(rubric.ADMINISTRASI) == 1
    assert "jabatan kosong: bendahara" in evidence(no_treasurer, rubric.ADMINISTRASI)


def test_a_young_group_counts_its_reports_against_the_months_since_founding():
    young = facts(founded_on=dt.date(2024, 7, 1), reports=reports(skip=range(1, 8)))  # Aug-Dec reported
    result = assess(young)
    assert evidence(result, rubric.ADMINISTRASI).startswith("laporan 5 dari 6 bulan")
    assert result.level(rubric.ADMINISTRASI) == 2  # 5 of 6 is 10 of 12
    assert result.category == rubric.TUMBUH  # under 12 months old
    assert "umur kelompok baru 5 bulan (perlu 12)" in result.missing


# --- organisasi ------------------------------------------------------------------------


def test_organisasi_1_needs_the_three_officers():
    result = assess(facts(officers_missing=("ketua", "sekretaris")))
    assert result.level(rubric.ORGANISASI) == 0
    assert "isi jabatan ketua, sekretaris" in result.missing


def test_organisasi_2_needs_meetings_in_75_percent_of_reported_months():
    nine = {f"m{m}": {"meetings": 0} for m in (1, 2, 3)}
    eight = {f"m{m}": {"meetings": 0} for m in (1, 2, 3, 4)}
    assert levels(reports=reports(**nine))[rubric.ORGANISASI] == 2
    result = assess(facts(reports=reports(**eight)))
    assert result.level(rubric.ORGANISASI) == 1
    assert "pertemuan baru di 8 dari 12 bulan yang dilaporkan (perlu 75%)" in result.missing


def test_organisasi_2_needs_average_attendance_of_60_percent():
    assert levels(reports=reports(every={"attendance": 60}))[rubric.ORGANISASI] == 2
    result = assess(facts(reports=reports(every={"attendance": 59})))
    assert result.level(rubric.ORGANISASI) == 1
    assert "kehadiran rata-rata 59% (perlu 60%)" in result.missing
    assert levels(reports=reports(every={"attendance": None}))[rubric.ORGANISASI] == 1


def test_organisasi_2_needs_as_many_members_as_a_year_before():
    assert levels(members_now=10, members_year_before=10)[rubric.ORGANISASI] == 2
    result = assess(facts(members_now=9, members_year_before=10))
    assert result.level(rubric.ORGANISASI) == 1
    assert "anggota aktif turun dari 10 menjadi 9" in result.missing


# --- usaha -----------------------------------------------------------------------------


def test_usaha_1_needs_income_above_expenses():
    assert levels(reports=reports(every={"expenses": 1_999_999}))[rubric.USAHA] == 2
    result = assess(facts(reports=reports(every={"expenses": 2_000_000})))
    assert result.level(rubric.USAHA) == 0
    assert "pendapatan belum melebihi pengeluaran" in result.missing


def test_usaha_2_needs_cash_kept_in_half_the_reported_months():
    six = {f"m{m}": {"kept": 0} for m in range(1, 7)}
    seven = {f"m{m}": {"kept": 0} for m in range(1, 8)}
    assert levels(reports=reports(**six))[rubric.USAHA] == 2
    result = assess(facts(reports=reports(**seven)))
    assert result.level(rubric.USAHA) == 1
    assert "menyisihkan ke kas baru di 5 dari 12 bulan yang dilaporkan (perlu 50%)" in result.missing


def test_usaha_2_needs_iks_in_half_the_months_of_the_window():
    assert levels(reports=reports(**{f"m{m}": {"iks": 0} for m in range(1, 7)}))[rubric.USAHA] == 2
    # Unreported months count against IKS: 6 reported months all with IKS is 6 of 12.
    assert levels(reports=reports(skip=range(1, 7)))[rubric.USAHA] == 2
    result = assess(facts(reports=reports(**{f"m{m}": {"iks": 0} for m in range(1, 8)})))
    assert result.level(rubric.USAHA) == 1
    assert "IKS terkumpul baru di 5 dari 12 bulan (perlu 50%)" in result.missing


# --- pemasaran, aset -------------------------------------------------------------------


def test_pemasaran_2_with_a_marketing_partnership_or_income_20_percent_up():
    assert levels(marketing_partnership=True, reports=reports(every={"income": 1_500_000}))[rubric.PEMASARAN] == 2
    # 2023: 12 x 1.500.000 = 18.000.000; +20% is 21.600.000 = 12 x 1.800.000
    assert levels(marketing_partnership=False, reports=reports(every={"income": 1_800_000}))[rubric.PEMASARAN] == 2
    below = assess(facts(marketing_partnership=False, reports=reports(every={"income": 1_799_999})))
    assert below.level(rubric.PEMASARAN) == 1
    assert "(+20%)" in evidence(below, rubric.PEMASARAN)


def test_pemasaran_growth_needs_income_in_the_year_before():
    first_year = tuple(r for r in reports() if r.period.year == 2024)
    assert levels(marketing_partnership=False, reports=first_year)[rubric.PEMASARAN] == 1


def test_aset_2_needs_assets_and_cash_above_a_year_before_and_above_zero():
    assert levels(cash_now=3_000_001, cash_year_before=3_000_000)[rubric.ASET] == 2
    same = assess(facts(cash_now=3_000_000, cash_year_before=3_000_000))
    assert same.level(rubric.ASET) == 1
    assert "Rp 13.000.000" in evidence(same, rubric.ASET)
    assert levels(cash_now=0, cash_year_before=0, assets_now=0, assets_year_before=0)[rubric.ASET] == 1


# --- akses sumber, lembaga keuangan ----------------------------------------------------


def test_akses_sumber_levels():
    assert levels(partnerships=0, capital_partnership=False)[rubric.AKSES_SUMBER] == 0
    assert levels(partnerships=1, capital_partnership=False)[rubric.AKSES_SUMBER] == 1
    assert levels(partnerships=2, capital_partnership=False)[rubric.AKSES_SUMBER] == 1
    assert levels(partnerships=3, capital_partnership=False)[rubric.AKSES_SUMBER] == 2
    assert levels(partnerships=1, capital_partnership=True)[rubric.AKSES_SUMBER] == 2


def test_lembaga_keuangan_levels():
    none = dict(loans_in_window=0, has_lkm_or_koperasi=False, finance_institution_capital=False)
    assert levels(**none)[rubric.LEMBAGA_KEUANGAN] == 0
    assert levels(**{**none, "loans_in_window": 1})[rubric.LEMBAGA_KEUANGAN] == 1
    assert levels(**{**none, "has_lkm_or_koperasi": True})[rubric.LEMBAGA_KEUANGAN] == 2
    assert levels(**{**none, "finance_institution_capital": True})[rubric.LEMBAGA_KEUANGAN] == 2


# --- categories ------------------------------------------------------------------------


def test_without_a_finance_institution_a_strong_group_is_berkembang():
    result = assess(facts(has_lkm_or_koperasi=False, finance_institution_capital=False))
    assert result.category == rubric.BERKEMBANG
    assert result.missing == ["belum membentuk LKM/koperasi atau bermitra permodalan dengan lembaga keuangan"]


def test_berkembang_needs_market_or_assets_grown():
    only_market = facts(cash_now=3_000_000, has_lkm_or_koperasi=False, finance_institution_capital=False)
    neither = dataclasses.replace(
        only_market, marketing_partnership=False, reports=reports(every={"income": 1_500_000})
    )
    assert assess(only_market).category == rubric.BERKEMBANG
    result = assess(neither)
    assert result.category == rubric.TUMBUH
    assert any(line.startswith("pasar atau aset belum tumbuh") for line in result.missing)


def test_berkembang_needs_an_active_partnership():
    result = assess(facts(partnerships=0, capital_partnership=False, has_lkm_or_koperasi=False))
    assert result.category == rubric.TUMBUH
    assert "belum ada kemitraan aktif" in result.missing


def test_no_category_above_tumbuh_before_12_months():
    eleven = facts(founded_on=dt.date(2024, 1, 1), as_of=dt.date(2024, 11, 30))
    twelve = facts(founded_on=dt.date(2024, 1, 1), as_of=dt.date(2024, 12, 31))
    assert assess(eleven).category == rubric.TUMBUH
    assert assess(eleven).age_months == 10
    assert assess(twelve).age_months == 11
    assert assess(facts(founded_on=dt.date(2023, 12, 31))).age_months == 12


# --- flags -----------------------------------------------------------------------------


def test_inactive_without_reports_in_the_last_3_months():
    assert reasons(assess(facts(reports=reports(skip=(11, 12)))), rubric.FLAG_INACTIVE) == []
    result = assess(facts(reports=reports(skip=(10, 11, 12))))
    assert reasons(result, rubric.FLAG_INACTIVE) == ["tidak ada laporan bulanan dalam 3 bulan terakhir"]
    assert result.category == rubric.TUMBUH  # 9 of 12 reports: administrasi 1


def test_inactive_with_zero_income_in_the_last_3_reported_months():
    zero = {f"m{m}": {"income": 0} for m in (10, 11, 12)}
    assert reasons(assess(facts(reports=reports(**zero))), rubric.FLAG_INACTIVE) == [
        "pendapatan nol dalam 3 bulan terakhir yang dilaporkan"
    ]
    two = {f"m{m}": {"income": 0} for m in (11, 12)}
    assert reasons(assess(facts(reports=reports(**two))), rubric.FLAG_INACTIVE) == []


def test_at_risk_when_income_fell_3_months_running():
    falling = {"m9": {"income": 4}, "m10": {"income": 3}, "m11": {"income": 2}, "m12": {"income": 1}}
    result = assess(facts(reports=reports(**falling)))
    assert "pendapatan turun 3 bulan berturut-turut (Rp 4 menjadi Rp 1)" in reasons(result, rubric.FLAG_AT_RISK)
    twice = {"m10": {"income": 3}, "m11": {"income": 2}, "m12": {"income": 1}}  # September's 2.000.000 is above
    assert reasons(assess(facts(reports=reports(**twice))), rubric.FLAG_AT_RISK) != []
    flat = {"m10": {"income": 3}, "m11": {"income": 3}, "m12": {"income": 1}}
    assert reasons(assess(facts(reports=reports(**flat))), rubric.FLAG_AT_RISK) == []


def test_at_risk_when_it_shares_out_everything_and_keeps_nothing():
    spender = {f"m{m}": {"kept": 0, "shared": 1_000_000} for m in range(7, 13)}
    result = assess(facts(reports=reports(**spender)))
    assert reasons(result, rubric.FLAG_AT_RISK) == [
        "6 bulan terakhir yang dilaporkan: tidak ada yang disisihkan ke kas, Rp 6.000.000 dibagikan"
    ]
    kept_once = {**spender, "m12": {"kept": 1, "shared": 1_000_000}}
    assert reasons(assess(facts(reports=reports(**kept_once))), rubric.FLAG_AT_RISK) == []


def test_at_risk_when_iks_collected_in_fewer_than_half_the_months():
    five = {f"m{m}": {"iks": 0} for m in range(1, 8)}
    assert reasons(assess(facts(reports=reports(**five))), rubric.FLAG_AT_RISK) == [
        "IKS terkumpul hanya di 5 dari 12 bulan"
    ]
    six = {f"m{m}": {"iks": 0} for m in range(1, 7)}
    assert reasons(assess(facts(reports=reports(**six))), rubric.FLAG_AT_RISK) == []


def test_at_risk_with_an_overdue_loan_or_too_few_members():
    assert reasons(assess(facts(overdue_loans=1)), rubric.FLAG_AT_RISK) == ["1 pinjaman menunggak lebih dari 30 hari"]
    assert reasons(assess(facts(members_now=4, members_year_before=4)), rubric.FLAG_AT_RISK) == [
        "anggota aktif 4 (kurang dari 5)"
    ]
    assert reasons(assess(facts(members_now=5, members_year_before=5)), rubric.FLAG_AT_RISK) == []


# --- score, what is missing, time ------------------------------------------------------


def test_score_is_each_weight_times_level_over_2():
    result = assess(
        facts(
            partnerships=1,
            capital_partnership=False,
            has_lkm_or_koperasi=False,
            finance_institution_capital=False,
            reports=reports(skip=(1, 2, 3)),
        )
    )
    assert result.score_breakdown == {
        rubric.ADMINISTRASI: Decimal("7.5"),
        rubric.ORGANISASI: Decimal(15),
        rubric.USAHA: Decimal(15),
        rubric.PEMASARAN: Decimal(10),
        rubric.ASET: Decimal(15),
        rubric.AKSES_SUMBER: Decimal("7.5"),
        rubric.LEMBAGA_KEUANGAN: Decimal("7.5"),
    }
    assert result.score == Decimal("77.5")


def test_missing_names_what_a_tumbuh_group_lacks_for_berkembang_in_order():
    lone = dict(partnerships=0, capital_partnership=False, marketing_partnership=False, has_lkm_or_koperasi=False)
    result = assess(facts(reports=reports(skip=range(1, 6)), **lone))
    assert result.category == rubric.TUMBUH
    assert result.missing == ["laporan bulanan baru 7 dari 12 bulan (perlu 10)", "belum ada kemitraan aktif"]


def test_missing_for_mandiri_lists_every_shortfall():
    result = assess(
        facts(
            cash_now=3_000_000,
            partnerships=2,
            capital_partnership=False,
            finance_institution_capital=False,
            has_lkm_or_koperasi=False,
        )
    )
    assert result.category == rubric.BERKEMBANG
    assert result.missing == [
        "aset dan kas Rp 13.000.000 belum bertambah dari setahun sebelumnya (Rp 13.000.000)",
        "kemitraan aktif baru 2 (perlu 3, atau satu dalam bentuk permodalan)",
        "belum membentuk LKM/koperasi atau bermitra permodalan dengan lembaga keuangan",
    ]


def test_data_after_the_as_of_date_is_ignored():
    later = facts(reports=(*reports(), month(2025, 1, income=0)))
    assert assess(later) == assess(facts())
    mid_month = facts(as_of=dt.date(2024, 12, 15))
    # December has not ended: its report does not count yet, November's is the last.
    assert evidence(assess(mid_month), rubric.ADMINISTRASI).startswith("laporan 11 dari 12 bulan")


def test_thresholds_change_the_result_and_round_trip():
    strict = Thresholds(report_months_per_12=12)
    assert assess(facts(reports=reports(skip=(1,))), strict).level(rubric.ADMINISTRASI) == 1
    assert Thresholds.from_dict(strict.as_dict()) == strict
    assert Thresholds.from_dict({"min_members": 7, "unknown": 1}).min_members == 7
