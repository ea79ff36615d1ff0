"""Logging filters named in settings.LOGGING."""

import logging


class DropForbidden(logging.Filter):
    """Drop django.request's record of a 403: it carries the PermissionDenied traceback, which
    says nothing useful about a refused request. portal.errors.permission_denied logs one line
    instead (who, which path, why)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 403
