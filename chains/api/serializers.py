"""The API's request and response bodies: checked on the way in, described in the OpenAPI
schema (/api/schema/). A JSON submission is checked here for its shape only (types, known
indicator codes, one month); everything about the figures themselves is the importer's."""

from django.conf import settings
from rest_framework import serializers

from chains.choices import ImportKind
from chains.figures.layout import parse_month
from chains.figures.models import ImportStatus, Indicator, IndustryFigure

MONTH_HELP = "数据月份，写成 2026-10。"


def _month(value: str) -> str:
    if parse_month(value) is None:
        raise serializers.ValidationError(f"无法识别的月份「{value}」：请写成 2026-10。")
    return value


class FiguresRowSerializer(serializers.Serializer):
    industry = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=100,
        help_text="产业名称（产业指标），如“电子信息产业集群”。",
    )
    subsegment = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=100,
        help_text="细分领域；空：整个产业。",
    )
    district = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=100,
        help_text="区；空或“全市”：全市。",
    )
    credit_code = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=30,
        help_text="统一社会信用代码（企业月度数据）。",
    )
    name = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=200,
        help_text="企业名称（企业月度数据，可省略）。",
    )
    month = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=10, help_text=MONTH_HELP
    )
    figures = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text='指标代码 → 数值（按指标的计量单位，见 /api/v1/indicators/），如 {"output-month": 147445.9}。',
    )
    yoy = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        required=False,
        help_text="指标代码 → 同比增长(%)，可省略（省略时由上年同期数据计算）。",
    )

    def validate_month(self, value):
        return _month(value) if value else value


class FiguresSubmissionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[ImportKind.INDUSTRY_FIGURES, ImportKind.ENTERPRISE_FIGURES],
        help_text="industry_figures：产业指标；enterprise_figures：重点企业月度数据。",
    )
    month = serializers.CharField(
        required=False, max_length=10, help_text=MONTH_HELP + "省略时每行须写明 month。"
    )
    rows = FiguresRowSerializer(many=True, allow_empty=False, max_length=settings.STATS_MAX_ROWS)

    def validate_month(self, value):
        return _month(value)

    def validate(self, data):
        errors = []
        key = "industry" if data["kind"] == ImportKind.INDUSTRY_FIGURES else "credit_code"
        label = "industry（产业名称）" if key == "industry" else "credit_code（统一社会信用代码）"
        known = set(Indicator.objects.values_list("code", flat=True))
        for index, row in enumerate(data["rows"]):
            if not row.get(key):
                errors.append(f"rows[{index}]：缺少 {label}。")
            unknown = sorted((set(row["figures"]) | set(row.get("yoy") or {})) - known)
            if unknown:
                errors.append(
                    f"rows[{index}]：未知指标代码 {'、'.join(unknown)}（指标见 /api/v1/indicators/）。"
                )
            if (
                data.get("month")
                and row.get("month")
                and parse_month(row["month"]) != parse_month(data["month"])
            ):
                errors.append(
                    f"rows[{index}]：月份 {row['month']} 与报送的月份 {data['month']} 不一致。"
                )
        if errors:
            raise serializers.ValidationError({"rows": errors[:200]})
        return data


class FileSubmissionSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="统计数据文件（xlsx 或 csv），版式与统计数据页面的模板相同。"
    )
    month = serializers.CharField(
        required=False, max_length=10, help_text=MONTH_HELP + "文件未写明月份时必填。"
    )

    def validate_month(self, value):
        return _month(value)


class ApplySerializer(serializers.Serializer):
    confirm_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="核实理由：导入有需要核实的数据（flags）时必填，随每一项保存。",
    )


class ChangeSerializer(serializers.Serializer):
    sheet_row = serializers.IntegerField()
    where = serializers.CharField(help_text="产业 · 细分领域 · 区，或企业名称。")
    indicator = serializers.CharField(allow_null=True, help_text="指标代码。")
    indicator_name = serializers.CharField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    old = serializers.FloatField(allow_null=True)
    new = serializers.FloatField(allow_null=True)
    old_yoy = serializers.FloatField(allow_null=True)
    new_yoy = serializers.FloatField(allow_null=True)
    change_percent = serializers.FloatField(allow_null=True)


class FlagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="rule：校验规则；outlier：离群值。")
    test = serializers.CharField(help_text="规则代码，或 z、yoy、mom。")
    importance = serializers.CharField()
    sheet_row = serializers.IntegerField()
    where = serializers.CharField()
    indicator = serializers.CharField(allow_null=True)
    indicator_name = serializers.CharField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True)
    message = serializers.CharField()
    confirmed = serializers.BooleanField()
    confirmation = serializers.CharField(allow_blank=True)


class ImportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ImportStatus.choices)
    status_display = serializers.CharField()
    kind = serializers.CharField()
    file_name = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    applied_at = serializers.DateTimeField(allow_null=True)
    months = serializers.ListField(child=serializers.CharField())
    rows_added = serializers.IntegerField()
    rows_changed = serializers.IntegerField()
    rows_unchanged = serializers.IntegerField()
    errors = serializers.ListField(
        child=serializers.CharField(),
        help_text="每处错误，与统计数据页面预览中的文字相同；有错误的文件不能导入。",
    )
    changes = ChangeSerializer(many=True)
    findings_total = serializers.IntegerField()
    flags = FlagSerializer(many=True)
    unconfirmed_flags = serializers.IntegerField()
    first_row = serializers.IntegerField(
        allow_null=True,
        help_text="以 JSON 报送时：rows[0] 是第几行（错误信息中的“第 N 行”即 rows[N - first_row]）。",
    )


class RefusedSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, required=False)
    status = serializers.CharField(required=False)
    detail = serializers.CharField(required=False)
    errors = serializers.ListField(child=serializers.CharField(), required=False)
    flags = FlagSerializer(many=True, required=False)
    first_row = serializers.IntegerField(allow_null=True, required=False)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class MatrixIndustrySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    category = serializers.CharField()
    category_name = serializers.CharField()
    lead_officials = serializers.ListField(child=serializers.CharField())
    lead_units = serializers.ListField(child=serializers.CharField())
    responsible_units = serializers.ListField(child=serializers.CharField())


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["code", "name", "name_en", "unit", "period", "is_active"]


class FigureSerializer(serializers.ModelSerializer):
    industry = serializers.CharField(source="industry.code")
    industry_name = serializers.CharField(source="industry.name")
    subsegment = serializers.CharField(source="subsegment.name", allow_null=True, default=None)
    district = serializers.CharField(source="district.name", allow_null=True, default=None)
    indicator = serializers.CharField(source="indicator.code")
    unit = serializers.CharField(source="indicator.unit")
    value = serializers.FloatField(allow_null=True)
    yoy = serializers.FloatField(allow_null=True)
    import_id = serializers.IntegerField(source="source_id")

    class Meta:
        model = IndustryFigure
        fields = [
            "industry",
            "industry_name",
            "subsegment",
            "district",
            "year",
            "month",
            "indicator",
            "unit",
            "value",
            "yoy",
            "import_id",
        ]


class FiguresQuerySerializer(serializers.Serializer):
    industry = serializers.SlugField(required=False, help_text="产业代码（见 /api/v1/matrix/）。")
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    month = serializers.IntegerField(required=False, min_value=1, max_value=12)
    page = serializers.IntegerField(required=False, min_value=1)
