"""50 people on the registry at once (`make load`).

- officers (about half): the city dashboard at /, the group list, group profiles and finance pages;
- facilitators (the other half): open a month's report form and submit it, for their own groups;
- one admin: uploads a 300-group workbook, checks the preview, applies it, and again.

Reads the plan written by loadtest/prepare.py (LOAD_PLAN). Every report the server accepted
(a redirect after submit) is appended to LOAD_SUBMITTED, so the runner can check afterwards
that none was lost, also across the app's reload in the middle of the run.
"""

import io
import itertools
import json
import os
import random
import re
from collections import deque

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "kube-demo")
with open(os.environ["LOAD_PLAN"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)
SUBMITTED = os.environ["LOAD_SUBMITTED"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
APPLY = re.compile(r'action="(/impor/\d+/terapkan/)"')

# One queue of open months per facilitator account, shared by the users signed in as it.
SLOTS = {username: deque(slots) for username, slots in PLAN["slots"].items()}
FACILITATORS = itertools.cycle(sorted(SLOTS, key=lambda name: -len(SLOTS[name])))
IMPORT_ROUND = itertools.count(1)


def csrf_token(response) -> str:
    match = CSRF.search(response.text)
    return match.group(1) if match else ""


class SignedIn(HttpUser):
    abstract = True
    username = ""

    def on_start(self):
        page = self.client.get("/accounts/login/", name="sign in (form)")
        response = self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(page)},
            name="sign in",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not sign in: {response.status_code}")


class Officer(SignedIn):
    weight = 25
    wait_time = between(1, 3)
    username = "petugas"

    @task(3)
    def dashboard(self):
        self.client.get("/", name="/ (dashboard)")

    @task(2)
    def group_list(self):
        page = random.randint(1, 12)
        self.client.get(f"/kelompok/?page={page}", name="/kelompok/?page=")

    @task(3)
    def group_profile(self):
        self.client.get(f"/kelompok/{random.choice(PLAN['kube_ids'])}/", name="/kelompok/[id]/")

    @task(1)
    def group_finances(self):
        self.client.get(f"/kelompok/{random.choice(PLAN['kube_ids'])}/keuangan/", name="/kelompok/[id]/keuangan/")


class Facilitator(SignedIn):
    weight = 24
    wait_time = between(1, 3)

    def on_start(self):
        self.username = next(FACILITATORS)
        super().on_start()

    @task
    def submit_a_report(self):
        slots = SLOTS[self.username]
        if not slots:
            self.client.get("/", name="/ (facilitator home)")
            return
        kube_pk, period = slots.popleft()
        url = f"/kelompok/{kube_pk}/laporan/{period}/"
        form = self.client.get(url, name="/kelompok/[id]/laporan/[period]/ (form)")
        data = {
            "csrfmiddlewaretoken": csrf_token(form),
            "version": "0",
            "income": f"Rp {random.randint(5, 40) * 100_000:,}".replace(",", "."),
            "expenses": f"{random.randint(2, 20) * 100_000}",
            "kept_in_cash": "100.000",
            "shared_to_members": "200.000",
            "cash_in_hand": "300000",
            "cash_in_bank": "1.000.000",
            "meetings_held": "2",
            "notes": "Uji beban",
            "problems": "",
            "action": "submit",
        }
        with self.client.post(
            url, data, name="/kelompok/[id]/laporan/[period]/ (submit)", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                response.success()
                with open(SUBMITTED, "a", encoding="utf-8") as handle:
                    handle.write(f"{kube_pk} {period}\n")
            else:
                response.failure(f"report not accepted: {response.status_code}")


def workbook_of_300_groups(round_number: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "kelompok"
    sheet.append(["nama_kube", "kecamatan", "kelurahan", "tanggal_berdiri", "jenis_usaha", "uraian_usaha"])
    for number in range(1, 301):
        kecamatan, kelurahan = PLAN["regions"][number % len(PLAN["regions"])]
        sheet.append(
            [f"KUBE Beban {round_number}-{number:03d}", kecamatan, kelurahan, "12/04/2021", "produksi", "Uji beban"]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class AdminImporter(SignedIn):
    fixed_count = 1
    wait_time = between(10, 20)
    username = "admin"

    @task
    def import_a_workbook(self):
        page = self.client.get("/impor/", name="/impor/")
        content = workbook_of_300_groups(next(IMPORT_ROUND))
        files = {"file": ("kelompok-300.xlsx", content, XLSX_TYPE)}
        with self.client.post(
            "/impor/",
            {"csrfmiddlewaretoken": csrf_token(page)},
            files=files,
            name="/impor/ (upload, preview)",
            catch_response=True,
        ) as preview:
            match = APPLY.search(preview.text)
            if not match:
                preview.failure("no apply button on the preview")
                return
        with self.client.post(
            match.group(1),
            {"csrfmiddlewaretoken": csrf_token(preview)},
            name="/impor/[id]/terapkan/ (apply)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"import not applied: {response.status_code}")
