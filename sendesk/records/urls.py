from django.urls import path

from . import retention_views, views

urlpatterns = [
    path("subject-access/", views.sar_list, name="sar_list"),
    path("subject-access/new/", views.sar_new, name="sar_new"),
    path("subject-access/<uuid:pk>/", views.sar_detail, name="sar_detail"),
    path("subject-access/<uuid:pk>/redact/", views.sar_redact, name="sar_redact"),
    path("subject-access/<uuid:pk>/release/", views.sar_release, name="sar_release"),
    path("subject-access/<uuid:pk>/safeguarding/", views.sar_decide, name="sar_decide"),
    path("subject-access/<uuid:pk>/download/<str:kind>/", views.sar_download, name="sar_download"),
    path("records/retention/", retention_views.retention_due, name="retention_due"),
    path("records/retention/holds/", retention_views.retention_hold, name="retention_hold"),
    path(
        "records/retention/holds/<int:pk>/lift/",
        retention_views.retention_lift,
        name="retention_lift",
    ),  # fmt: skip
    path("records/retention/log/", retention_views.retention_log, name="retention_log"),
    path(
        "records/retention/settings/", retention_views.retention_settings, name="retention_settings"
    ),  # fmt: skip
    path(
        "records/retention/<uuid:pupil_id>/review/",
        retention_views.retention_review,
        name="retention_review",
    ),  # fmt: skip
    path(
        "records/retention/<uuid:pupil_id>/<str:kind>/",
        retention_views.retention_confirm,
        name="retention_confirm",
    ),  # fmt: skip
]
