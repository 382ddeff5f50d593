"""The checks on both sides of every edge, as pure functions (no database)."""

import datetime as dt

import pytest

from formation.eligibility import (
    CHECK_ACTIVE,
    CHECK_AGE,
    CHECK_AID,
    CHECK_DTKS,
    CHECK_HEAD,
    CHECK_KECAMATAN,
    CHECK_NIK,
    CHECK_SIZE,
    CandidateFacts,
    EarlierAid,
    age_on,
    candidate_checks,
    group_checks,
)
from tests.factories import make_nik

PROPOSED = dt.date(2025, 6, 2)
BAND = (18, 59)


def facts(**overrides) -> CandidateFacts:
    birth_on = overrides.pop("birth_on", dt.date(1985, 3, 9))
    values = {
        "nik": overrides.pop("nik", None) or make_nik(sex="P", birth_on=birth_on),
        "sex": "P",
        "birth_on": birth_on,
        "is_dtks": True,
        "is_head_of_family": True,
        "is_main_earner": False,
        "kecamatan_name": "Bontang Utara",
    }
    return CandidateFacts(**(values | overrides))


def check(result, code):
    return next(c for c in result if c.code == code)


def run(f: CandidateFacts):
    return candidate_checks(f, proposed_on=PROPOSED, age_band=BAND, kecamatan_name="Bontang Utara")


def test_a_family_meeting_every_rule_passes_every_check():
    assert all(c.ok for c in run(facts()))


@pytest.mark.parametrize(
    ("birth_on", "age", "ok"),
    [
        (dt.date(2007, 6, 3), 17, False),  # turns 18 the day after the proposal
        (dt.date(2007, 6, 2), 18, True),  # 18th birthday on the proposal date
        (dt.date(1965, 6, 3), 59, True),  # 60th birthday the day after
        (dt.date(1965, 6, 2), 60, False),  # 60 on the proposal date
    ],
)
def test_age_band_edges_at_the_proposal_date(birth_on, age, ok):
    assert age_on(birth_on, PROPOSED) == age
    result = check(run(facts(birth_on=birth_on)), CHECK_AGE)
    assert result.ok is ok
    if not ok:
        assert result.reason == f"Berusia {age} tahun pada tanggal usulan (2 Jun 2025); batas usia 18–59 tahun."


def test_age_band_is_the_setting_passed_in():
    sixty = facts(birth_on=dt.date(1965, 6, 2))
    result = candidate_checks(sixty, proposed_on=PROPOSED, age_band=(18, 60), kecamatan_name="Bontang Utara")
    assert check(result, CHECK_AGE).ok


def test_unknown_birth_date_fails_the_age_check_with_a_reason():
    result = run(facts(nik="6474019999850001", birth_on=None))
    assert not check(result, CHECK_AGE).ok
    assert "tidak diketahui" in check(result, CHECK_AGE).reason


def test_invalid_nik_fails_and_blocks():
    result = check(run(facts(nik="6474014903850000")), CHECK_NIK)
    assert not result.ok and result.is_blocking
    assert "0000" in result.reason


def test_nik_disagreeing_with_sex_fails():
    result = check(run(facts(sex="L")), CHECK_NIK)
    assert not result.ok
    assert "Jenis kelamin tidak sesuai" in result.reason


@pytest.mark.parametrize(("is_dtks", "ok"), [(True, True), (False, False)])
def test_dtks(is_dtks, ok):
    assert check(run(facts(is_dtks=is_dtks)), CHECK_DTKS).ok is ok


@pytest.mark.parametrize(
    ("head", "earner", "ok"), [(True, False, True), (False, True, True), (True, True, True), (False, False, False)]
)
def test_head_of_family_or_main_earner(head, earner, ok):
    assert check(run(facts(is_head_of_family=head, is_main_earner=earner)), CHECK_HEAD).ok is ok


@pytest.mark.parametrize(("active_kube", "ok"), [("", True), ("KUBE Melati", False)])
def test_active_member_of_another_kube(active_kube, ok):
    result = check(run(facts(active_kube=active_kube)), CHECK_ACTIVE)
    assert result.ok is ok
    if not ok:
        assert result.is_blocking
        assert result.reason == "Masih anggota aktif KUBE Melati."


def test_earlier_aid_fails_naming_the_first_grant():
    aid = (
        EarlierAid("KUBE Melati", "APBD kota", dt.date(2019, 3, 1)),
        EarlierAid("KUBE Melati", "Kemensos (UEP)", dt.date(2016, 8, 1)),
    )
    result = check(run(facts(aid=aid)), CHECK_AID)
    assert not result.ok and not result.is_blocking
    assert result.reason == "Pernah menerima bantuan KUBE sebagai anggota KUBE Melati (Kemensos (UEP), 1 Agu 2016)."
    assert check(run(facts()), CHECK_AID).ok


def test_other_kecamatan_than_the_proposal():
    result = check(run(facts(kecamatan_name="Bontang Selatan")), CHECK_KECAMATAN)
    assert not result.ok
    assert result.reason == "Tinggal di Kecamatan Bontang Selatan, sedangkan usulan di Kecamatan Bontang Utara."


def test_group_in_one_kecamatan_passes_and_two_fail():
    one = group_checks(["Bontang Utara"] * 6, expected_kecamatan="Bontang Utara", size_band=(5, 20))
    assert check(one, CHECK_KECAMATAN).ok
    two = group_checks(
        ["Bontang Utara"] * 5 + ["Bontang Selatan"], expected_kecamatan="Bontang Utara", size_band=(5, 20)
    )
    assert not check(two, CHECK_KECAMATAN).ok
    assert "2 kecamatan: Bontang Selatan, Bontang Utara" in check(two, CHECK_KECAMATAN).reason


@pytest.mark.parametrize(("count", "ok"), [(4, False), (5, True), (20, True), (21, False)])
def test_five_to_twenty_families(count, ok):
    result = check(
        group_checks(["Bontang Utara"] * count, expected_kecamatan="Bontang Utara", size_band=(5, 20)), CHECK_SIZE
    )
    assert result.ok is ok
    assert not result.is_blocking
