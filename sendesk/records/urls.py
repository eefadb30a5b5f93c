from django.urls import path

from . import views

urlpatterns = [
    path("subject-access/", views.sar_list, name="sar_list"),
    path("subject-access/new/", views.sar_new, name="sar_new"),
    path("subject-access/<uuid:pk>/", views.sar_detail, name="sar_detail"),
    path("subject-access/<uuid:pk>/redact/", views.sar_redact, name="sar_redact"),
    path("subject-access/<uuid:pk>/release/", views.sar_release, name="sar_release"),
    path("subject-access/<uuid:pk>/safeguarding/", views.sar_decide, name="sar_decide"),
    path("subject-access/<uuid:pk>/download/<str:kind>/", views.sar_download, name="sar_download"),
]
