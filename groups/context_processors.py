from .areas import area_of, home_area


def area(request):
    """The name of the user's area in every page's title: their city, province or the country."""
    user = getattr(request, "user", None)
    current = area_of(user) if user is not None and user.is_authenticated else home_area()
    return {"city_name": current.name, "user_area": current}
