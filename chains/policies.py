"""The industry policy register (一产业一政策): each industry's policies, kept by the units that
file for it, and the DRC's evaluations of them on the source's three dimensions (集中度
concentration, 精准度 precision, 匹配度 fit).

Writes (`policy_create`, `policy_update`, `policy_evaluate`) check who may make them and
validate before saving; reads (`policies_for_industry`, `policy_summary`) cost a fixed number
of queries however many policies and evaluations there are. Not to be confused with
accounts.policies, the views' access rules.
"""

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import can_edit_policies, can_review
from accounts.models import User
from chains.models import Industry, Instrument, Policy, PolicyEvaluation, Unit

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


def _validate(policy: Policy) -> None:
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
    _validate(policy)
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
    _validate(policy)
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


# --- reads ---------------------------------------------------------------------------------------


def _latest_evaluation() -> QuerySet[PolicyEvaluation]:
    """The evaluations of the outer policy, latest first (the model's ordering, spelt out)."""
    return PolicyEvaluation.objects.filter(policy=OuterRef("pk")).order_by("-evaluated_on", "-id")


def policies_for_industry(industry: Industry) -> list[Policy]:
    """An industry's policies, newest first, each with `issuer`, `evaluation_count` and
    `latest_evaluation` (None when not yet evaluated): two queries, however many policies and
    evaluations."""
    count = (
        PolicyEvaluation.objects.filter(policy=OuterRef("pk"))
        .order_by()
        .values("policy")
        .annotate(n=Count("pk"))
        .values("n")
    )
    policies = list(
        Policy.objects.filter(industry=industry)
        .select_related("issuer")
        .annotate(
            evaluation_count=Coalesce(Subquery(count), 0),
            latest_evaluation_id=Subquery(_latest_evaluation().values("pk")[:1]),
        )
    )
    latest = PolicyEvaluation.objects.in_bulk(
        [p.latest_evaluation_id for p in policies if p.latest_evaluation_id]
    )
    for policy in policies:
        policy.latest_evaluation = latest.get(policy.latest_evaluation_id)
    return policies


@dataclass(frozen=True)
class PolicySummary:
    """One industry's register in figures: the averages are over each policy's latest
    evaluation (policies never evaluated do not count), None when none is evaluated."""

    industry: Industry
    policies: int = 0
    budget: Decimal = Decimal(0)
    evaluated: int = 0
    concentration: float | None = None
    precision: float | None = None
    fit: float | None = None

    @property
    def average(self) -> float | None:
        scores = (self.concentration, self.precision, self.fit)
        if any(score is None for score in scores):
            return None
        return round(sum(scores) / 3, 1)


def policy_summary(industries: Iterable[Industry]) -> list[PolicySummary]:
    """For each industry (in the order given): how many policies, their total budget (万元),
    and the average of their latest evaluations' scores. Two queries, whatever the numbers."""
    industries = list(industries)
    ids = [industry.pk for industry in industries]
    registers = {
        row["industry"]: row
        for row in Policy.objects.filter(industry__in=ids)
        .order_by()
        .values("industry")
        .annotate(policies=Count("pk"), budget=Sum("budget"))
    }
    # An evaluation is its policy's latest when no other evaluation of it comes later
    # (a later date, or the same date and recorded after it).
    later = PolicyEvaluation.objects.filter(policy=OuterRef("policy")).filter(
        Q(evaluated_on__gt=OuterRef("evaluated_on"))
        | Q(evaluated_on=OuterRef("evaluated_on"), pk__gt=OuterRef("pk"))
    )
    scores = {
        row["policy__industry"]: row
        for row in PolicyEvaluation.objects.filter(policy__industry__in=ids)
        .filter(~Exists(later))
        .order_by()
        .values("policy__industry")
        .annotate(
            evaluated=Count("pk"),
            concentration=Avg("concentration"),
            precision=Avg("precision"),
            fit=Avg("fit"),
        )
    }
    summaries = []
    for industry in industries:
        register = registers.get(industry.pk, {})
        score = scores.get(industry.pk, {})
        summaries.append(
            PolicySummary(
                industry=industry,
                policies=register.get("policies", 0),
                budget=register.get("budget") or Decimal(0),
                evaluated=score.get("evaluated", 0),
                **{
                    name: _one_place(score.get(name))
                    for name in ("concentration", "precision", "fit")
                },
            )
        )
    return summaries


def _one_place(value) -> float | None:
    return None if value is None else round(float(value), 1)


# --- demo data -----------------------------------------------------------------------------------

DEMO_POLICIES = (
    # title template, instruments, budget range (万元), summary
    (
        "厦门市加快{industry}发展若干措施",
        [Instrument.FISCAL, Instrument.FUND, Instrument.TALENT],
        (5000, 50000),
        "对新引进的{industry}重点项目按实际投资给予补助；设立产业子基金；对高层次人才给予安家补贴。",
    ),
    (
        "{industry}领域金融支持实施细则",
        [Instrument.FINANCIAL, Instrument.FISCAL],
        (2000, 20000),
        "设立{industry}信贷风险补偿资金池，对首贷、信用贷给予贴息，支持企业上市和发行债券。",
    ),
    (
        "关于保障{industry}项目用地的若干意见",
        [Instrument.LAND, Instrument.TAX],
        (1000, 8000),
        "优先保障{industry}重点项目用地，推行“标准地”出让，盘活批而未供和低效用地。",
    ),
)
DEMO_COMMENTS = (
    "资金投向集中于产业链关键环节，兑现效率较高。",
    "支持对象与产业发展路线图基本一致，建议细化细分领域的差异化条款。",
    "政策工具与企业诉求匹配度较好，部分条款申报门槛偏高。",
    "惠及企业数量偏少，建议加强政策宣传和精准推送。",
)


@transaction.atomic
def policies_demo(user: User | None) -> int:
    """One to three plausible policies per industry, issued by its first lead unit, each with
    one or two evaluations by `user` (a DRC account), all marked demo. Skipped when demo
    policies exist or no user is given; returns how many policies were made."""
    if user is None or Policy.objects.filter(is_demo=True).exists():
        return 0
    from chains.selectors import industries_with_assignments

    rng = random.Random(446)
    today = timezone.localdate()
    fallback = Unit.objects.order_by("position").first()
    made = 0
    for industry in industries_with_assignments():
        leads = industry.assignment.lead_unit_list()
        issuer = leads[0] if leads else fallback
        prefix = f"厦{issuer.name.removeprefix('市')[:2]}规"  # 厦工信规, 厦商务规, …
        for index, (title, instruments, budget, summary) in enumerate(
            DEMO_POLICIES[: rng.randint(1, 3)]
        ):
            issued_on = today - datetime.timedelta(days=rng.randint(200, 900))
            policy = Policy(
                industry=industry,
                title=title.format(industry=industry.name),
                issuer=issuer,
                document_number=f"{prefix}〔{issued_on.year}〕{rng.randint(1, 30)}号",
                issued_on=issued_on,
                valid_from=issued_on,
                valid_until=issued_on.replace(year=issued_on.year + 3, day=1),
                instruments=[str(code) for code in instruments],
                budget=Decimal(rng.randrange(*budget, 100)),
                summary=summary.format(industry=industry.name),
                created_by=user,
                is_demo=True,
            )
            _validate(policy)
            policy.save()
            made += 1
            for step in range(rng.randint(1, 2)):
                evaluation = PolicyEvaluation(
                    policy=policy,
                    evaluated_on=min(
                        today, issued_on + datetime.timedelta(days=180 * (step + 1) + index)
                    ),
                    concentration=rng.randint(60, 95),
                    precision=rng.randint(55, 95),
                    fit=rng.randint(60, 95),
                    comment=rng.choice(DEMO_COMMENTS),
                    evaluator=user,
                )
                evaluation.full_clean()
                evaluation.save()
    return made
