"""The industry policy register (一产业一政策): each industry's policies, kept by the units that
file for it, and the DRC's evaluations of them on the source's three dimensions (集中度
concentration, 精准度 precision, 匹配度 fit).

The writes (`policy_create`, `policy_update`, `policy_evaluate`) check who may make them and
validate before saving; the reads are in chains.policies.selectors. Not to be confused with
accounts.policies, the views' access rules.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import can_review
from accounts.models import User
from chains.models import Industry, Instrument, Policy, PolicyEvaluation
from chains.policies.access import can_edit_policies

# What a unit may set on a policy; the industry is fixed when the policy is created.
POLICY_FIELDS = (
    "title",
    "issuer",
    "document_number",
    "issued_on",
    "valid_from",
    "valid_until",
    "instruments",
    "budget",
    "summary",
)


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"Not a policy field: {', '.join(sorted(unknown))}")


def policy_validate(policy: Policy) -> None:
    """The register's rules, with messages that say what to correct, then the model's own."""
    policy.title = (policy.title or "").strip()
    policy.document_number = (policy.document_number or "").strip()
    policy.summary = (policy.summary or "").strip()
    errors: dict[str, str] = {}
    if not policy.title:
        errors["title"] = _("Give the policy's title.")
    codes = list(policy.instruments or [])
    unknown = [code for code in codes if code not in Instrument.values]
    if unknown:
        errors["instruments"] = _("Unknown instrument: %(codes)s.") % {"codes": ", ".join(unknown)}
    else:
        # One order everywhere (the choices'), each instrument once.
        policy.instruments = [code for code in Instrument.values if code in codes]
    if policy.budget is not None and policy.budget < 0:
        errors["budget"] = _("The budget cannot be negative.")
    if policy.valid_from and policy.valid_until and policy.valid_until < policy.valid_from:
        errors["valid_until"] = _(
            "The policy cannot expire (%(until)s) before it comes into force (%(start)s)."
        ) % {"until": policy.valid_until.isoformat(), "start": policy.valid_from.isoformat()}
    if errors:
        raise ValidationError(errors)
    policy.full_clean()


@transaction.atomic
def policy_create(*, industry: Industry, user: User, **fields: Any) -> Policy:
    """Add a policy to an industry's register. Only a unit that files for the industry may."""
    if not can_edit_policies(user, industry):
        raise PermissionDenied
    _check_fields(fields)
    policy = Policy(industry=industry, created_by=user, **fields)
    policy_validate(policy)
    policy.save()
    return policy


@transaction.atomic
def policy_update(*, policy: Policy, user: User, version: int, **fields: Any) -> Policy:
    """Change a policy's particulars (not its industry), if nobody changed it since the user
    read `version`: a stale version is refused (code "conflict") and nothing is written. Only
    a unit that files for the policy's industry may."""
    _check_fields(fields)
    # Locked so that two saves of the same version cannot both pass the check below.
    policy = (
        Policy.objects.select_for_update(of=("self",)).select_related("industry").get(pk=policy.pk)
    )
    if not can_edit_policies(user, policy.industry):
        raise PermissionDenied
    if policy.version != version:
        raise ValidationError(
            f"该政策已被他人修改（当前为第{policy.version}版，您编辑的是第{version}版），"
            "您的修改未保存。请核对最新内容后重新提交。",
            code="conflict",
        )
    for name, value in fields.items():
        setattr(policy, name, value)
    policy_validate(policy)
    policy.version += 1
    policy.save()
    return policy


@transaction.atomic
def policy_evaluate(
    *,
    policy: Policy,
    user: User,
    evaluated_on: datetime.date,
    concentration: int,
    precision: int,
    fit: int,
    comment: str = "",
) -> PolicyEvaluation:
    """Record the DRC's evaluation of a policy: a score of 0–100 on each dimension and a
    comment. Evaluations accumulate; the latest is the policy's current standing."""
    if not can_review(user):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if evaluated_on < policy.issued_on:
        errors["evaluated_on"] = _(
            "A policy cannot be evaluated (%(on)s) before it was issued (%(issued)s)."
        ) % {"on": evaluated_on.isoformat(), "issued": policy.issued_on.isoformat()}
    elif evaluated_on > timezone.localdate():
        errors["evaluated_on"] = _("The evaluation date cannot be in the future.")
    for name, score in (("concentration", concentration), ("precision", precision), ("fit", fit)):
        if score is None or not 0 <= score <= 100:
            errors[name] = _("A score is a whole number from 0 to 100.")
    if errors:
        raise ValidationError(errors)
    evaluation = PolicyEvaluation(
        policy=policy,
        evaluated_on=evaluated_on,
        concentration=concentration,
        precision=precision,
        fit=fit,
        comment=(comment or "").strip(),
        evaluator=user,
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation
