"""Pages of the investment leads (招商线索): the list (市招商办's page: every lead, by stage, the
enterprises two units court), a lead with its history, and the writes — record, change, move
on (签约 enters the project register), 市招商办's guidance and assignment, take out."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.access import require
from accounts.policies import Policy
from chains.models import Industry, Unit
from portal.responses import sheets_response
from portal.viewhelpers import add_form_errors, error_text
from reporting.leads import selectors, services
from reporting.leads.access import (
    access_lead,
    can_keep_lead,
    guides_leads,
    readable_leads,
    records_leads,
)
from reporting.leads.forms import GuideForm, LeadEditForm, LeadForm, MoveForm, RemoveForm
from reporting.leads.models import LeadStage
from reporting.leads.services import MOVES
from reporting.periods.services import today


class LeadListView(TemplateView):
    access_policy = Policy.AUTHENTICATED
    template_name = "reporting/leads/lead_list.html"

    def get(self, request, *args, **kwargs):
        filters = selectors.LeadFilters(
            stage=request.GET.get("stage", ""),
            industry=request.GET.get("industry", ""),
            district=request.GET.get("district", ""),
            unit=request.GET.get("unit", ""),
            duplicates=request.GET.get("duplicates") == "1",
            q=request.GET.get("q", "").strip()[:100],
        )
        found = selectors.leads(request.user, filters)
        if request.GET.get("format") == "xlsx":
            header = [
                "目标企业",
                "来源",
                "产业",
                "区（开发区）",
                "预计投资（亿元）",
                "跟进单位",
                "阶段",
                "下一步",
                "下一步时限",
                "疑似重复",
            ]
            rows = [header] + [
                [
                    lead.target,
                    lead.get_source_display(),
                    lead.industry.name,
                    lead.district.name if lead.district_id else "",
                    "" if lead.expected_investment is None else f"{lead.expected_investment:.2f}",
                    lead.unit.name,
                    lead.get_stage_display(),
                    lead.next_step,
                    lead.next_step_due,
                    "是" if lead.duplicated else "",
                ]
                for lead in found.iterator(chunk_size=500)
            ]
            return sheets_response(f"招商线索{today():%Y%m%d}", [("招商线索", rows)])
        page = Paginator(found, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return self.render_to_response(
            self.get_context_data(
                page=page,
                filters=filters,
                query=query.urlencode(),
                summary=selectors.summary(found),
                stages=LeadStage.choices,
                industries=Industry.objects.order_by("position"),
                districts=Unit.objects.filter(kind__in=["district", "zone"]).order_by("position"),
                units=Unit.objects.filter(
                    pk__in=readable_leads(request.user).values("unit")
                ).order_by("position"),
                can_add=records_leads(request.user),
                guides=guides_leads(request.user),
            )
        )


class LeadDetailView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/leads/lead_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        lead = access_lead(user=user, pk=kwargs["pk"])
        # Two forms on one page: their fields' ids apart, each label bound to its own input.
        move = MoveForm(initial={"version": lead.version}, auto_id="move_%s")
        allowed = MOVES.get(lead.stage, set())
        move.fields["stage"].choices = [
            (v, label) for v, label in LeadStage.choices if v in allowed
        ]
        return super().get_context_data(
            lead=lead,
            can_keep=can_keep_lead(user, lead) and lead.removed_at is None,
            guides=guides_leads(user) and lead.removed_at is None,
            move_form=move if allowed else None,
            guide_form=GuideForm(auto_id="guide_%s"),
            remove_form=RemoveForm(initial={"version": lead.version}, auto_id="remove_%s"),
            **selectors.lead_page(lead),
            **kwargs,
        )


class LeadAddView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/leads/lead_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require(records_leads(request.user))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=LeadForm(user=request.user)))

    def post(self, request, *args, **kwargs):
        form = LeadForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                lead = services.lead_add(user=request.user, **form.changes())
                messages.success(request, _("Lead recorded."))
                return redirect("reporting:lead", lead.pk)
            except ValidationError as exc:
                add_form_errors(form, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class LeadEditView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/leads/lead_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.lead = access_lead(user=request.user, pk=kwargs["pk"], keep=True)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = LeadEditForm(
            instance=self.lead, user=request.user, initial={"version": self.lead.version}
        )
        return self.render_to_response(self.get_context_data(form=form, lead=self.lead))

    def post(self, request, *args, **kwargs):
        form = LeadEditForm(request.POST, instance=self.lead, user=request.user)
        lead = access_lead(user=request.user, pk=self.lead.pk, keep=True)
        if form.is_valid():
            try:
                services.lead_change(
                    lead=lead,
                    user=request.user,
                    version=form.cleaned_data["version"],
                    **form.changes(),
                )
                messages.success(request, _("Lead saved."))
                return redirect("reporting:lead", lead.pk)
            except ValidationError as exc:
                if getattr(exc, "code", None) == "conflict":
                    messages.error(request, error_text(exc))
                    form.data = form.data.copy()
                    form.data["version"] = lead.version
                    return self.render_to_response(
                        self.get_context_data(form=form, lead=lead, conflict=lead), status=409
                    )
                add_form_errors(form, exc)
        return self.render_to_response(self.get_context_data(form=form, lead=lead), status=400)


class LeadMoveView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        lead = access_lead(user=request.user, pk=pk, keep=True)
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the stage to move the lead to."))
            return redirect("reporting:lead", pk)
        try:
            moved = services.lead_move(
                lead=lead,
                user=request.user,
                version=form.cleaned_data["version"],
                stage=form.cleaned_data["stage"],
                text=form.cleaned_data["text"],
            )
            if moved.stage == LeadStage.SIGNED and moved.project_id:
                messages.success(
                    request, _("Signed: the project has entered the project register.")
                )
            else:
                messages.success(
                    request, _("Lead moved to %(stage)s.") % {"stage": moved.get_stage_display()}
                )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("reporting:lead", pk)


class LeadGuideView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        lead = access_lead(user=request.user, pk=pk)
        require(guides_leads(request.user))
        form = GuideForm(request.POST)
        if form.is_valid():
            try:
                services.lead_guide(
                    lead=lead,
                    user=request.user,
                    text=form.cleaned_data["text"],
                    unit=form.cleaned_data["unit"],
                )
                messages.success(request, _("Guidance recorded; the unit has been told."))
            except ValidationError as exc:
                messages.error(request, error_text(exc))
        else:
            messages.error(request, _("Choose a unit from the list."))
        return redirect("reporting:lead", pk)


class LeadRemoveView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        lead = access_lead(user=request.user, pk=pk, keep=True)
        form = RemoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Write why the lead is taken out."))
            return redirect("reporting:lead", pk)
        try:
            services.lead_remove(
                lead=lead,
                user=request.user,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Lead taken out; it is kept with its history."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("reporting:lead", pk)
