"""Writes of the API: client systems and their service accounts, tokens issued and revoked, the
record of each call, and figures submitted, previewed and imported through the very services
of the upload page (chains.figures.writing, chains.quality.services)."""

import datetime
import hashlib
import secrets

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from chains.api.models import ApiCall, ApiClient, ApiToken, TokenScope
from chains.figures import writing
from chains.figures.models import FigureImport, ImportStatus
from chains.figures.reading import ImportRefused, Plan
from chains.matrix.models import Unit
from chains.quality.services import flags_confirm, flags_record

TOKEN_START = "cp_"


def token_hash(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def _service_username(code: str) -> str:
    return f"api-{code}"


@transaction.atomic
def api_client_create(*, code: str, name: str, unit: Unit, contact: str = "") -> ApiClient:
    """A client system and its service account: statistics staff of the client's unit (so the
    portal's own rule, chains.figures.access.can_import_statistics, holds for what it sends),
    with an unusable password, so nobody signs in with it."""
    user = User(
        username=_service_username(code),
        first_name=f"接口：{name}"[:150],
        role=Role.STATISTICS,
        unit=unit,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    client = ApiClient(code=code, name=name, unit=unit, contact=contact, service_user=user)
    client.full_clean()
    client.save()
    return client


@transaction.atomic
def api_client_update(*, client: ApiClient) -> ApiClient:
    """Save a client's edited name, unit, contact and state, its service account kept in step
    (an inactive client's account is inactive too). The code is fixed once created."""
    client.full_clean()
    client.save()
    user = client.service_user
    user.first_name = f"接口：{client.name}"[:150]
    user.unit = client.unit
    user.is_active = client.is_active
    user.save(update_fields=["first_name", "unit", "is_active"])
    return client


def api_token_issue(
    *,
    client: ApiClient,
    scope: str,
    expires_at: datetime.datetime,
    created_by: User,
    note: str = "",
) -> tuple[ApiToken, str]:
    """A new token for a client system; returns it and the plain token, which is not kept
    anywhere (only its SHA-256) and so can be shown this once."""
    if scope not in TokenScope.values:
        raise ValueError(f"unknown scope {scope!r}")
    start = secrets.token_hex(4)
    plain = f"{TOKEN_START}{start}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        client=client,
        scope=scope,
        note=note,
        prefix=f"{TOKEN_START}{start}",
        key_hash=token_hash(plain),
        created_by=created_by,
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    return token, plain


@transaction.atomic
def api_token_revoke(*, token: ApiToken, user: User) -> bool:
    """Revoke a token (it stays, with its calls); recorded in its admin history. False when it
    was revoked already."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return False
    token.revoked_at, token.revoked_by = timezone.now(), user
    token.save(update_fields=["revoked_at", "revoked_by"])
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[token],
        action_flag=CHANGE,
        change_message="吊销令牌：此后使用它的调用一律拒绝。",
        single_object=True,
    )
    return True


def api_token_used(token: ApiToken) -> None:
    """Note when a token was last used (one UPDATE, no read)."""
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


def api_call_record(
    *,
    token: ApiToken | None,
    method: str,
    path: str,
    status: int,
    ip: str | None,
    duration_ms: int,
    figure_import: FigureImport | None = None,
    error: str = "",
) -> ApiCall:
    return ApiCall.objects.create(
        token=token,
        method=method[:8],
        path=path[:500],
        status=status,
        ip=ip or None,
        duration_ms=max(0, duration_ms),
        figure_import=figure_import,
        error=error[:300],
    )


def api_import_submit(*, client: ApiClient, upload, month=None) -> tuple[FigureImport, Plan]:
    """Keep a file the client sent (or built from its JSON, chains.api.workbooks) and preview
    it, exactly as the upload page does: the same checks, the same messages, the same flags.
    Nothing is imported yet."""
    record = writing.upload_record(upload=upload, user=client.service_user)
    plan = writing.preview(record, month=month)
    return record, plan


class ReasonNeeded(Exception):
    """The import has flagged figures nobody confirmed, and no reason was given."""


class MoreFindings(Exception):
    """The figures around the file changed since its preview and its checks found more to
    confirm: kept with the import (as the page does), to confirm before importing."""

    def __init__(self, count: int):
        super().__init__(f"{count} more findings to confirm")
        self.count = count


def api_import_apply(*, client: ApiClient, record: FigureImport, reason: str = "") -> Plan:
    """Confirm the import's flagged figures with the client's reason (kept with each flag, the
    service account as who confirmed), then import it all or nothing, as the preview page's
    import does: a file now refused is noted refused with its errors (ImportRefused passes
    through); findings made since the preview are kept to confirm (MoreFindings); the other
    exceptions of chains.figures.writing pass through."""
    reason = reason.strip()
    if record.flags.filter(confirmed_at__isnull=True).exists():
        if not reason:
            raise ReasonNeeded
        flags_confirm(record, user=client.service_user, reasons={}, reason_for_all=reason)
    try:
        return writing.apply(record)
    except ImportRefused as exc:
        record.errors, record.status = exc.plan.messages(), ImportStatus.REFUSED
        record.save(update_fields=["errors", "status"])
        raise
    except writing.NotConfirmed as exc:
        flags_record(record, exc.findings)
        raise MoreFindings(len(exc.findings)) from exc
