"""Responses the apps share."""

import logging
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse

from portal import spreadsheets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

logger = logging.getLogger(__name__)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A workbook to download under its Chinese file name (RFC 6266 `filename*`)."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(filename)
    return response


def sheets_response(name: str, sheets) -> HttpResponse:
    """Sheets (portal.spreadsheets.workbook's input) as a workbook named `name`.xlsx."""
    return xlsx_response(spreadsheets.workbook(sheets), f"{name}.xlsx")


class FileMissing(Http404):
    """A stored file's record exists but the file does not, typically after a database was
    restored without its media folder. The 404 page says so in the user's language
    (portal.errors)."""


def file_download(field_file, *, filename: str, content_type: str | None = None) -> FileResponse:
    """A stored file (a FileField's value) as a download; 404 (FileMissing), not 500, when it
    is not on disk."""
    try:
        if not field_file:
            raise FileNotFoundError("no file stored")
        handle = field_file.open("rb")
    except FileNotFoundError:
        file_missing(field_file.name)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


def file_missing(name: str):
    """Raise FileMissing, and tell the administrators: the media folder needs restoring."""
    logger.warning("Stored file missing from the media folder: %s", name or "(none)")
    raise FileMissing("The stored file is missing.")
