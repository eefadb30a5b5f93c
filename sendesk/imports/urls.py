from django.urls import path

from . import views

urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/templates/<slug:kind>.csv", views.template, name="import_template"),
    path("imports/sen/", views.sen_differences, name="imports_sen"),
    path("imports/sen/<int:difference_id>/", views.sen_decide, name="imports_sen_decide"),
    path("imports/<uuid:batch_id>/", views.batch, name="import_detail"),
    path("imports/<uuid:batch_id>/apply/", views.apply, name="import_apply"),
]
