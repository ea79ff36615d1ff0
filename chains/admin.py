"""The chains app's admin pages, one module per feature (Django looks for `<app>.admin`)."""

from chains.api import admin as api_admin
from chains.cultivation import admin as cultivation_admin
from chains.figures import admin as figures_admin
from chains.matrix import admin as matrix_admin
from chains.policies import admin as policies_admin
from chains.quality import admin as quality_admin
from chains.space import admin as space_admin

__all__ = [
    "api_admin",
    "cultivation_admin",
    "figures_admin",
    "matrix_admin",
    "policies_admin",
    "quality_admin",
    "space_admin",
]
