"""`{% person_trainings person as trainings %}`: a person's trainings on their member page."""

from django import template

from monitoring.trainings import person_trainings as select_person_trainings

register = template.Library()


@register.simple_tag
def person_trainings(person):
    return list(select_person_trainings(person))
