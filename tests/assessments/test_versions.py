"""The judgement and thresholds forms refuse a stale save (issue 13)."""

from django.urls import reverse

from assessments.models import Assessment, ThresholdSetting
from assessments.services import assessment_judge, thresholds_update
from tests.assessments.test_judgement import assessment, judge_url, judgement  # noqa: F401 - fixture
from tests.assessments.test_thresholds import DEFAULTS, posted
from tests.groups.test_versions import STALE

URL = reverse("assessments:thresholds")


def test_judgement_read_before_another_officers_is_refused(client_for, officer, admin_user, assessment):  # noqa: F811
    client = client_for(officer)
    version = client.get(judge_url(assessment)).context["form"]["version"].value()
    assessment_judge(
        assessment=assessment,
        actor=admin_user,
        scores={},
        notes="Dinilai admin.",
        final_category="berkembang",
        reason="",
    )

    response = client.post(judge_url(assessment), judgement(version=version))

    error = response.context["form"].non_field_errors()[0]
    # A computed assessment is stored in bulk, without a history entry to compare with:
    # the message names who changed it, not what.
    assert STALE in error and admin_user.get_full_name() in error
    assert Assessment.objects.get().judgement_notes == "Dinilai admin."


def test_thresholds_read_before_another_admins_save_are_refused(client_for, admin_user):
    thresholds_update(values=DEFAULTS, actor=admin_user)
    client = client_for(admin_user)
    version = client.get(URL).context["form"]["version"].value()
    thresholds_update(values=DEFAULTS | {"report_months_per_12": 10}, actor=admin_user)

    response = client.post(URL, posted(report_months_per_12=11, version=version))

    assert STALE in response.context["form"].non_field_errors()[0]
    assert ThresholdSetting.objects.get().values["report_months_per_12"] == 10
    again = client.post(URL, posted(report_months_per_12=11, version=response.context["form"]["version"].value()))
    assert again.status_code == 302
    assert ThresholdSetting.objects.get().values["report_months_per_12"] == 11
