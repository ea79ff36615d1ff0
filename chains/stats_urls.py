"""The `stats` namespace (under /stats/): the statistics bureau's figures, their
follow-up list (数据核查) and enterprise cultivation, which reads them."""

from chains.cultivation import urls as cultivation
from chains.figures import urls as figures
from chains.quality import urls as quality

app_name = "stats"

urlpatterns = [*figures.urlpatterns, *quality.urlpatterns, *cultivation.urlpatterns]
