"""Reads of the policy register: an industry's policies with their latest evaluation, and the
register's summary for the reports. A fixed number of queries each."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from chains.models import Industry, Policy, PolicyEvaluation


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
