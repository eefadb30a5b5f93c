from django.urls import path

from . import leavers, overview
from . import pupils as views

urlpatterns = [
    path("pupils/", views.pupil_list, name="pupil_list"),
    path("pupils/new/", views.pupil_new, name="pupil_new"),
    path("pupils/<uuid:pupil_id>/", views.pupil_detail, name="pupil_detail"),
    path("pupils/<uuid:pupil_id>/timeline/", views.pupil_timeline, name="pupil_timeline"),
    path(
        "pupils/<uuid:pupil_id>/provision/<uuid:provision_id>/weeks/",
        views.pupil_provision_weeks,
        name="pupil_provision_weeks",
    ),
    path("pupils/<uuid:pupil_id>/edit/", views.pupil_edit, name="pupil_edit"),
    path("pupils/<uuid:pupil_id>/strategies/", views.strategy_add, name="strategy_add"),
    path("pupils/<uuid:pupil_id>/access-log/", views.access_log, name="pupil_access_log"),
    # Leavers (issue 12).
    path("pupils/leavers/", leavers.leaver_list, name="pupil_leavers"),
    path("pupils/<uuid:pupil_id>/leave/", leavers.pupil_leave, name="pupil_leave"),
    path("pupils/<uuid:pupil_id>/rejoin/", leavers.pupil_rejoin, name="pupil_rejoin"),
    path(
        "pupils/<uuid:pupil_id>/transfer-pack/", leavers.transfer_pack, name="pupil_transfer_pack"
    ),
    path("overview/", overview.overview, name="overview"),
    path("overview/shortfalls/", overview.overview_shortfalls, name="overview_shortfalls"),
    path("overview/reviews/", overview.overview_reviews, name="overview_reviews"),
    path("overview/stale-targets/", overview.overview_stale_targets, name="overview_stale_targets"),
    # The overview's lists, loaded into it (htmx) once it has loaded.
    path(
        "overview/parts/shortfalls/",
        overview.overview_part_shortfalls,
        name="overview_part_shortfalls",
    ),
    path("overview/parts/reviews/", overview.overview_part_reviews, name="overview_part_reviews"),
    path(
        "overview/parts/stale-targets/",
        overview.overview_part_stale_targets,
        name="overview_part_stale_targets",
    ),
]
