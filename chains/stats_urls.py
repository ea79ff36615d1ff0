"""The `stats` namespace (under /stats/): the statistics bureau's figures and enterprise
cultivation, which reads them."""

from chains.cultivation import urls as cultivation
from chains.figures import urls as figures

app_name = "stats"

urlpatterns = [*figures.urlpatterns, *cultivation.urlpatterns]
