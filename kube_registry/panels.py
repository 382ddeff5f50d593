"""What a panel of the group profile is: a template and the function that fills it.

The panels are listed, in display order, in `pages/profile.py`; each app defines its own
panels beside its selectors (`<app>/panels.py`). Nothing registers here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProfilePanel:
    # Rendered with the context below as `section` (and the page's `kube`, `perms`, …).
    template: str
    # (request, kube) -> the template's context; a fixed number of queries, whatever the
    # group's size, and nothing the user may not see.
    context: Callable[[Any, Any], dict]
