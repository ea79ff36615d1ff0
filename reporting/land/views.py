"""Pages for land and space items (空间统筹): a unit's items of a year with a form to add one,
the form pre-bound to a monthly update (its 平台载体 section links here), edit with a version
check, and remove. Access through reporting.land.access, writes through
reporting.land.services."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.access import industries_for
from accounts.choices import Action
from accounts.policies import Policy
from chains.models import CarrierArea, Unit
from portal.listing import listing
from portal.responses import sheets_response
from portal.viewhelpers import error_text, year_param
from reporting.choices import LandKind, LandStatus
from reporting.land import selectors
from reporting.land import services as land
from reporting.land.access import access_land_item
from reporting.models import LandItem, MonthlyUpdate
from reporting.periods import services as periods_services
from reporting.updates import services
from reporting.updates.access import UpdateAction, access_update

MONTHS = [(m, f"{m}月") for m in range(1, 13)]

FIELDS = ["year", "month", "industry", "carrier", "kind", "name", "area", "area_unit", "status"]


def _year(value) -> int:
    today = periods_services.today()
    return year_param(value, default=today.year, today=today)


class LandItemForm(forms.ModelForm):
    """A land item's fields; bound to a monthly update, its month and industry are fixed."""

    month = forms.TypedChoiceField(label=gettext_lazy("month"), choices=MONTHS, coerce=int)

    class Meta:
        model = LandItem
        fields = [*FIELDS, "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, update: MonthlyUpdate | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = industries_for(user, Action.VIEW).order_by(
            "category__position", "position"
        )
        tied = update or (self.instance.update if self.instance.update_id else None)
        # Only carriers the unit may count area towards (the service decides for the exact
        # industry); an item keeps the carrier it already has.
        carriers = land.carrier_choices(user, tied.industry_id if tied is not None else None)
        if self.instance.carrier_id:
            carriers = carriers | CarrierArea.objects.filter(pk=self.instance.carrier_id)
        self.fields["carrier"].queryset = carriers
        if tied is not None:
            for name, value in (
                ("year", tied.period.year),
                ("month", tied.period.month),
                ("industry", tied.industry_id),
            ):
                self.fields[name].disabled = True
                self.initial[name] = value
            self.fields["industry"].queryset = self.fields["industry"].queryset.filter(
                pk=tied.industry_id
            )

    def changes(self) -> dict:
        """The fields the user may set (the fixed ones left out)."""
        return {
            name: self.cleaned_data[name]
            for name in [*FIELDS, "note"]
            if not self.fields[name].disabled
        }


class LandItemEditForm(LandItemForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


def _back(*, update: MonthlyUpdate | None, year: int) -> str:
    """Where to go after a write: the update's form while it is open, else the year's list."""
    if update is not None and services.is_editable(update):
        return reverse("reporting:edit", args=[update.pk])
    return f"{reverse('reporting:land')}?year={year}"


LAND_ORDERS = {
    "month": ("year", "month", "pk"),
    "unit": ("unit__position", "year", "month", "pk"),
    "kind": ("kind", "year", "month", "pk"),
    "status": ("status", "year", "month", "pk"),
}


class LandListView(TemplateView):
    """A year's land items: a unit's own (with the form to add one), another unit's as far as
    the user may read them (system-wide readers: all; others: those of industries they view).
    Filtered by kind and status, ordered, paged by fifty; ?format=xlsx exports the rows the
    filters select, in the same order."""

    access_policy = Policy.AUTHENTICATED
    template_name = "reporting/land/land_list.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("format") == "xlsx":
            return _land_workbook(context["rows"], context["year"])
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        user, query = self.request.user, self.request.GET
        year = _year(query.get("year"))
        code = query.get("unit")  # absent: the user's unit; empty: every unit
        if code:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                raise Http404("No such unit.")
        else:
            unit = user.unit if user.unit_id and code is None else None
        own = unit is not None and unit.pk == user.unit_id
        rows = selectors.land_items_visible(user, year, unit=unit)
        kind, status = query.get("kind", ""), query.get("status", "")
        if kind in LandKind.values:
            rows = rows.filter(kind=kind)
        if status in LandStatus.values:
            rows = rows.filter(status=status)
        found = listing(self.request, rows, LAND_ORDERS, default="-month")
        for item in found.page:
            item.can_change = own and (item.update is None or services.is_editable(item.update))
        today = periods_services.today()
        return super().get_context_data(
            year=year,
            years=range(today.year + 1, today.year - 4, -1),
            unit=unit,
            units=Unit.objects.order_by("position"),
            kinds=LandKind.choices,
            statuses=LandStatus.choices,
            kind=kind,
            status=status,
            items=found.page,
            listing=found,
            rows=found.rows,
            own=own,
            form=LandItemForm(
                user=user,
                initial={"year": year, "month": today.month if year == today.year else 12},
            )
            if own
            else None,
            **kwargs,
        )


def _land_workbook(rows, year):
    header = [
        "年",
        "月",
        "单位",
        "类型",
        "地块或项目",
        "产业",
        "载体",
        "面积",
        "面积单位",
        "状态",
        "备注",
    ]
    body = [
        [
            item.year,
            item.month,
            item.unit.name,
            item.get_kind_display(),
            item.name,
            item.industry.name if item.industry else "",
            item.carrier.name if item.carrier else "",
            item.area,
            item.get_area_unit_display(),
            item.get_status_display(),
            item.note,
        ]
        for item in rows.iterator(chunk_size=500)
    ]
    return sheets_response(f"用地空间事项{year}", [("用地空间事项", [header, *body])])


class LandAddView(TemplateView):
    """Add a land item of the user's unit; with ?update=<pk>, as part of that monthly update."""

    access_policy = Policy.OBJECT
    template_name = "reporting/land/land_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not request.user.unit_id:
                raise PermissionDenied
            pk = request.GET.get("update") or request.POST.get("update")
            self.update = None
            if pk:
                if not str(pk).isdigit():
                    raise Http404("No such update.")
                self.update = access_update(user=request.user, pk=int(pk), action=UpdateAction.EDIT)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.update is not None and not services.is_editable(self.update):
            messages.info(request, services._not_editable_message(self.update))
            return redirect("reporting:update", self.update.pk)
        today = periods_services.today()
        form = LandItemForm(
            user=request.user,
            update=self.update,
            initial={"year": today.year, "month": today.month},
        )
        return self.render_to_response(self.get_context_data(form=form, update=self.update))

    def post(self, request, *args, **kwargs):
        form = LandItemForm(request.POST, user=request.user, update=self.update)
        if form.is_valid():
            data = form.cleaned_data
            try:
                land.land_item_add(
                    user=request.user,
                    unit=request.user.unit,
                    year=data["year"],
                    month=data["month"],
                    kind=data["kind"],
                    name=data["name"],
                    area=data["area"],
                    area_unit=data["area_unit"],
                    status=data["status"],
                    industry=data["industry"],
                    carrier=data["carrier"],
                    update=self.update,
                    note=data["note"],
                )
                messages.success(request, _("Land item recorded."))
                return redirect(_back(update=self.update, year=data["year"]))
            except ValidationError as exc:
                form.add_error(None, exc)
        return self.render_to_response(
            self.get_context_data(form=form, update=self.update), status=400
        )


class LandEditView(TemplateView):
    """Change a land item of the user's unit. A save over a colleague's newer one is refused
    (409) with the typed values kept and the saved ones shown beside them."""

    access_policy = Policy.OBJECT
    template_name = "reporting/land/land_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.item = access_land_item(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def context(self, form, **extra):
        return self.get_context_data(form=form, item=self.item, update=self.item.update, **extra)

    def get(self, request, *args, **kwargs):
        if self.item.update_id and not services.is_editable(self.item.update):
            messages.info(request, services._not_editable_message(self.item.update))
            return redirect(f"{reverse('reporting:land')}?year={self.item.year}")
        form = LandItemEditForm(
            instance=self.item, user=request.user, initial={"version": self.item.version}
        )
        return self.render_to_response(self.context(form))

    def post(self, request, *args, **kwargs):
        form = LandItemEditForm(request.POST, instance=self.item, user=request.user)
        if form.is_valid():
            try:
                item = land.land_item_change(
                    item=self.item,
                    user=request.user,
                    version=form.cleaned_data["version"],
                    **form.changes(),
                )
                messages.success(request, _("Land item saved."))
                return redirect(_back(update=item.update, year=item.year))
            except ValidationError as exc:
                if getattr(exc, "code", None) == "conflict":
                    current = access_land_item(user=request.user, pk=self.item.pk)
                    messages.error(request, error_text(exc))
                    form.data = form.data.copy()
                    form.data["version"] = current.version
                    return self.render_to_response(self.context(form, conflict=current), status=409)
                form.add_error(None, exc)
        return self.render_to_response(self.context(form), status=400)


class LandRemoveView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        item = access_land_item(user=request.user, pk=pk)
        back = _back(update=item.update, year=item.year)
        try:
            land.land_item_remove(item=item, user=request.user)
            messages.success(request, _("Land item removed."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect(back)
