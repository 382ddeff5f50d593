"""Every file a page hands out goes through `export_response`, which records it first.

UU 27/2022 makes the office answerable for every copy of personal data that leaves the
registry, so the audit trail (`ExportRecord`, read-only in the admin) must hold every
download: who, when, which file, in which format, masked or not. A view never sets
Content-Disposition itself; it calls

    return export_response(request, what="usulan", fmt="csv", content=data,
                           filename="usulan.csv", is_unmasked=can_see)

`ExportAuditMiddleware` is the safety net for a view that forgets: a file response not
made here is still recorded (as "tidak-dideklarasikan:<path>", counted as unmasked since
nobody said otherwise) and logged as an error, and tests/kube_registry/test_export_audit.py
walks every URL to make sure no page relies on the net.

The import template is recorded too ("templat-impor", masked): it holds no personal
data, but one rule without exceptions ("every file is recorded") is easier to keep and
to check than a list of files that need not be.
"""

import logging
from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from .models import ExportRecord, ExportSource, export_record

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
UNDECLARED = "tidak-dideklarasikan"


def _query_of(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def export_response(
    request: HttpRequest,
    *,
    what: str,
    fmt: str,
    content: bytes | Iterable[bytes],
    filename: str,
    is_unmasked: bool,
    group_count: int = 0,
) -> HttpResponse | StreamingHttpResponse:
    """The file as an attachment, after its row in the audit trail is written.

    `is_unmasked` says whether the file holds full NIK/KK numbers (False for files with
    no personal data at all). `content` is the whole file, or an iterable of chunks to
    stream. The list's filters (the query string without the page) are kept with it.
    """
    record = export_record(
        user=request.user if request.user.is_authenticated else None,
        source=ExportSource.WEB,
        what=what,
        file_format=fmt,
        is_unmasked=is_unmasked,
        group_count=group_count,
        query=_query_of(request),
    )
    content_type = CONTENT_TYPES.get(fmt, "application/octet-stream")
    if isinstance(content, bytes | bytearray):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.export_record = record
    return response


def is_file_response(response) -> bool:
    disposition = response.get("Content-Disposition", "").lower()
    return disposition.startswith("attachment") or "filename" in disposition


class ExportAuditMiddleware:
    """Records a file response that did not come from `export_response` (a view's bug)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_file_response(response) and getattr(response, "export_record", None) is None:
            response.export_record = self.record_undeclared(request, response)
        return response

    @staticmethod
    def record_undeclared(request, response) -> ExportRecord:
        log.error("File response from %s did not go through export_response; recorded as undeclared.", request.path)
        disposition = response.get("Content-Disposition", "")
        extension = disposition.rsplit(".", 1)[-1].strip('"; ') if "." in disposition else ""
        user = getattr(request, "user", None)
        return export_record(
            user=user if user is not None and user.is_authenticated else None,
            source=ExportSource.WEB,
            what=f"{UNDECLARED}:{request.path}",
            file_format=extension[:10] or "?",
            is_unmasked=True,
            group_count=0,
            query=_query_of(request),
        )
