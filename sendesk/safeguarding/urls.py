from django.urls import path

from . import transfer, views

urlpatterns = [
    path("safeguarding/report/", views.report, name="safeguarding_report"),
    path("safeguarding/report/pupils/", views.report_pupils, name="safeguarding_report_pupils"),
    path("safeguarding/report/done/", views.report_done, name="safeguarding_report_done"),
    path("safeguarding/", views.inbox, name="safeguarding_inbox"),
    path("safeguarding/concerns/<uuid:pk>/", views.concern_detail, name="safeguarding_concern"),
    path(
        "safeguarding/concerns/<uuid:pk>/triage/",
        views.concern_triage,
        name="safeguarding_triage",
    ),
    path(
        "safeguarding/concerns/<uuid:pk>/actions/",
        views.concern_action,
        name="safeguarding_action",
    ),
    path("safeguarding/concerns/<uuid:pk>/close/", views.concern_close, name="safeguarding_close"),
    path(
        "safeguarding/concerns/<uuid:pk>/reopen/",
        views.concern_reopen,
        name="safeguarding_reopen",
    ),
    path(
        "pupils/<uuid:pupil_id>/chronology/",
        views.chronology,
        name="safeguarding_chronology",
    ),
    path(
        "pupils/<uuid:pupil_id>/chronology/transfer/",
        transfer.transfer_new,
        name="safeguarding_transfer",
    ),
    path(
        "pupils/<uuid:pupil_id>/chronology/transfer/<int:pk>/receipt/",
        transfer.transfer_receipt,
        name="safeguarding_transfer_receipt",
    ),
]
