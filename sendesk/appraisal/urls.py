from django.urls import path

from . import views

urlpatterns = [
    path("appraisal/", views.appraisal_list, name="appraisal_list"),
    path("appraisal/new/", views.appraisal_new, name="appraisal_new"),
    path("appraisal/<int:pk>/", views.appraisal_detail, name="appraisal_detail"),
    path("appraisal/<int:pk>/objectives/new/", views.objective_new, name="objective_new"),
    path(
        "appraisal/<int:pk>/objectives/<int:objective_id>/amend/",
        views.objective_amend,
        name="objective_amend",
    ),
    path("appraisal/<int:pk>/<str:stage>/", views.review_edit, name="review_edit"),
    path("appraisal/<int:pk>/<str:stage>/sign/", views.review_sign, name="review_sign"),
    path("appraisal/<int:pk>/<str:stage>/amend/", views.review_amend, name="review_amend"),
    path("appraisal/<int:pk>/<str:stage>/confirm/", views.review_confirm, name="review_confirm"),
    path("cpd/", views.cpd_mine, name="cpd_mine"),
    path("cpd/<int:user_id>/", views.cpd_person, name="cpd_person"),
    path("cpd/<int:user_id>/new/", views.cpd_new, name="cpd_new"),
    path(
        "staff/training/<int:pk>/certificate/",
        views.certificate_upload,
        name="certificate_upload",
    ),
    path(
        "staff/training/<int:pk>/certificate/file/",
        views.certificate_download,
        name="certificate_download",
    ),
    path("staff/training/needs/", views.training_needs, name="training_needs"),
    path("staff/training/required/", views.required_add, name="required_add"),
    path(
        "staff/training/required/<int:pk>/remove/",
        views.required_remove,
        name="required_remove",
    ),
    path("staff/induction/new/", views.induction_new, name="induction_new"),
    path("staff/induction/<int:pk>/", views.induction_detail, name="induction_detail"),
]
