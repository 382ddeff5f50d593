"""Refused forms tell a screen reader which field is wrong and why, and put the keyboard there.

Each field has a `<label for>`; a field with an error is `aria-invalid` and its
`aria-describedby` names the element holding the message; the summary above the form is
announced (`role="alert"`) and exactly one element takes the focus (`autofocus`): the
first invalid field, or the summary when no field is to blame.
"""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django import forms
from django.urls import reverse
from freezegun import freeze_time

from finances.services import line_key
from kube_registry.forms import first_invalid_field
from tests.factories import TEST_PASSWORD, MembershipFactory

VOID = {"input", "br", "img", "meta", "link", "hr", "source", "col", "wbr"}


class Page(HTMLParser):
    """The page's elements in order (tag, attrs) and the text inside each element with an id."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[tuple[str, dict, list[str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        self.elements.append((tag, attrs))
        if tag not in VOID:
            self._open.append((tag, attrs, []))

    def handle_endtag(self, tag):
        while self._open:
            open_tag, attrs, text = self._open.pop()
            joined = " ".join("".join(text).split())
            if attrs.get("id"):
                self.text_by_id[attrs["id"]] = joined
            if self._open:
                self._open[-1][2].append(" " + joined + " ")
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._open:
            self._open[-1][2].append(data)

    def fields(self):
        """The form controls a user fills (not hidden inputs, not buttons)."""
        return [
            (tag, attrs)
            for tag, attrs in self.elements
            if tag in ("input", "select", "textarea")
            and attrs.get("type") not in ("hidden", "submit", "button")
            and attrs.get("name") not in ("csrfmiddlewaretoken", "language")
        ]


def assert_accessible_refusal(html: str, *, focus_on_field: bool = True) -> Page:
    page = Page(html)
    labelled = {attrs.get("for") for tag, attrs in page.elements if tag == "label"}
    fields = page.fields()
    assert fields
    for _tag, attrs in fields:
        assert attrs.get("id") in labelled or attrs.get("aria-label"), f"no label for {attrs.get('name')}"

    invalid = [attrs for _tag, attrs in fields if attrs.get("aria-invalid") == "true"]
    for attrs in invalid:
        described = attrs.get("aria-describedby", "").split()
        assert described, f"{attrs['name']}: aria-invalid without aria-describedby"
        assert all(ref in page.text_by_id for ref in described), f"{attrs['name']}: describedby points at nothing"
        assert any(page.text_by_id[ref] for ref in described if ref.endswith("_error")), attrs["name"]

    alerts = [a for _t, a in page.elements if a.get("role") == "alert" and "form-errors" in a.get("class", "")]
    assert len(alerts) == 1, "one announced error summary"
    focused = [(tag, attrs) for tag, attrs in page.elements if "autofocus" in attrs]
    assert len(focused) == 1, "exactly one element takes the focus"
    if focus_on_field:
        assert invalid, "a field is marked invalid"
        assert focused[0][1] is invalid[0], "the focus goes to the first invalid field"
    else:
        assert focused[0][1] is alerts[0], "the focus goes to the summary"
    return page


def test_refused_group_form_ties_errors_to_fields(client_for, officer):
    response = client_for(officer).post(reverse("groups:kube_create"), {"name": ""})
    assert response.status_code == 200
    page = assert_accessible_refusal(response.content.decode())
    assert page.text_by_id["id_name_error"]


def test_refused_member_add_form_ties_errors_to_fields(client_for, officer, kube):
    response = client_for(officer).post(reverse("groups:member_add", args=[kube.pk]), {"nik": "123"})
    assert response.status_code == 200
    assert_accessible_refusal(response.content.decode())


def test_refused_grant_form_ties_errors_to_fields(client_for, officer, kube):
    response = client_for(officer).post(reverse("finances:grant_create", args=[kube.pk]), {"amount": "abc"})
    assert response.status_code == 200
    page = assert_accessible_refusal(response.content.decode())
    assert "abc" in page.text_by_id["id_amount_error"]


def test_refused_proposal_form_ties_errors_to_fields(client_for, facilitator):
    response = client_for(facilitator).post(reverse("formation:proposal_create"), {"name": ""})
    assert response.status_code == 200
    assert_accessible_refusal(response.content.decode())


@freeze_time("2024-04-05 09:00:00+08:00")
def test_refused_monthly_report_ties_member_line_errors_to_fields(client_for, facilitator, kube):
    member = MembershipFactory(kube=kube)
    url = reverse("finances:report_edit", kwargs={"pk": kube.pk, "period": dt.date(2024, 3, 1)})
    iks = line_key(member.pk, "iks_paid")
    data = {
        "version": 0,
        "income": "1.500.000",
        "expenses": "700.000",
        "kept_in_cash": "0",
        "shared_to_members": "0",
        "cash_in_hand": "0",
        "cash_in_bank": "0",
        "meetings_held": "2",
        "action": "draft",
        iks: "sepuluh ribu",
        line_key(member.pk, "meetings_attended"): "2",
    }
    response = client_for(facilitator).post(url, data)
    assert response.status_code == 200
    page = assert_accessible_refusal(response.content.decode())
    invalid = [attrs for _tag, attrs in page.fields() if attrs.get("aria-invalid") == "true"]
    assert [attrs["name"] for attrs in invalid] == [iks]
    assert "sepuluh ribu" in page.text_by_id[invalid[0]["aria-describedby"]]


def test_refused_sign_in_focuses_the_announced_summary_once(client, officer):
    response = client.post(reverse("login"), {"username": officer.username, "password": TEST_PASSWORD + "x"})
    assert response.status_code == 200
    html = response.content.decode()
    page = assert_accessible_refusal(html, focus_on_field=False)
    message = next(a for a in page.elements if "form-errors" in a[1].get("class", ""))[1]["id"]
    assert "salah" in page.text_by_id[message]
    assert html.count("Nama pengguna atau kata sandi salah") == 1  # not repeated by crispy


class _Form(forms.Form):
    hidden = forms.CharField(widget=forms.HiddenInput)
    first = forms.CharField(widget=forms.TextInput(attrs={"aria-describedby": "own-hint"}))
    second = forms.CharField(help_text="Bantuan")


def test_first_visible_invalid_field_takes_the_focus_and_keeps_its_own_description():
    form = _Form(data={})
    assert first_invalid_field(form) == "first"
    first, second = str(form["first"]), str(form["second"])
    assert 'aria-describedby="own-hint id_first_error"' in first
    assert "autofocus" in first and "autofocus" not in second
    assert 'aria-describedby="id_second_helptext id_second_error"' in second
    assert "autofocus" not in str(form["hidden"])


def test_unbound_form_focuses_nothing():
    form = _Form()
    assert first_invalid_field(form) is None
    assert "autofocus" not in str(form["first"]) and "aria-invalid" not in str(form["first"])


pytestmark = pytest.mark.django_db
