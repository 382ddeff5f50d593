"""factory_boy factories for partners and partnerships."""

import datetime as dt

import factory
from django.conf import settings

from groups.models import City
from partnerships.models import Partner, PartnerKind, Partnership, partner_name_key
from tests.factories import KubeFactory


def home_city() -> City:
    """The installation's city: where users without an area work, and the factories' groups are."""
    return City.objects.get(code=settings.KUBE_CITY_CODE)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    city = factory.LazyFunction(home_city)
    name = factory.Sequence(lambda n: f"Mitra Uji {n}")
    name_key = factory.LazyAttribute(lambda o: partner_name_key(o.name))
    kind = PartnerKind.PEMERINTAH


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    kube = factory.SubFactory(KubeFactory)
    partner = factory.SubFactory(PartnerFactory)
    has_koordinasi = True
    started_on = dt.date(2021, 1, 4)
