"""django-import-export resources: the admin's import/export and `load_matrix` share them, so
a file is validated and written the same way wherever it comes in."""

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from accounts.services import permissions_sync
from portal.spreadsheets import SafeExportMixin, SafeImportMixin

from . import services
from .choices import ALL_DISTRICTS, LIST_SEPARATOR, CategoryCode, UnitKind
from .models import Category, Industry, Official, SubSegment, Unit
from .selectors import MATRIX_COLUMNS, assignment_names, industries_with_assignments

SEPARATORS = (LIST_SEPARATOR, "，", ",", ";", "；", "\n")


def split_names(value) -> list[str]:
    """A list of names from a JSON list or a cell joined with "、" (or commas)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        text = str(value)
        for sep in SEPARATORS[1:]:
            text = text.replace(sep, LIST_SEPARATOR)
        items = text.split(LIST_SEPARATOR)
    return [item.strip() for item in items if item and item.strip()]


class NameListWidget(widgets.Widget):
    """A cell listing canonical names; unknown names are refused with a message in Chinese."""

    def __init__(self, model, label: str, expand_districts: bool = False):
        super().__init__()
        self.model = model
        self.label = label
        self.expand_districts = expand_districts

    def clean(self, value, row=None, **kwargs) -> list[str]:
        names = split_names(value)
        if self.expand_districts and ALL_DISTRICTS in names:
            districts = list(
                Unit.objects.filter(kind=UnitKind.DISTRICT).values_list("name", flat=True)
            )
            at = names.index(ALL_DISTRICTS)
            names = names[:at] + districts + names[at + 1 :]
        known = set(self.model.objects.filter(name__in=names).values_list("name", flat=True))
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValueError(
                f"未知的{self.label}：{LIST_SEPARATOR.join(unknown)}（请使用规范名称）"
            )
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"{self.label}重复列出：{LIST_SEPARATOR.join(repeated)}")
        return names

    def render(self, value, obj=None, **kwargs) -> str:
        return LIST_SEPARATOR.join(value or [])


class CategoryWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Category, field="code")

    def clean(self, value, row=None, **kwargs):
        code = (str(value).strip() if value is not None else "").lower()
        if code not in CategoryCode.values:
            raise ValueError(
                f"未知的产业类别「{value or ''}」，应为 pillar（支柱）、emerging（新兴）或 future（未来）"
            )
        return super().clean(code, row=row, **kwargs)


class AssignmentListField(fields.Field):
    """One list of the industry's assignment. Import keeps the cleaned list on the instance
    until the row is saved; export and the unchanged-row check read the saved assignment."""

    def get_value(self, instance):
        pending = instance.__dict__.get("_matrix_pending", {})
        if self.attribute in pending:
            return pending[self.attribute]
        if instance.pk is None:
            return []
        return assignment_names(instance)[self.attribute]

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance.__dict__.setdefault("_matrix_pending", {})[self.attribute] = self.clean(
            row, **kwargs
        )


class SyncPermissionsMixin:
    """After a clean import, bring object permissions in step with the matrix, in the same
    transaction (new units and officials get their groups, moved units their rights)."""

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not (result.has_errors() or result.has_validation_errors()):
            permissions_sync()


class MatrixResource(
    SafeExportMixin, SafeImportMixin, SyncPermissionsMixin, resources.ModelResource
):
    """One row per industry: category, industry, lead_officials, lead_units, responsible_units."""

    category = fields.Field(attribute="category", column_name="category", widget=CategoryWidget())
    industry = fields.Field(attribute="name", column_name="industry")
    lead_officials = AssignmentListField(
        attribute="lead_officials",
        column_name="lead_officials",
        widget=NameListWidget(Official, "牵头市领导"),
    )
    lead_units = AssignmentListField(
        attribute="lead_units",
        column_name="lead_units",
        widget=NameListWidget(Unit, "牵头单位", expand_districts=True),
    )
    responsible_units = AssignmentListField(
        attribute="responsible_units",
        column_name="responsible_units",
        widget=NameListWidget(Unit, "责任单位", expand_districts=True),
    )

    class Meta:
        model = Industry
        fields = MATRIX_COLUMNS
        import_id_fields = ("industry",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = False
        name = "产业分工矩阵"

    def get_queryset(self):
        return industries_with_assignments()

    def before_import(self, dataset, **kwargs):
        """Refuse a file as a whole when its shape is wrong, before any row is written."""
        headers = [str(h).strip() if h is not None else "" for h in (dataset.headers or [])]
        dataset.headers = headers
        if not any(headers) and len(dataset) == 0:
            raise ValueError("文件是空的：没有表头，也没有数据行。")
        missing = [c for c in MATRIX_COLUMNS if c not in headers]
        if missing:
            raise ValueError(
                f"缺少列：{LIST_SEPARATOR.join(missing)}。需要的列为：{LIST_SEPARATOR.join(MATRIX_COLUMNS)}"
            )
        if len(dataset) == 0:
            raise ValueError("文件中没有数据行。")
        names = [str(r or "").strip() for r in dataset["industry"]]
        repeated = sorted({n for n in names if n and names.count(n) > 1})
        if repeated:
            raise ValueError(f"同一产业出现在多行：{LIST_SEPARATOR.join(repeated)}")
        self._check_future_rows(dataset)

    def _check_future_rows(self, dataset):
        """The six future industries share one assignment: their rows must agree."""
        seen = None
        for number, row in enumerate(dataset.dict, start=2):
            if str(row.get("category") or "").strip().lower() != CategoryCode.FUTURE:
                continue
            try:
                lists = tuple(
                    tuple(self.fields[c].widget.clean(row.get(c)))
                    for c in ("lead_officials", "lead_units", "responsible_units")
                )
            except ValueError:
                continue  # the row itself reports the bad name
            if seen is None:
                seen = (number, lists)
            elif lists != seen[1]:
                raise ValueError(
                    f"六个未来产业共用一套分工，但第 {number} 行与第 {seen[0]} 行的牵头市领导、"
                    "牵头单位或责任单位不一致。"
                )

    def get_or_init_instance(self, instance_loader, row):
        instance = self.get_instance(instance_loader, row)
        if instance is None:
            raise ValidationError(
                {
                    "name": f"未知的产业「{row.get('industry') or ''}」：产业由管理员在后台或基础数据文件中创建。"
                }
            )
        return instance, False

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        pending = instance.__dict__.get("_matrix_pending", {})
        errors = {}
        if not pending.get("lead_officials"):
            errors["lead_officials"] = "至少需要一位牵头市领导。"
        if not pending.get("lead_units"):
            errors["lead_units"] = "至少需要一个牵头单位。"
        both = set(pending.get("lead_units", [])) & set(pending.get("responsible_units", []))
        if both:
            errors["responsible_units"] = (
                f"{LIST_SEPARATOR.join(sorted(both))}不能既是牵头单位又是责任单位。"
            )
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance, row, **kwargs):
        pending = instance.__dict__.pop("_matrix_pending")
        services.industry_assign(industry=instance, **pending)


class KindWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        by_label = {str(label): code for code, label in UnitKind.choices}
        if text in UnitKind.values:
            return text
        if text in by_label:
            return by_label[text]
        raise ValueError(f"未知的单位类型「{text}」，应为：{LIST_SEPARATOR.join(UnitKind.values)}")


class UnitResource(SafeExportMixin, SafeImportMixin, SyncPermissionsMixin, resources.ModelResource):
    kind = fields.Field(attribute="kind", column_name="kind", widget=KindWidget())

    class Meta:
        model = Unit
        fields = ("code", "name", "name_en", "kind", "position")
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True
        name = "单位"


class OfficialResource(
    SafeExportMixin, SafeImportMixin, SyncPermissionsMixin, resources.ModelResource
):
    class Meta:
        model = Official
        fields = ("code", "name", "name_en", "position")
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True
        name = "牵头市领导"


class SubSegmentResource(SafeExportMixin, resources.ModelResource):
    """Export only (the admin's list of sub-segments), every field as before."""

    class Meta:
        model = SubSegment
        name = "细分领域"
