"""Demo policies for the register (`make run` only): real titles of the kind the city issues,
dated in the past."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from chains.matrix.selectors import industries_with_assignments
from chains.models import Instrument, Policy, PolicyEvaluation, Unit
from chains.policies.services import policy_validate

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
            policy_validate(policy)
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
