from django.urls import path

from . import views

urlpatterns = [
    path("reviews/", views.reviews_list, name="reviews_list"),
    path("plans/<uuid:plan_id>/reviews/", views.reviews_plan, name="reviews_plan"),
    path("reviews/<uuid:pk>/", views.reviews_detail, name="reviews_detail"),
    path("reviews/<uuid:pk>/steps/", views.reviews_step, name="reviews_step"),
    path("reviews/<uuid:pk>/views/<slug:kind>/", views.reviews_view, name="reviews_view"),
    path("reviews/<uuid:pk>/record/", views.reviews_record, name="reviews_record"),
    path("reviews/<uuid:pk>/decisions/", views.reviews_decide, name="reviews_decide"),
    path("reviews/<uuid:pk>/pack.pdf", views.reviews_pack, name="reviews_pack"),
    path(
        "family/children/<uuid:pupil_id>/reviews/<uuid:pk>/",
        views.reviews_family_view,
        name="reviews_family_view",
    ),
]
