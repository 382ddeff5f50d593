"""factory_boy factories for partners and partnerships."""

import datetime as dt

import factory

from partnerships.models import Partner, PartnerKind, Partnership, partner_name_key
from tests.factories import KubeFactory


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

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
