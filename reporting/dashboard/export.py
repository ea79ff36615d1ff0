"""The dashboard as an xlsx workbook: the same numbers the page shows, one sheet per panel,
formulas escaped."""

from portal import spreadsheets
from reporting.dashboard.selectors import COUNTS
from reporting.models import ReportingPeriod


def workbook(period: ReportingPeriod, data: dict) -> bytes:
    """Every table of the dashboard as a sheet of one xlsx file. Labels (problem types, tiers)
    are lazy translations and decisions are typed by users: spreadsheets.workbook makes each
    cell safe."""
    sheets = []

    def sheet(title, header, rows):
        sheets.append((title, [header, *rows]))

    counts = COUNTS
    heads = ["应报", "已报", "按时", "逾期报送", "未到期", "未报"]
    sheet(
        "按产业",
        ["产业", *heads],
        [[r.name, *(getattr(r, k) for k in counts)] for r in data["rows"]],
    )
    sheet(
        "按牵头单位",
        ["牵头单位", *heads],
        [[u.name, *(getattr(u, k) for k in counts)] for u in data["units"]],
    )
    sheet(
        "报送网格",
        [
            "产业",
            *(
                f"{c.period.year}.{c.period.month}"
                for c in (data["grid"][0][1] if data["grid"] else [])
            ),
        ],
        [
            [industry.name, *(f"{c.received}/{c.expected}" for c in cells)]
            for industry, cells in data["grid"]
        ],
    )
    figures = data["figures"]
    sheet(
        "当月指标",
        [
            "产业",
            *(str(i) for i in figures["indicators"]),
            *(f"{i}同比(%)" for i in figures["indicators"]),
        ],
        [
            [industry.name, *(c["value"] for c in cells), *(c["yoy"] for c in cells)]
            for industry, cells in figures["table"]
        ],
    )
    sheet("问题（按类型）", ["类型", "未解决"], data["problems"]["by_type"])
    sheet(
        "问题（按产业）",
        ["产业", "未解决"],
        [[r["update__industry__name"], r["n"]] for r in data["problems"]["by_industry"]],
    )
    sheet(
        "问题（按时长）",
        ["提出时间", "未解决"],
        [
            ["本月", data["problems"]["ages"]["recent"]],
            ["1–3个月前", data["problems"]["ages"]["months"]],
            ["3个月以前", data["problems"]["ages"]["older"]],
        ],
    )
    sheet(
        "督办事项",
        ["决定事项", "产业", "责任单位", "办结期限", "状态"],
        [
            [a.decision, a.industry.name, a.unit.name, a.deadline, a.get_status_display()]
            for a, _light in data["actions"]["items"]
        ],
    )
    sheet("重点企业（按梯次）", ["梯次", "企业数"], data["enterprises"]["by_tier"])
    sheet(
        "重点企业（按区）",
        ["区", "企业数"],
        [[r["district__name"] or "—", r["n"]] for r in data["enterprises"]["by_district"]],
    )
    sheet(
        "营收变动最大",
        ["企业", "产业", "本月", "上月", "变动"],
        [
            [e.name, e.industry.name, e.now, e.before, e.change]
            for e in data["enterprises"]["movers"]
        ],
    )
    if data.get("breakdown"):
        b = data["breakdown"]
        sheet(
            "按区和细分领域",
            ["", *(str(i) for i in b["indicators"])],
            [
                [label, *(cells.get(i.pk, {}).get("value") for i in b["indicators"])]
                for label, cells in [*b["districts"].items(), *b["subsegments"].items()]
            ],
        )
    if data.get("trend"):
        trend = data["trend"]
        sheet(
            "近13个月",
            ["月份", *(s["name"] for s in trend["series"])],
            [
                [label, *(s["data"][i] for s in trend["series"])]
                for i, label in enumerate(trend["labels"])
            ],
        )
    if data.get("land"):
        sheet(
            "用地空间",
            ["类型", "事项数", "面积（亩）", "其中已完成（亩）"],
            [
                [str(r["label"]), r["count"], r["area_mu"], r["done_mu"]]
                for r in data["land"]["rows"]
            ],
        )
    if data.get("pipeline"):
        pipeline = data["pipeline"]
        stages = [str(s["label"]) for s in pipeline.stages]
        sheet(
            "项目库（按阶段）",
            ["项目阶段", "项目数", "总投资（亿元）"],
            [[str(s["label"]), s["count"], s["investment"]] for s in pipeline.stages],
        )
        for title, first, rows in (
            ("项目库（按产业）", "产业", pipeline.industries),
            ("项目库（按区）", "区（开发区）", pipeline.districts),
        ):
            sheet(
                title,
                [first, *stages, "总投资（亿元）"],
                [[row["name"], *row["counts"], row["investment"]] for row in rows],
            )
        sheet(
            "滞留项目",
            ["项目", "产业", "阶段", "进入该阶段"],
            [
                [p.name, p.industry.name, str(p.get_stage_display()), p.stage_since]
                for p in pipeline.stuck
            ],
        )
    if data.get("innovation"):
        sheet(
            "科技创新（按区）",
            [
                "区（开发区）",
                "创新平台",
                "在研攻关项目",
                "成果转化（项）",
                "合同金额（万元）",
                "引进人才（人）",
            ],
            [
                [
                    str(d["name"]),
                    d["platforms"],
                    d["projects_running"],
                    d["transfers"],
                    d["transfer_value"],
                    d["talent"],
                ]
                for d in data["innovation"]["districts"]
            ],
        )
    return spreadsheets.workbook(sheets)
