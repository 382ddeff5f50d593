"""The partner network of the demo city, built by `seed_demo` after the groups exist.

KUBE Mekar Sari gets its 14 real partners with their forms exactly as BRIEF.md lists
them. Synthetic groups get networks shaped like the field studies describe: many with
no partner or one (usually the Dinas Sosial or the kelurahan's PKK), a few well
connected; savings-and-loans groups and groups with an LKM or cooperative are the
likeliest to borrow from a bank; some partnerships have ended, and a dissolved
group's ended by the time it dissolved. Every random choice comes from
`ctx.stream("partnerships")`, and nothing is dated after `ctx.today`.

Partners are a city's (issue 19): each group works with its own city's partners, so a
partner the demo names is registered in each city whose groups work with it.
"""

import datetime as dt
import random

from django.db.models import Max
from simple_history.utils import bulk_create_with_history

from groups.areas import KUBE_CITY
from groups.demo import DemoContext
from groups.models import BusinessField, Kube, KubeStatus

from .demo_data import (
    CITY_PARTNERS,
    ENDED_SHARE,
    FORM_ODDS,
    KELURAHAN_PARTNERS,
    MARKETING_PARTNERS,
    MEKAR_SARI_NETWORK,
    NETWORK_SIZES,
    NETWORK_WEIGHTS,
    PS,
    K,
    PartnerSpec,
)
from .models import FORM_FIELDS, Partner, Partnership, partner_name_key


def _partner(spec: PartnerSpec, city_id: int) -> Partner:
    return Partner(
        city_id=city_id, name=spec.name, name_key=partner_name_key(spec.name), kind=spec.kind, notes=spec.notes
    )


def _forms(rng: random.Random, spec: PartnerSpec) -> list[str]:
    odds = dict(FORM_ODDS[spec.kind])
    if spec.name in MARKETING_PARTNERS:
        odds[PS] = 0.9
    forms = [form for form, chance in odds.items() if rng.random() < chance]
    return forms or [max(odds, key=odds.get)]


def _flags(forms) -> dict[str, bool]:
    return {field: form in forms for form, field in FORM_FIELDS.items()}


def _random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _network_size(rng: random.Random, *, age_days: int, lends: bool) -> int:
    size = rng.choices(NETWORK_SIZES, NETWORK_WEIGHTS)[0]
    if age_days < 365:  # a new group has at most its first partner
        size = min(size, 1 if rng.random() < 0.4 else 0)
    if lends and size == 0 and rng.random() < 0.4:
        size = 1
    return size


def build_partnerships(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.stream("partnerships")
    today = ctx.today
    # Partners outlive the groups: a database emptied of groups keeps them, and a new
    # demo works with the same institutions again.
    stored = {(partner.city_id, partner.name_key): partner for partner in Partner.objects.all()}
    partners: dict[tuple[int, str], Partner] = {}  # (city id, name key) -> the partner the demo uses

    def partner_for(spec: PartnerSpec, city_id: int) -> Partner:
        key = (city_id, partner_name_key(spec.name))
        if key not in partners:
            partners[key] = stored.get(key) or _partner(spec, city_id)
        return partners[key]

    rows: list[Partnership] = []
    mekar_sari = ctx.mekar_sari
    mekar_sari_city = Kube.objects.filter(pk=mekar_sari.pk).values_list(f"{KUBE_CITY}_id", flat=True).get()
    for spec, forms, started_on in MEKAR_SARI_NETWORK:
        partner = partner_for(spec, mekar_sari_city)
        if started_on <= today:
            rows.append(Partnership(kube=mekar_sari, partner=partner, started_on=started_on, **_flags(forms)))

    city_specs = [spec for spec, _weight in CITY_PARTNERS]
    city_weights = [weight for _spec, weight in CITY_PARTNERS]
    kubes = (
        Kube.objects.exclude(pk=mekar_sari.pk)
        .filter(founded_on__lte=today)
        .select_related("kelurahan__kecamatan")
        .annotate(last_left_on=Max("memberships__left_on"))
        .order_by("no_registrasi")
    )
    for kube in kubes:
        lends = bool(kube.financial_institution) or (
            kube.business_field == BusinessField.JASA and "pinjam" in kube.business_description.lower()
        )
        size = _network_size(rng, age_days=(today - kube.founded_on).days, lends=lends)
        if not size:
            continue
        specs = city_specs + [PartnerSpec(p.format(kube.kelurahan.name), kind) for p, kind, _w in KELURAHAN_PARTNERS]
        weights = city_weights + [w for _p, _k, w in KELURAHAN_PARTNERS]
        if lends:  # savings-and-loans groups and those with an LKM look for capital
            weights = [w * (4 if s.kind == K.LEMBAGA_KEUANGAN else 1) for s, w in zip(specs, weights, strict=True)]
        chosen: list[PartnerSpec] = []
        while len(chosen) < min(size, len(specs)):
            spec = rng.choices(specs, weights)[0]
            if spec not in chosen:
                chosen.append(spec)
        # A dissolved group's partnerships ended by the time its last members left.
        end_by = min(kube.last_left_on or today, today) if kube.status == KubeStatus.BUBAR else today
        for spec in chosen:
            start_from = kube.founded_on + dt.timedelta(days=rng.randint(14, 120))
            if start_from > end_by:
                continue
            started_on = _random_date(rng, start_from, end_by)
            ended_on = None
            if kube.status == KubeStatus.BUBAR or rng.random() < ENDED_SHARE:
                ended_on = _random_date(rng, min(started_on + dt.timedelta(days=180), end_by), end_by)
            forms = _forms(rng, spec)
            rows.append(
                Partnership(
                    kube=kube,
                    partner=partner_for(spec, kube.kelurahan.kecamatan.city_id),
                    started_on=started_on,
                    ended_on=ended_on,
                    **_flags(forms),
                )
            )

    new_partners = [partner for partner in partners.values() if partner.pk is None]
    bulk_create_with_history(new_partners, Partner, default_user=ctx.admin)
    # bulk_create fills partner_id from the now-saved partners the rows hold.
    bulk_create_with_history(rows, Partnership, default_user=ctx.admin)
    return {"mitra": len(partners), "kemitraan": len(rows)}
