"""URLs of the composed pages.

They keep their historical names in the `groups` namespace (`groups:home`,
`groups:kube_detail`, …): kube_registry/urls.py includes these patterns together with
groups' own in that one namespace.
"""

urlpatterns = []
