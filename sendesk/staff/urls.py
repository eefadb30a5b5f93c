from django.urls import path

from . import hr_views, views

urlpatterns = [
    path("staff/training/", views.training_register, name="training_register"),
    path("staff/training/new/", views.training_new, name="training_new"),
    path("staff/me/training/", views.my_training, name="my_training"),
    path("staff/care-gender/", views.care_gender, name="care_gender"),
    # Staff records and the single central record (hr).
    path("staff/", hr_views.staff_list, name="staff_list"),
    path("staff/new/", hr_views.staff_new, name="staff_new"),
    path("staff/me/", hr_views.staff_me, name="staff_me"),
    path("staff/team/", hr_views.staff_team, name="staff_team"),
    path("staff/<int:member_id>/", hr_views.staff_record, name="staff_record"),
    path("staff/<int:member_id>/edit/", hr_views.staff_edit, name="staff_edit"),
    path("staff/<int:member_id>/checks/<slug:kind>/", hr_views.staff_check, name="staff_check"),
    path("staff/scr/", hr_views.staff_scr, name="staff_scr"),
    path("staff/scr/print/", hr_views.staff_scr_print, name="staff_scr_print"),
    path("staff/scr.csv", hr_views.staff_scr_csv, name="staff_scr_csv"),
]
