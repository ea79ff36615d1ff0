"""Pages of science and innovation (科技创新): the registers of the industries the user reads
(platforms, key core technology projects with their milestones, the year's transfers and
talent), a research project with its milestones and history, and the writes of the lead and
responsible units. Access through reporting.innovation.access, writes through its services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.access import access_industry, industries_for, require
from accounts.choices import Action
from accounts.policies import Policy
from chains.models import Unit
from portal.viewhelpers import add_form_errors, error_text, year_param
from reporting.innovation import selectors, services
from reporting.innovation.access import (
    RECORDS,
    access_milestone,
    access_record,
    can_change,
    industries_recording,
)
from reporting.innovation.forms import FIELDS, TITLES, MilestoneForm, RemoveForm, record_form
from reporting.periods.services import today


def _kind(kind: str) -> str:
    if kind not in FIELDS:
        raise Http404("No such kind of record.")
    return kind


class InnovationView(TemplateView):
    access_policy = Policy.AUTHENTICATED
    template_name = "reporting/innovation/innovation.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        on = today()
        year = year_param(self.request.GET.get("year"), default=on.year, today=on)
        code = self.request.GET.get("industry", "")
        industries = industries_for(user, Action.VIEW)
        if code:
            industries = industries.filter(pk=access_industry(user=user, code=code).pk)
        districts = Unit.objects.filter(kind__in=["district", "zone"]).order_by("position")
        code_of_district = self.request.GET.get("district", "")
        district = districts.filter(code=code_of_district).first() if code_of_district else None
        until = 12 if year < on.year else on.month
        return super().get_context_data(
            year=year,
            years=range(on.year, on.year - 5, -1),
            industry=code,
            district=district,
            all_industries=industries_for(user, Action.VIEW).order_by("position"),
            districts=districts,
            summary=selectors.summary(industries, year, until, on, district),
            can_add=industries_recording(user).exists(),
            **selectors.registers(industries, year, district),
            **kwargs,
        )


class RecordAddView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/innovation/record_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.kind = _kind(kwargs["kind"])
        if request.user.is_authenticated:
            require(industries_recording(request.user).exists())
        return super().dispatch(request, *args, **kwargs)

    def context(self, form):
        return self.get_context_data(form=form, kind=self.kind, title=TITLES[self.kind])

    def get(self, request, *args, **kwargs):
        on = today()
        initial = {"year": on.year, "month": on.month}
        industry = (
            industries_recording(request.user).filter(code=request.GET.get("industry", "")).first()
        )
        if industry:
            initial["industry"] = industry.pk
        form = record_form(self.kind, user=request.user, initial=initial)
        return self.render_to_response(self.context(form))

    def post(self, request, *args, **kwargs):
        form = record_form(self.kind, request.POST, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            industry = data.pop("industry")
            try:
                record = services.record_add(
                    user=request.user, model=RECORDS[self.kind], industry=industry, **data
                )
                messages.success(request, _("Recorded."))
                if self.kind == "project":
                    return redirect("reporting:tech_project", record.pk)
                return redirect(f"{reverse('reporting:innovation')}?industry={industry.code}")
            except ValidationError as exc:
                add_form_errors(form, exc)
        return self.render_to_response(self.context(form), status=400)


class RecordEditView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/innovation/record_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.kind = _kind(kwargs["kind"])
        if request.user.is_authenticated:
            self.record = access_record(
                user=request.user, kind=self.kind, pk=kwargs["pk"], change=True
            )
        return super().dispatch(request, *args, **kwargs)

    def context(self, form, **extra):
        return self.get_context_data(
            form=form,
            kind=self.kind,
            title=TITLES[self.kind],
            record=self.record,
            remove_form=RemoveForm(initial={"version": self.record.version}, auto_id="remove_%s"),
            history=selectors.history(self.record),
            **extra,
        )

    def get(self, request, *args, **kwargs):
        form = record_form(
            self.kind,
            instance=self.record,
            user=request.user,
            editing=True,
            initial={"version": self.record.version},
        )
        return self.render_to_response(self.context(form))

    def post(self, request, *args, **kwargs):
        form = record_form(
            self.kind, request.POST, instance=self.record, user=request.user, editing=True
        )
        record = access_record(user=request.user, kind=self.kind, pk=self.record.pk, change=True)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.record_change(record=record, user=request.user, version=version, **data)
                messages.success(request, _("Saved."))
                return redirect(
                    f"{reverse('reporting:innovation')}?industry={record.industry.code}"
                )
            except ValidationError as exc:
                if getattr(exc, "code", None) == "conflict":
                    messages.error(request, error_text(exc))
                    form.data = form.data.copy()
                    form.data["version"] = record.version
                    self.record = record
                    return self.render_to_response(self.context(form, conflict=record), status=409)
                add_form_errors(form, exc)
        return self.render_to_response(self.context(form), status=400)


class RecordRemoveView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, kind, pk):
        record = access_record(user=request.user, kind=_kind(kind), pk=pk, change=True)
        form = RemoveForm(request.POST)
        back = f"{reverse('reporting:innovation')}?industry={record.industry.code}"
        if not form.is_valid():
            messages.error(request, _("Write why it is taken out."))
            return redirect(back)
        try:
            services.record_remove(
                record=record,
                user=request.user,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Taken out; kept with its history."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect(back)


class TechProjectView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/innovation/tech_project.html"

    def get_context_data(self, **kwargs):
        project = access_record(user=self.request.user, kind="project", pk=kwargs["pk"])
        on = today()
        milestones = list(project.milestones.all())
        for m in milestones:
            m.overdue = m.done_on is None and m.due_on < on
            m.late = m.done_on is not None and m.done_on > m.due_on
        return super().get_context_data(
            project=project,
            milestones=milestones,
            can_change=can_change(self.request.user, project) and project.removed_at is None,
            milestone_form=MilestoneForm(),
            history=selectors.history(project),
            **kwargs,
        )


class MilestoneAddView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        project = access_record(user=request.user, kind="project", pk=pk, change=True)
        form = MilestoneForm(request.POST)
        if form.is_valid():
            try:
                services.milestone_add(project=project, user=request.user, **form.cleaned_data)
                messages.success(request, _("Milestone added."))
            except ValidationError as exc:
                messages.error(request, error_text(exc))
        else:
            messages.error(request, _("Write the milestone and its due date."))
        return redirect("reporting:tech_project", pk)


class MilestoneReachView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        milestone = access_milestone(user=request.user, pk=pk)
        try:
            services.milestone_reach(
                milestone=milestone, user=request.user, note=request.POST.get("note", "")
            )
            messages.success(request, _("Milestone reached."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("reporting:tech_project", milestone.project_id)
