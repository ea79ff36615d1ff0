"""The matrix of the source document (../shared/seed), written out by hand from its text with
the reading rules of domain.md: a 市 prefix distributes over the list that follows it, and 各区
is the six districts. The export must match this exactly."""

DISTRICTS = ["思明区", "湖里区", "集美区", "海沧区", "同安区", "翔安区"]
FUTURE_RESPONSIBLE = [
    "市发改委",
    "市工信局",
    "市卫健委",
    "市海洋局",
    "市市场监管局",
    *DISTRICTS,
    "火炬管委会",
]


def row(category, industry, officials, leads, responsible):
    return {
        "category": category,
        "industry": industry,
        "lead_officials": officials,
        "lead_units": leads,
        "responsible_units": responsible,
    }


EXPECTED = [
    row(
        "pillar",
        "电子信息产业集群",
        ["黄晓舟"],
        ["市工信局"],
        ["市发改委", "市科技局", *DISTRICTS, "火炬管委会"],
    ),
    row(
        "pillar",
        "机械装备产业集群",
        ["黄晓舟"],
        ["市工信局"],
        ["市发改委", "市科技局", *DISTRICTS, "自贸区管委会", "火炬管委会"],
    ),
    row(
        "pillar",
        "商贸物流产业集群",
        ["黄晓舟", "黄燕添", "庄荣良"],
        ["市商务局", "市交通局", "市会展局"],
        ["市发改委", "厦门港口局", "市邮政管理局", *DISTRICTS, "自贸区管委会"],
    ),
    row(
        "pillar",
        "金融服务产业集群",
        ["李辉跃"],
        ["市金融监管局"],
        [
            "市财政局",
            *DISTRICTS,
            "自贸区管委会",
            "人行厦门市中心支行",
            "厦门银保监局",
            "厦门证监局",
        ],
    ),
    row(
        "emerging",
        "生物医药产业",
        ["黄晓舟"],
        ["市科技局"],
        ["市发改委", "市工信局", "市市场监管局", "市卫健委", "市医保局", *DISTRICTS, "火炬管委会"],
    ),
    row(
        "emerging",
        "新材料产业",
        ["黄晓舟"],
        ["市工信局"],
        ["市发改委", "市科技局", *DISTRICTS, "火炬管委会"],
    ),
    row(
        "emerging",
        "新能源产业",
        ["黄晓舟"],
        ["市工信局"],
        ["市发改委", "市科技局", *DISTRICTS, "火炬管委会"],
    ),
    row(
        "emerging",
        "文旅创意产业",
        ["吴子东", "庄荣良"],
        ["市文发办", "市文旅局"],
        ["市工信局", *DISTRICTS, "火炬管委会"],
    ),
    *[
        row("future", name, ["黄晓舟"], ["市科技局"], FUTURE_RESPONSIBLE)
        for name in [
            "第三代半导体",
            "未来网络",
            "前沿战略材料",
            "氢能与储能",
            "基因与生物技术",
            "深海空天开发",
        ]
    ],
]
