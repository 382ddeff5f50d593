"""The facilitator's home: their groups with category, flags and missing reports, the most urgent first."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from finances.periods import add_months, last_complete_month, month_range
from tests.factories import KubeFactory
from tests.finances.factories import MonthlyReportFactory

from .helpers import assess

URL = reverse("assessments:facilitator_home")


def test_most_urgent_first_with_category_flags_and_missing_months(client_for, facilitator, other_facilitator):
    today = timezone.localdate()
    founded = add_months(today, -6)
    calm = KubeFactory(facilitator=facilitator, name="A Tenang", founded_on=founded)
    late = KubeFactory(facilitator=facilitator, name="B Terlambat", founded_on=founded)
    risky = KubeFactory(facilitator=facilitator, name="C Berisiko", founded_on=founded)
    KubeFactory(facilitator=other_facilitator, name="Milik orang lain")
    last = last_complete_month(today)
    months = list(reversed(month_range(founded, last)))  # newest first
    for period in months:
        MonthlyReportFactory(kube=calm, period=period, status="verified")
        MonthlyReportFactory(kube=risky, period=period, status="submitted")
    MonthlyReportFactory(kube=late, period=months[0], status="submitted")
    assess(calm, today - dt.timedelta(days=1), "berkembang", score="72.5")
    assess(risky, today - dt.timedelta(days=1), "tumbuh", flags=[{"key": "berisiko", "reasons": ["anggota aktif 3"]}])

    response = client_for(facilitator).get(URL)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.kube.name for row in rows] == ["C Berisiko", "B Terlambat", "A Tenang"]
    assert len(rows[1].missing) == len(rows[2].months.months) - 1 >= 5
    assert rows[2].missing == []
    page = response.content.decode()
    assert "Milik orang lain" not in page
    assert "anggota aktif 3" in page and "Berisiko" in page and "Berkembang" in page and "Belum dinilai" in page
    assert "plotly.min.js" not in page  # no charts here


def test_officer_without_groups_of_their_own_may_open_it(client_for, officer):
    # Officers see every group; the page works for them too (it is just not their home).
    assert client_for(officer).get(URL).status_code == 200


def test_anonymous_is_sent_to_sign_in(client_for, db):
    assert client_for(None).get(URL).status_code == 302


def test_profile_prints_as_profil_kube_with_finance_by_year(client_for, officer, kube):
    MonthlyReportFactory(kube=kube, period=dt.date(2024, 3, 1), status="verified", income=2_500_000)
    page = client_for(officer).get(kube.get_absolute_url()).content.decode()
    assert 'href="/static/css/print.css" media="print"' in page
    assert "d-print-block print-sheet-title" in page and "Profil KUBE" in page
    assert 'id="keuangan-tahunan-cetak"' in page and "Rp 2.500.000" in page
