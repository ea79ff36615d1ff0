"""The `chains` namespace (under /matrix/): the matrix's pages and the policies register."""

from chains.matrix import urls as matrix
from chains.policies import urls as policies
from chains.teams import urls as teams

app_name = "chains"

urlpatterns = [*matrix.urlpatterns, *policies.urlpatterns, *teams.urlpatterns]
