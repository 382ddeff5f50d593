"""Sign-in throttling, password rules, expiring sessions, personal data kept out of logs."""

import datetime as dt
import logging
import os

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from kube_registry.masking import PersonalDataFilter, mask_personal_data
from tests import processes
from tests.factories import TEST_PASSWORD, OfficerFactory

NIK = "6474015708800001"


def sign_in(client, username, password, address="10.0.0.5"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="id"
    )


# --- Sign-in throttling --------------------------------------------------------------


@pytest.mark.django_db
def test_sign_in_is_refused_after_repeated_failures_with_an_indonesian_message(client):
    officer = OfficerFactory(username="petugas")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "petugas", "salah").status_code == 200
    locked = sign_in(client, "petugas", "salah")
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk" in locked.content.decode()
    assert "15 menit" in locked.content.decode()
    # Even the right password waits now.
    right = sign_in(client, "petugas", TEST_PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert officer.username == "petugas"


@pytest.mark.django_db
def test_lockout_is_per_user_name_and_address_and_ends_after_the_cool_off(client):
    OfficerFactory(username="petugas")
    OfficerFactory(username="petugas2")
    start = timezone.now()
    with freeze_time(start):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "petugas", "salah")
        assert sign_in(client, "petugas", TEST_PASSWORD).status_code == 429
        # A colleague behind the same office address still signs in, and so does the
        # same user from another address.
        assert sign_in(client, "petugas2", TEST_PASSWORD).status_code == 302
        client.logout()
        assert sign_in(client, "petugas", TEST_PASSWORD, address="10.0.0.9").status_code == 302
        client.logout()
    with freeze_time(start + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1)):
        assert sign_in(client, "petugas", TEST_PASSWORD).status_code == 302


def assert_locked_out(response):
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk" in response.content.decode()


@pytest.mark.django_db
def test_one_address_trying_many_user_names_is_stopped(client):
    """Under the pair limit for every name, but the address's count reaches its own limit."""
    OfficerFactory(username="petugas")
    assert settings.SIGNIN_LIMIT_ADDRESS == 20
    for index in range(settings.SIGNIN_LIMIT_ADDRESS - 1):
        assert sign_in(client, f"tebakan{index}", "salah").status_code == 200
    # The 20th failure from this address locks it, though no name failed twice; every
    # name from it now waits, a real one with its right password too ...
    assert_locked_out(sign_in(client, "tebakan-ke-20", "salah"))
    assert_locked_out(sign_in(client, "tebakan-baru", "salah"))
    assert_locked_out(sign_in(client, "petugas", TEST_PASSWORD))
    assert "_auth_user_id" not in client.session
    # ... while the same user signs in from elsewhere.
    assert sign_in(client, "petugas", TEST_PASSWORD, address="10.0.0.9").status_code == 302


@pytest.mark.django_db
def test_many_addresses_trying_one_user_name_are_stopped(client):
    OfficerFactory(username="petugas")
    OfficerFactory(username="petugas2")
    assert settings.SIGNIN_LIMIT_USER == 10
    for index in range(settings.SIGNIN_LIMIT_USER - 1):
        assert sign_in(client, "petugas", "salah", address=f"198.51.100.{index}").status_code == 200
    # The 10th failure locks the name, though no address failed twice; it waits from
    # every address, the right password included ...
    assert_locked_out(sign_in(client, "petugas", "salah", address="198.51.100.99"))
    assert_locked_out(sign_in(client, "petugas", "salah", address="203.0.113.1"))
    assert_locked_out(sign_in(client, "petugas", TEST_PASSWORD, address="203.0.113.2"))
    assert "_auth_user_id" not in client.session
    # ... while another name still signs in from those addresses.
    assert sign_in(client, "petugas2", TEST_PASSWORD, address="198.51.100.1").status_code == 302


@pytest.mark.django_db
def test_the_pair_still_waits_after_five_and_the_limits_end_with_the_cool_off(client):
    OfficerFactory(username="petugas")
    assert settings.SIGNIN_LIMIT_PAIR == settings.AXES_FAILURE_LIMIT == 5
    start = timezone.now()
    with freeze_time(start):
        for _ in range(4):
            assert sign_in(client, "petugas", "salah").status_code == 200
        assert_locked_out(sign_in(client, "petugas", "salah"))
        for index in range(settings.SIGNIN_LIMIT_ADDRESS):
            sign_in(client, f"tebakan{index}", "salah", address="10.0.0.7")
        assert_locked_out(sign_in(client, "petugas", TEST_PASSWORD, address="10.0.0.7"))
    with freeze_time(start + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1)):
        assert sign_in(client, "petugas", TEST_PASSWORD, address="10.0.0.7").status_code == 302


@pytest.mark.django_db
def test_signing_in_clears_only_the_own_pair_not_the_address(client):
    """A guesser with one valid account cannot reset the address's count by signing in."""
    OfficerFactory(username="petugas")
    for index in range(settings.SIGNIN_LIMIT_ADDRESS - 1):
        sign_in(client, f"tebakan{index}", "salah")
    assert sign_in(client, "petugas", TEST_PASSWORD).status_code == 302
    client.logout()
    assert_locked_out(sign_in(client, "tebakan-lagi", "salah"))


def test_the_limits_are_settings_from_the_environment():

    code = (
        "from django.conf import settings as s; "
        "print(s.SIGNIN_LIMIT_PAIR, s.SIGNIN_LIMIT_USER, s.SIGNIN_LIMIT_ADDRESS, "
        "s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    )
    env = {
        **os.environ,
        "SIGNIN_LIMIT_PAIR": "3",
        "SIGNIN_LIMIT_USER": "7",
        "SIGNIN_LIMIT_ADDRESS": "30",
        "SIGNIN_COOLOFF_MINUTES": "60",
    }
    result = processes.run_manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "3 7 30 3 1:00:00"


@pytest.mark.django_db
def test_commands_and_the_shell_still_authenticate_without_a_request():
    from django.contrib.auth import authenticate

    OfficerFactory(username="petugas")
    assert authenticate(username="petugas", password=TEST_PASSWORD) is not None


def test_client_address_comes_from_the_proxy_only_when_trusted(rf, settings):
    from kube_registry.signin import client_ip

    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    settings.TRUST_X_FORWARDED_FOR = False
    assert client_ip(request) == "127.0.0.1"
    settings.TRUST_X_FORWARDED_FOR = True
    # The right-most entry is the one our proxy appended; the left ones the client wrote.
    assert client_ip(request) == "203.0.113.7"


# --- Passwords -------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["12345678901", "password123", "kube-demo", "pendek"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("Mekar-Sari-Bontang-2014")


# --- Sessions --------------------------------------------------------------------------


def test_sessions_expire_within_a_working_day_and_at_browser_close():
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_ENGINE in {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    }


@pytest.mark.django_db
def test_a_session_past_its_age_signs_the_user_out(client):
    officer = OfficerFactory()
    start = timezone.now()
    with freeze_time(start):
        client.force_login(officer)
        assert client.get(reverse("groups:kube_list")).status_code == 200
    with freeze_time(start + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)):
        assert client.get(reverse("groups:kube_list")).status_code == 200
    with freeze_time(start + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)):
        response = client.get(reverse("groups:kube_list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- Personal data in logs ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        (f"NIK {NIK} ditolak", NIK),
        ("KK 6474 0101 0190 0001", "0101 0190"),
        ("KK 6474.0101.0190.0002", "0101.0190"),
        ("telepon 081234567890", "1234567"),
        ("telepon +62 812-3456-7890", "3456"),
    ],
)
def test_masking_hides_id_and_phone_numbers(text, hidden):
    masked = mask_personal_data(text)
    assert hidden not in masked
    assert masked != text


def test_masking_keeps_other_numbers():
    text = "Impor 160000 baris dalam 25,5 detik; laporan 2024-03, Rp 1.416.000; 6474-2014-001"
    assert mask_personal_data(text) == text


def test_log_lines_never_carry_a_nik_even_in_arguments_and_tracebacks(caplog):
    logger = logging.getLogger("kube_registry.test")
    handler = logging.StreamHandler()
    handler.addFilter(PersonalDataFilter())
    records = []
    handler.emit = lambda record: records.append(handler.format(record))
    logger.addHandler(handler)
    try:
        logger.warning("orang %s tidak ditemukan", NIK)
        try:
            raise ValueError(f"NIK {NIK} sudah terdaftar")
        except ValueError:
            logger.exception("impor gagal untuk 6474015708800002")
    finally:
        logger.removeHandler(handler)
    assert len(records) == 2
    for line in records:
        assert NIK not in line and "6474015708800002" not in line
    # Only province and city stay (README "Masking rule"): not the serial.
    assert "6474 •••• •••• ••••" in records[0] and "0001" not in records[0]
    assert "ValueError" in records[1]


def test_the_configured_console_handler_masks():
    handler_filters = settings.LOGGING["handlers"]["console"]["filters"]
    assert "personal_data" in handler_filters
    assert settings.LOGGING["filters"]["personal_data"]["()"] == "kube_registry.masking.PersonalDataFilter"
