"""Factories for the field's records: visits, their photos, follow-ups."""

import datetime as dt
import io

import factory
from PIL import Image

from monitoring.models import FollowUp, FollowUpOwner, Training, TrainingKind, Visit, VisitKind, VisitPhoto
from tests.factories import FacilitatorFactory, KubeFactory
from tests.partnerships.factories import home_city


def jpeg_bytes(size=(40, 30), color=(200, 120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    kube = factory.SubFactory(KubeFactory)
    visited_on = factory.Sequence(lambda n: dt.date(2024, 1, 1) + dt.timedelta(days=n))
    kind = VisitKind.PENDAMPINGAN
    visitor = factory.LazyAttribute(lambda o: o.kube.facilitator or FacilitatorFactory())
    activities = "Memeriksa buku kas."


class VisitPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitPhoto

    visit = factory.SubFactory(VisitFactory)
    content = factory.LazyFunction(jpeg_bytes)
    thumbnail = factory.LazyFunction(lambda: jpeg_bytes((20, 15)))
    width = 40
    height = 30


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    visit = factory.SubFactory(VisitFactory)
    kube = factory.SelfAttribute("visit.kube")
    action = "Membuat jadwal piket tertulis."
    owner = FollowUpOwner.PENDAMPING
    due_on = factory.LazyAttribute(lambda o: o.visit.visited_on + dt.timedelta(days=30))


class TrainingFactory(factory.django.DjangoModelFactory):
    """A training of the installation's city (where the factories' groups are)."""

    class Meta:
        model = Training

    city = factory.LazyFunction(home_city)
    title = factory.Sequence(lambda n: f"Pelatihan {n}")
    held_on = dt.date(2024, 2, 10)
    kind = TrainingKind.PELATIHAN
