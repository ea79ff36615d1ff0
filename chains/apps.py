from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "chains"
    verbose_name = _("Industry chains")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from chains.matrix import checks  # noqa: F401
        from chains.models import (
            CarrierArea,
            Category,
            Enterprise,
            EnterpriseTier,
            Indicator,
            IndustryMeasure,
            LeadingIndustry,
            Policy,
            PolicyEvaluation,
            SubSegment,
        )
        from portal.dataversion import data_changed, topics

        # Records kept one by one (the admin, the policy pages) that the overview, the cockpit
        # or the hearing show: their topic is bumped when the save commits. Imports write in
        # bulk and bump their own topics (chains.figures.writing).
        shown = {
            Category: topics.MATRIX,
            SubSegment: topics.MATRIX,
            Indicator: topics.MATRIX,  # the figures' columns and headline indicators
            IndustryMeasure: topics.MATRIX,
            Enterprise: topics.ENTERPRISES,
            EnterpriseTier: topics.ENTERPRISES,
            LeadingIndustry: topics.LAND,
            CarrierArea: topics.LAND,
            Policy: topics.POLICIES,
            PolicyEvaluation: topics.POLICIES,
        }
        for model, topic in shown.items():
            for signal in (post_save, post_delete):
                signal.connect(
                    lambda topic=topic, **kwargs: data_changed(topic),
                    sender=model,
                    weak=False,
                    dispatch_uid=f"topic-{model.__name__}-{signal is post_save}",
                )
