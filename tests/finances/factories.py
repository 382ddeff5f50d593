"""factory_boy factories for the finances models (the registry's are in tests/factories.py)."""

import datetime as dt

import factory

from finances.models import Asset, Grant, GrantSource, Loan, MemberLine, MonthlyReport, Product, Repayment, ReportStatus
from tests.factories import KubeFactory, MembershipFactory


class MonthlyReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyReport

    kube = factory.SubFactory(KubeFactory)
    period = dt.date(2024, 3, 1)
    income = 2_000_000
    expenses = 1_200_000
    kept_in_cash = 300_000
    shared_to_members = 500_000
    cash_in_hand = 400_000
    cash_in_bank = 1_000_000
    meetings_held = 2
    attendance_percent = 80
    status = ReportStatus.DRAFT


class MemberLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberLine

    report = factory.SubFactory(MonthlyReportFactory)
    membership = factory.SubFactory(MembershipFactory, kube=factory.SelfAttribute("..report.kube"))
    iks_paid = 10_000
    meetings_attended = 2


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    kube = factory.SubFactory(KubeFactory)
    source = GrantSource.KEMENSOS
    amount = 20_000_000
    received_on = dt.date(2020, 6, 15)


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    kube = factory.SubFactory(KubeFactory)
    name = factory.Sequence(lambda n: f"Tenda {n + 1}")
    acquired_on = dt.date(2021, 1, 10)
    value = 3_500_000


class LoanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Loan

    membership = factory.SubFactory(MembershipFactory)
    kube = factory.SelfAttribute("membership.kube")
    amount = 500_000
    lent_on = dt.date(2024, 1, 15)
    due_on = dt.date(2024, 4, 15)


class RepaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Repayment

    loan = factory.SubFactory(LoanFactory)
    paid_on = dt.date(2024, 2, 15)
    amount = 100_000


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    kube = factory.SubFactory(KubeFactory)
    name = factory.Sequence(lambda n: f"Produk {n + 1}")
    started_on = dt.date(2021, 1, 1)
