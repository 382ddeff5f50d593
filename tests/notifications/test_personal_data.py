"""No message the reminders make carries a NIK, KK or phone number.

On the demo city (seed_demo), with a returned report, a judgement two years old, and
personal data planted in the free text a reminder quotes (a follow-up's action), the
schedules run for forty days: every kind of notification is made, by inbox, single email
and digest. Every stored notification and every email is scanned for each person's and
waiting family's NIK, KK and phone, and for anything shaped like one.
"""

import datetime as dt
import re
from io import StringIO

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from assessments.models import Assessment
from assessments.services import assessment_judge
from finances.models import MonthlyReport, ReportStatus
from finances.services import report_return
from formation.models import Candidate
from groups.models import Membership, Person
from kube_registry.masking import ID_NUMBER, PHONE
from monitoring.models import FollowUp
from notifications.models import Kind, Notification
from notifications.schedules import schedules_run
from notifications.services import preference_save


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _plant_causes(today: dt.date) -> None:
    """What the demo city may lack on a given day: a returned report, an old judgement; and a
    follow-up whose agreed action quotes a member's NIK and phone."""
    officer = get_user_model().objects.get(username="petugas")
    report = MonthlyReport.objects.filter(status=ReportStatus.SUBMITTED, kube__facilitator__isnull=False).first()
    if report is None:
        report = MonthlyReport.objects.filter(status=ReportStatus.VERIFIED, kube__facilitator__isnull=False).first()
        MonthlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    with freeze_time(timezone.now() - dt.timedelta(days=10)):
        report_return(actor=officer, report=report, comment="Telepon ketua di 081234567890 untuk saldo.")
    judged = Assessment.objects.filter(judged_at__isnull=False).values("kube")
    oldest = Assessment.objects.exclude(kube__in=judged).exclude(kube__status="bubar").order_by("-as_of", "pk").first()
    with freeze_time(timezone.now() - dt.timedelta(days=800)):
        assessment_judge(
            assessment=oldest,
            actor=officer,
            scores={},
            notes="",
            final_category=oldest.computed_category,
            reason="",
        )
    follow_up = FollowUp.objects.filter(
        closed_on__isnull=True, kube__facilitator__isnull=False, kube__status="aktif"
    ).first()
    member = Membership.objects.filter(kube=follow_up.kube).select_related("person").first()
    person = member.person
    if not person.phone:
        Person.objects.filter(pk=person.pk).update(phone="081377771234")
        person.refresh_from_db()
    FollowUp.objects.filter(pk=follow_up.pk).update(
        action=f"Minta {person.name} (NIK {person.nik}, HP {person.phone}) membawa buku kas",
        due_on=today + dt.timedelta(days=1),
    )


def test_no_message_carries_a_nik_kk_or_phone(db):
    call_command("seed_demo", "--groups", "20", "--years", "2", "--password", "uji-demo-123", stdout=StringIO())
    today = timezone.localdate()
    _plant_causes(today)
    users = list(get_user_model().objects.order_by("pk"))
    for index, user in enumerate(users):
        user.email = f"{user.username}@example.org"
        user.save()
        if index % 2:
            preference_save(user=user, email_kinds=list(Kind.values), daily_digest=True)

    for offset in range(40):
        schedules_run(day=today + dt.timedelta(days=offset))

    made = set(Notification.objects.values_list("kind", flat=True))
    assert made == set(Kind.values), f"kinds never made on the demo city: {set(Kind.values) - made}"
    assert len(mail.outbox) > 10

    texts = []
    for title, body, url, ref in Notification.objects.values_list("title", "body", "url", "ref"):
        texts += [title, body, url, str(ref)]
    for message in mail.outbox:
        texts += [message.subject, message.body]

    secrets = set()
    for model in (Person, Candidate):
        for nik, kk, phone in model.objects.values_list("nik", "kk", "phone"):
            secrets |= {value for value in (nik, kk) if value}
            if _digits(phone):
                secrets |= {phone, _digits(phone)}
    assert len(secrets) > 100
    for text in texts:
        assert not ID_NUMBER.search(text), text
        assert not PHONE.search(text), text
        digits = _digits(text)
        for secret in secrets:
            assert secret not in text, (secret, text)
            assert _digits(secret) not in digits or len(_digits(secret)) < 10, (secret, text)
    # The planted action was quoted, masked: the reminder still says what to do.
    assert any("membawa buku kas" in text and "••••" in text for text in texts)
