"""The dashboard page, its exports and filters, who may open it, and the homes at `/`."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import KubeFactory

from .helpers import AS_OF, assess

URL = reverse("assessments:dashboard")


def table(response, key):
    return response.context["blocks"][key].table


def test_anonymous_is_sent_to_sign_in(client_for, db):
    response = client_for(None).get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    export = client_for(None).get(reverse("assessments:dashboard_export", args=["kategori", "csv"]))
    assert export.status_code == 302


def test_facilitator_cannot_open_the_city_dashboard(client_for, facilitator):
    assert client_for(facilitator).get(URL).status_code == 403
    export = client_for(facilitator).get(reverse("assessments:dashboard_export", args=["kategori", "csv"]))
    assert export.status_code == 403


@pytest.mark.parametrize("persona", ["officer", "admin_user"])
def test_home_of_officers_and_admins_is_the_dashboard(db, client_for, persona, request):
    # `db` named here: pytest-django orders tests by the fixtures it can see, and the
    # persona is only asked for at run time (else it runs after the browser tests' flush).
    client = client_for(request.getfixturevalue(persona))
    response = client.get(reverse("groups:home"))
    assert response.status_code == 200
    assert "assessments/dashboard.html" in [t.name for t in response.templates]
    assert client.get(URL).status_code == 200


def test_home_of_a_facilitator_is_my_groups(client_for, facilitator, kube):
    response = client_for(facilitator).get(reverse("groups:home"))
    assert response.status_code == 200
    assert "assessments/facilitator_home.html" in [t.name for t in response.templates]
    assert kube.name in response.content.decode()


def test_dashboard_numbers_and_filters(client_for, officer, city):
    client = client_for(officer)
    response = client.get(URL, {"tanggal": AS_OF.isoformat()})
    assert table(response, "kategori").rows[1] == ["Berkembang", 3, 2, 1]
    page = response.content.decode()
    assert 'id="tabel-kategori"' in page and "vendor/plotly/plotly.min.js" in page
    assert 'id="figure-kategori" type="application/json"' in page

    utara = city["A"].kelurahan.kecamatan
    response = client.get(URL, {"tanggal": AS_OF.isoformat(), "kecamatan": utara.pk})
    assert response.context["blocks"]["kategori"].extra["counts"] == {
        "tumbuh": 1,
        "berkembang": 3,
        "mandiri": 0,
        "": 0,
    }
    response = client.get(URL, {"tahun": 2024, "business_field": "jasa"})
    assert response.context["params"].as_of == AS_OF
    assert response.context["blocks"]["kategori"].extra["counts"] == {"tumbuh": 1, "berkembang": 0, "mandiri": 1, "": 1}
    response = client.get(URL, {"tahun": 2024, "facilitator": city["f1"].pk, "kelurahan": city["A"].kelurahan_id})
    assert response.context["blocks"]["kategori"].extra["counts"]["berkembang"] == 3
    response = client.get(URL, {"tahun": 2024, "dari": "2024-06-30"})
    assert response.context["blocks"]["perpindahan"].extra == {"up": 1, "down": 2}  # I up; A and C down


def test_invalid_filters_are_shown_and_ignored(client_for, officer, city):
    response = client_for(officer).get(URL, {"tanggal": "2999-01-01", "kecamatan": "999999"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"tanggal", "kecamatan"}
    assert response.context["params"].as_of == timezone.localdate()
    assert sum(response.context["blocks"]["kategori"].extra["counts"].values()) == 7


def test_export_csv_and_xlsx(client_for, officer, city):
    client = client_for(officer)
    url = reverse("assessments:dashboard_export", args=["kecamatan", "csv"])
    response = client.get(url, {"tanggal": AS_OF.isoformat()})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="dasbor-kecamatan-2024-12-31.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Kecamatan", "Tumbuh", "Berkembang", "Mandiri", "Belum dinilai", "Jumlah"]
    assert ["Bontang Utara", "1", "3", "0", "0", "4"] in rows
    assert rows[-1] == ["Jumlah", "2", "3", "1", "1", "7"]

    url = reverse("assessments:dashboard_export", args=["kategori", "xlsx"])
    response = client.get(url, {"tanggal": AS_OF.isoformat()})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[2] == ["Berkembang", 3, 2, 1]
    assert values[-1] == ["Jumlah", 7, 7, 0]


def test_export_lists_are_complete_and_escaped(client_for, officer, city):
    evil = KubeFactory(name='=HYPERLINK("http://x")', kelurahan=city["G"].kelurahan, facilitator=city["f2"])
    assess(evil, AS_OF, "tumbuh", flags=[{"key": "tidak_aktif", "reasons": ["tidak ada laporan"]}])
    url = reverse("assessments:dashboard_export", args=["berisiko", "csv"])
    response = client_for(officer).get(url, {"tanggal": AS_OF.isoformat()})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert rows[1][0] == '\'=HYPERLINK("http://x")' and rows[1][-1] == "tidak aktif: tidak ada laporan"
    assert rows[2][0] == "KUBE G"


def test_unknown_export_is_404(client_for, officer):
    client = client_for(officer)
    assert client.get(reverse("assessments:dashboard_export", args=["tidak-ada", "csv"])).status_code == 404
    assert client.get(reverse("assessments:dashboard_export", args=["kategori", "pdf"])).status_code == 404
