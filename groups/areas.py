"""Where a user, or an API client, works: one city, a province, or the whole country.

Every scoped read filters by an `Area` (issue 19). A city's users see that city's
objects only; a province's readers every city of the province; national readers all.
A user the office gave no area works in the installation's own city
(`settings.KUBE_CITY_CODE`), so a one-city installation needs no configuration.

Filters go through the lookup path from a model to its `City`, named once here for the
models whose path is long.
"""

import dataclasses

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Lookup paths from a model to its City.
KUBE_CITY = "kelurahan__kecamatan__city"
KELURAHAN_CITY = "kecamatan__city"


class AreaLevel(models.TextChoices):
    KOTA = "kota", _("Kota")
    PROVINSI = "provinsi", _("Provinsi")
    NASIONAL = "nasional", _("Nasional")


@dataclasses.dataclass(frozen=True)
class Area:
    level: str
    code: str = ""  # "64.74" for a city, "64" for a province, "" for the country
    name: str = ""  # what the pages' titles call it: "Kota Bontang", "Provinsi Kalimantan Timur"

    def q(self, city_path: str) -> Q:
        """The filter "in this area" for a model whose City is at `city_path` ("" for City itself)."""
        prefix = f"{city_path}__" if city_path else ""
        if self.level == AreaLevel.NASIONAL:
            return Q()
        if self.level == AreaLevel.PROVINSI:
            return Q(**{f"{prefix}province_code": self.code})
        return Q(**{f"{prefix}code": self.code})

    def holds_city(self, city_code: str) -> bool:
        if self.level == AreaLevel.NASIONAL:
            return True
        if self.level == AreaLevel.PROVINSI:
            return city_code[:2] == self.code
        return city_code == self.code

    @property
    def is_city(self) -> bool:
        return self.level == AreaLevel.KOTA


def area_for(level: str, city, province_code: str) -> Area:
    """The Area a stored (level, city, province code) names: a user's (UserArea) or an API client's."""
    from .regions import province_name

    if level == AreaLevel.KOTA:
        return Area(AreaLevel.KOTA, city.code, city.name)
    if level == AreaLevel.PROVINSI:
        return Area(level, province_code, f"Provinsi {province_name(province_code)}")
    return Area(level, "", "Indonesia")


def level_matches_q() -> Q:
    """The check constraint of a stored area: a city for the city level, a province code for
    the province level, neither for the country."""
    return (
        Q(level=AreaLevel.KOTA, city__isnull=False, province_code="")
        | Q(level=AreaLevel.PROVINSI, city__isnull=True, province_code__regex=r"^[0-9]{2}$")
        | Q(level=AreaLevel.NASIONAL, city__isnull=True, province_code="")
    )


def home_area() -> Area:
    """The installation's own city: the area of a user the office gave none."""
    return Area(AreaLevel.KOTA, settings.KUBE_CITY_CODE, settings.KUBE_CITY_NAME)


NOWHERE = Area(AreaLevel.KOTA, "-", settings.KUBE_CITY_NAME)  # matches no city: for anonymous users


def area_of(user) -> Area:
    """The user's area, read with the user (the sign-in backend joins it) and kept on it."""
    if not getattr(user, "is_authenticated", False):
        return NOWHERE
    cached = getattr(user, "_area_cache", None)
    if cached is not None:
        return cached
    try:
        row = user.area
    except ObjectDoesNotExist:
        row = None
    user._area_cache = row.as_area() if row is not None else home_area()
    return user._area_cache


def users_q(area: Area, prefix: str = "") -> Q:
    """The filter on users "works in `area`": their UserArea, or none and the installation's
    city. `prefix`: the path to the user from the filtered model ("user__")."""
    if area.level == AreaLevel.NASIONAL:
        return Q()
    home = home_area()

    def q(**lookups) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    if area.level == AreaLevel.PROVINSI:
        in_area = q(area__city__province_code=area.code) | q(
            area__level=AreaLevel.PROVINSI, area__province_code=area.code
        )
        return in_area | q(area__isnull=True) if home.code[:2] == area.code else in_area
    in_area = q(area__city__code=area.code)
    return in_area | q(area__isnull=True) if area.code == home.code else in_area


def city_of(user):
    """The City row a user of one city works in (None for a province's or the country's
    readers, who write nothing): what their new partners, trainings and uploads belong to."""
    from .models import City  # the models import this module

    area = area_of(user)
    if not area.is_city or area is NOWHERE:
        return None
    return City.objects.filter(code=area.code).first()
