"""The field in the demo city: visits, the dynamics seen, follow-ups and trainings.

Facilitators visit differently, as the field studies describe: pendamping1 visits each
group about monthly; pendamping2 stopped going about a year ago; the others visit
every one to four months, and leave some groups unvisited for months. Officers make a
yearly monitoring-and-evaluation visit (monev) to some groups. Dynamics are observed at
about every third visit, at levels that fit the group's state (a dissolved or inactive
group's are low, Mekar Sari's high), improving where visits are regular and slipping
where they stopped. Problems found lead to follow-ups, closed at the next visit when
there is one; the rest stay open, some overdue. Mekar Sari gets its trainings and study
visits from BRIEF.md, the city its yearly trainings. Every random choice comes from
`ctx.stream("visits")`; nothing is dated after `ctx.today`. Rows go in with bulk_create.
"""

import datetime as dt
import random
from collections import defaultdict

from django.conf import settings
from simple_history.utils import bulk_create_with_history

from groups.areas import KUBE_CITY
from groups.demo import DemoContext, random_date
from groups.models import City, Kube, KubeStatus, Membership, Role
from partnerships.models import Partner, partner_name_key

from .demo_data import ACTIVITIES, CITY_TRAININGS, FOLLOW_UPS, MEKAR_SARI_TRAININGS, OUTCOMES, PROBLEMS
from .dynamics import ASPECT_FIELDS
from .models import FollowUp, FollowUpOwner, Training, Visit, VisitKind
from .rules import membership_active_on

REGULAR, STOPPED, IRREGULAR = "regular", "stopped", "irregular"


def _pattern(facilitator_index: int) -> str:
    return {0: REGULAR, 1: STOPPED}.get(facilitator_index, IRREGULAR)


def _active(members: list[Membership], day: dt.date) -> list[Membership]:
    return [m for m in members if membership_active_on(joined_on=m.joined_on, left_on=m.left_on, day=day)]


def _visit_days(rng: random.Random, *, pattern: str, start: dt.date, today: dt.date) -> list[dt.date]:
    if pattern == REGULAR:
        gaps = (24, 38)
    elif pattern == STOPPED:
        gaps = (25, 45)
        today = today - dt.timedelta(days=rng.randint(330, 420))
    else:
        gaps = (30, 120)
        if rng.random() < 0.3:  # a group this facilitator has not seen for months
            today = today - dt.timedelta(days=rng.randint(95, 240))
    days, day = [], start + dt.timedelta(days=rng.randint(5, 40))
    while day <= today:
        days.append(day)
        day += dt.timedelta(days=rng.randint(*gaps))
    return days


def _base_level(kube: Kube, mekar_sari_pk: int) -> float:
    if kube.pk == mekar_sari_pk:
        return 3.5
    if kube.status == KubeStatus.BUBAR:
        return 1.4
    if kube.status == KubeStatus.TIDAK_AKTIF:
        return 1.8
    return 2.5


def _scores(rng: random.Random, level: float) -> dict[str, int]:
    return {name: max(1, min(4, round(level + rng.uniform(-0.8, 0.8)))) for name in ASPECT_FIELDS}


def build_monitoring(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.stream("visits")
    today = ctx.today
    start = today - dt.timedelta(days=365 * ctx.years)
    facilitator_index = {user.pk: index for index, user in enumerate(ctx.facilitators)}
    members: dict[int, list[Membership]] = defaultdict(list)
    for membership in Membership.objects.select_related("person").order_by("kube_id", "pk"):
        members[membership.kube_id].append(membership)
    kubes = list(Kube.objects.filter(founded_on__lte=today).order_by("no_registrasi"))

    visits: list[Visit] = []
    attendees: list[tuple[Visit, list[Membership]]] = []
    follow_ups: list[tuple[FollowUp, Visit | None]] = []
    for kube in kubes:
        if kube.facilitator_id is None:
            continue
        pattern = _pattern(facilitator_index.get(kube.facilitator_id, 2))
        first = max(kube.founded_on, start)
        days = _visit_days(rng, pattern=pattern, start=first, today=today)
        if kube.status == KubeStatus.BUBAR:  # a dissolved group is visited no more
            last_left = max((m.left_on for m in members[kube.pk] if m.left_on), default=today)
            days = [day for day in days if day <= last_left]
        level = _base_level(kube, ctx.mekar_sari.pk)
        drift = 0.4 if pattern == REGULAR else (-0.5 if pattern == STOPPED else 0.0)
        kube_visits: list[Visit] = []
        kube_follow_ups: list[FollowUp] = []
        for number, day in enumerate(days):
            present = _active(members[kube.pk], day)
            if not present:
                continue
            share = rng.uniform(0.55, 0.95) if level >= 2 else rng.uniform(0.3, 0.7)
            chosen = rng.sample(present, max(1, round(len(present) * share)))
            visit = Visit(
                kube=kube,
                visited_on=day,
                kind=VisitKind.PENDAMPINGAN if rng.random() < 0.8 else VisitKind.PERTEMUAN,
                visitor_id=kube.facilitator_id,
                activities=rng.choice(ACTIVITIES),
                created_by_id=kube.facilitator_id,
            )
            if number % 3 == 0:
                progress = (day - first).days / max(1, (today - first).days)
                for name, score in _scores(rng, level + drift * progress).items():
                    setattr(visit, name, score)
            if rng.random() < (0.5 if level < 2.5 else 0.3):
                area = rng.choice(list(PROBLEMS))
                visit.problem_areas, visit.problems = area, PROBLEMS[area]
                owner = rng.choice(list(FollowUpOwner))
                kube_follow_ups.append(
                    FollowUp(
                        visit=visit,
                        kube=kube,
                        action=FOLLOW_UPS[area],
                        owner=owner,
                        due_on=day + dt.timedelta(days=rng.choice((14, 30, 45))),
                    )
                )
            kube_visits.append(visit)
            attendees.append((visit, chosen))
        # A follow-up is closed at the next visit, if there is one after it (most are).
        for follow_up in kube_follow_ups:
            later = [v for v in kube_visits if v.visited_on > follow_up.visit.visited_on]
            closer = later[0] if later and rng.random() < 0.85 else None
            if closer is not None:
                follow_up.closed_on, follow_up.outcome = closer.visited_on, rng.choice(OUTCOMES)
            follow_ups.append((follow_up, closer))
        visits.extend(kube_visits)
        # The office's monev: about once a year for half the active groups.
        if kube.status == KubeStatus.AKTIF and rng.random() < 0.5:
            day = random_date(rng, max(first, today - dt.timedelta(days=365)), today)
            present = _active(members[kube.pk], day)
            if present and all(v.visited_on != day for v in kube_visits):
                visit = Visit(
                    kube=kube,
                    visited_on=day,
                    kind=VisitKind.MONEV,
                    visitor=ctx.officer,
                    activities="Monitoring dan evaluasi tahunan.",
                    attendance_count=len(present) - rng.randint(0, min(3, len(present) - 1)),
                    created_by=ctx.officer,
                )
                visits.append(visit)

    bulk_create_with_history(visits, Visit, batch_size=1_000, default_user=ctx.admin)
    through = Visit.attendees.through
    through.objects.bulk_create(
        [through(visit_id=visit.pk, membership_id=m.pk) for visit, chosen in attendees for m in chosen],
        batch_size=2_000,
    )
    rows = []
    for follow_up, closer in follow_ups:
        follow_up.visit_id = follow_up.visit.pk
        follow_up.closed_at_visit_id = closer.pk if closer else None
        rows.append(follow_up)
    bulk_create_with_history(rows, FollowUp, batch_size=1_000, default_user=ctx.admin)
    trainings = _build_trainings(ctx, rng, members, kubes)
    return {"kunjungan": len(visits), "tindak lanjut": len(rows), "pelatihan": trainings}


def _build_trainings(ctx: DemoContext, rng: random.Random, members, kubes) -> int:
    """Mekar Sari's trainings are its city's; the yearly ones the installation's city's, for its groups."""
    partners = {(city, key): pk for city, key, pk in Partner.objects.values_list("city_id", "name_key", "pk")}
    kube_cities = dict(Kube.objects.values_list("pk", f"{KUBE_CITY}_id"))
    mekar_city = kube_cities[ctx.mekar_sari.pk]
    home_city = City.objects.filter(code=settings.KUBE_CITY_CODE).values_list("pk", flat=True).first() or mekar_city
    made: list[tuple[Training, list[Membership]]] = []
    mekar = members[ctx.mekar_sari.pk]
    for title, day, kind, organiser, count in MEKAR_SARI_TRAININGS:
        if day > ctx.today:
            continue
        present = _active(mekar, day)
        if not present:
            continue
        chosen = present if count is None else rng.sample(present, min(count, len(present)))
        training = Training(city_id=mekar_city, title=title, held_on=day, kind=kind, created_by=ctx.officer)
        training.organiser_id = partners.get((mekar_city, partner_name_key(organiser))) if organiser else None
        made.append((training, chosen))
    active = [
        k
        for k in kubes
        if k.status == KubeStatus.AKTIF and k.pk != ctx.mekar_sari.pk and kube_cities.get(k.pk) == home_city
    ]
    for year in range(ctx.today.year - ctx.years + 1, ctx.today.year + 1):
        for title, month, day_of_month, kind, organiser, groups in CITY_TRAININGS:
            day = dt.date(year, month, day_of_month)
            if day > ctx.today:
                continue
            chosen = []
            for kube in rng.sample(active, min(groups, len(active))):
                leaders = [m for m in _active(members[kube.pk], day) if m.role in (Role.KETUA, Role.BENDAHARA)]
                chosen.extend(leaders)
            if not chosen:
                continue
            training = Training(
                city_id=home_city, title=title.format(year=year), held_on=day, kind=kind, created_by=ctx.officer
            )
            training.organiser_id = partners.get((home_city, partner_name_key(organiser))) if organiser else None
            made.append((training, chosen))
    # Trainings outlive the groups (a database emptied of groups keeps them): not made twice.
    stored = set(Training.objects.values_list("city_id", "title", "held_on"))
    made = [(t, chosen) for t, chosen in made if (t.city_id, t.title, t.held_on) not in stored]
    bulk_create_with_history([training for training, _chosen in made], Training, default_user=ctx.admin)
    through = Training.participants.through
    through.objects.bulk_create(
        [through(training_id=training.pk, membership_id=m.pk) for training, chosen in made for m in chosen],
        batch_size=2_000,
    )
    return len(made)
