"""Reads of the partner network: facts per group at a date, the profile's matrix, the city view.

Each function answers one block of a page (or one question of the assessment) with a
fixed number of queries, whatever the number of partners or groups.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from groups.areas import Area, area_of
from groups.models import Kube, KubeStatus

from .models import FORM_FIELDS, Partner, PartnerKind, PartnerMerge, Partnership, PartnershipForm

FORMS = tuple(PartnershipForm)


# --- Facts per group at a date (for the assessment) -----------------------------------------


@dataclass(frozen=True)
class PartnershipFacts:
    """A group's partnerships in force on one day."""

    partners: int = 0  # distinct partners
    by_form: dict[str, int] = field(default_factory=dict)  # form -> partnerships in that form
    # An active `permodalan` partnership with a partner of kind `lembaga_keuangan`.
    has_finance_institution_capital: bool = False

    def has_form(self, form: str) -> bool:
        return self.by_form.get(form, 0) > 0


NO_PARTNERSHIPS = PartnershipFacts()


class PartnershipFactsByKube(dict):
    """kube id -> PartnershipFacts; a group without active partnerships reads as NO_PARTNERSHIPS."""

    def __missing__(self, kube_id: int) -> PartnershipFacts:
        return NO_PARTNERSHIPS


def partnerships_active_on(kube_ids: Iterable[int] | QuerySet, day: dt.date) -> PartnershipFactsByKube:
    """Per group, what its partnerships in force on `day` add up to. One query.

    `kube_ids` may be ids or a queryset of groups (or of their ids): a queryset stays a
    subquery, which suits "every group" better than a long list of ids.
    """
    if isinstance(kube_ids, QuerySet) and kube_ids.model is Kube and not kube_ids.query.values_select:
        kube_ids = kube_ids.values("pk")
    elif not isinstance(kube_ids, QuerySet):
        kube_ids = list(kube_ids)
    counts = {form.value: Count("pk", filter=Q(**{FORM_FIELDS[form]: True})) for form in FORMS}
    rows = (
        Partnership.objects.active_on(day)
        .filter(kube_id__in=kube_ids)
        .order_by()
        .values("kube_id")
        .annotate(
            partner_count=Count("partner", distinct=True),
            finance_capital=Count("pk", filter=Q(has_permodalan=True, partner__kind=PartnerKind.LEMBAGA_KEUANGAN)),
            **{f"form_{form}": count for form, count in counts.items()},
        )
    )
    facts = PartnershipFactsByKube()
    for row in rows:
        facts[row["kube_id"]] = PartnershipFacts(
            partners=row["partner_count"],
            by_form={form.value: row[f"form_{form.value}"] for form in FORMS},
            has_finance_institution_capital=row["finance_capital"] > 0,
        )
    return facts


# --- The group's network (profile section) ----------------------------------------------


@dataclass(frozen=True)
class NetworkRow:
    partnership: Partnership
    marks: list[bool]  # one per form, in PartnershipForm order

    @property
    def cells(self) -> list[tuple[str, bool]]:
        """(form label, taken) per form, for a matrix row."""
        return [(form.label, mark) for form, mark in zip(FORMS, self.marks, strict=True)]


@dataclass(frozen=True)
class KubeNetwork:
    current: list[NetworkRow]
    past: list[NetworkRow]
    form_totals: list[int]  # current partnerships per form


def _row(partnership: Partnership) -> NetworkRow:
    return NetworkRow(partnership, [getattr(partnership, FORM_FIELDS[form]) for form in FORMS])


def kube_network(kube: Kube, *, day: dt.date) -> KubeNetwork:
    """The partner-by-form matrix of partnerships in force on `day`, and the others apart. One query."""
    rows = list(
        Partnership.objects.filter(kube=kube).select_related("partner").order_by(Lower("partner__name"), "-started_on")
    )
    current = [_row(p) for p in rows if p.is_active_on(day)]
    past = sorted((_row(p) for p in rows if not p.is_active_on(day)), key=lambda r: r.partnership.started_on)
    past.reverse()
    totals = [sum(row.marks[i] for row in current) for i in range(len(FORMS))]
    return KubeNetwork(current=current, past=past, form_totals=totals)


def partners_in(area: Area) -> QuerySet[Partner]:
    """The partners of the cities of `area`: every read of the partner list starts here."""
    return Partner.objects.filter(area.q("city"))


def partners_visible_to(user) -> QuerySet[Partner]:
    """The partners `user` may look up: their area's (a partner of another city is not there)."""
    return partners_in(area_of(user))


def partner_choices(*, city_id: int) -> QuerySet[Partner]:
    """The partners offered for a group or a training of one city: that city's list only."""
    return Partner.objects.filter(city_id=city_id).order_by(Lower("name"))


# --- The city's partner view -------------------------------------------------------------


def _active_at(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


@dataclass(frozen=True)
class PartnerSummary:
    pk: int
    name: str
    kind: str
    kube_count: int
    form_counts: list[tuple[str, int]]  # (form label, groups), in PartnershipForm order

    @property
    def kind_label(self) -> str:
        return PartnerKind(self.kind).label


@dataclass(frozen=True)
class NetworkTotals:
    kube_count: int
    form_counts: list[tuple[str, int]]


def _form_counts(row: dict) -> list[tuple[str, int]]:
    return [(form.label, row[f"{form.value}_count"] or 0) for form in FORMS]


def partner_summary(*, area: Area, kubes: QuerySet[Kube], day: dt.date, kind: str = "") -> list[PartnerSummary]:
    """Each partner of `area` with the number of `kubes` it works with on `day`, in all and by form. One query.

    Partners with no such group are listed too (last), so the list is the area's whole network.
    """
    active = _active_at(day, "partnerships__") & Q(partnerships__kube__in=kubes.values("pk"))
    by_form = {
        f"{form.value}_count": Count(
            "partnerships__kube", distinct=True, filter=active & Q(**{f"partnerships__{FORM_FIELDS[form]}": True})
        )
        for form in FORMS
    }
    partners = partners_in(area)
    if kind:
        partners = partners.filter(kind=kind)
    rows = (
        partners.values("pk", "name", "kind")
        .annotate(kube_count=Count("partnerships__kube", distinct=True, filter=active), **by_form)
        .order_by("-kube_count", Lower("name"))
    )
    return [PartnerSummary(row["pk"], row["name"], row["kind"], row["kube_count"], _form_counts(row)) for row in rows]


def _active_partnerships(day: dt.date, kind: str = "") -> QuerySet[Partnership]:
    partnerships = Partnership.objects.active_on(day)
    if kind:
        partnerships = partnerships.filter(partner__kind=kind)
    return partnerships


def network_totals(*, kubes: QuerySet[Kube], day: dt.date, kind: str = "") -> NetworkTotals:
    """How many of `kubes` have an active partner (of `kind`), in all and by form. One query."""
    by_form = {
        f"{form.value}_count": Count("kube", distinct=True, filter=Q(**{FORM_FIELDS[form]: True})) for form in FORMS
    }
    row = (
        _active_partnerships(day, kind)
        .filter(kube__in=kubes.values("pk"))
        .aggregate(kube_count=Count("kube", distinct=True), **by_form)
    )
    return NetworkTotals(kube_count=row["kube_count"] or 0, form_counts=_form_counts(row))


def kubes_without_partner(*, kubes: QuerySet[Kube], day: dt.date, kind: str = "") -> QuerySet[Kube]:
    """`kubes` (dissolved ones left out) with no partnership in force on `day` (with a partner of `kind`)."""
    return (
        kubes.exclude(status=KubeStatus.BUBAR)
        .filter(~Exists(_active_partnerships(day, kind).filter(kube=OuterRef("pk"))))
        .select_related("kelurahan__kecamatan", "facilitator")
        .order_by("no_registrasi")
    )


# --- One partner ---------------------------------------------------------------------------


def partner_partnerships(partner: Partner, *, kubes: QuerySet[Kube], day: dt.date) -> KubeNetwork:
    """The partner's partnerships with `kubes`, current and past, with the group and its region. One query."""
    rows = list(
        partner.partnerships.filter(kube__in=kubes.values("pk"))
        .select_related("kube__kelurahan__kecamatan", "partner")
        .order_by("kube__no_registrasi", "-started_on")
    )
    current = [_row(p) for p in rows if p.is_active_on(day)]
    past = [_row(p) for p in rows if not p.is_active_on(day)]
    totals = [sum(row.marks[i] for row in current) for i in range(len(FORMS))]
    return KubeNetwork(current=current, past=past, form_totals=totals)


def partner_merges(partner: Partner) -> list[PartnerMerge]:
    return list(partner.merges.select_related("merged_by"))


# --- The city's pages ----------------------------------------------------------------------


def city_kubes(user, *, kecamatan=None) -> QuerySet[Kube]:
    """The groups the city pages count: those the user may see, in one kecamatan when given."""
    kubes = Kube.objects.visible_to(user)
    if kecamatan:
        kubes = kubes.filter(kelurahan__kecamatan=kecamatan)
    return kubes


def city_partnerships(kubes: QuerySet[Kube], *, kind: str = "") -> QuerySet[Partnership]:
    """Every partnership (past ones too) of `kubes`, with partners of one kind when given."""
    partnerships = Partnership.objects.filter(kube__in=kubes.values("pk"))
    if kind:
        partnerships = partnerships.filter(partner__kind=kind)
    return partnerships
