from django.urls import path

from . import family, views

urlpatterns = [
    path("exams/", views.exam_list, name="exam_list"),
    path("exams/new/", views.exam_new, name="exam_new"),
    path("exams/<int:pk>/", views.exam_detail, name="exam_detail"),
    path("exams/<int:pk>/room-list/", views.exam_room_list, name="exam_room_list"),
    path("exams/<int:pk>/rooms/", views.exam_room_add, name="exam_room_add"),
    path("exams/<int:pk>/seat/", views.exam_seat, name="exam_seat"),
    path("exams/<int:pk>/unseat/", views.exam_unseat, name="exam_unseat"),
    path("exams/<int:pk>/allocate/", views.exam_allocate, name="exam_allocate"),
    path("exams/allocations/<int:pk>/remove/", views.exam_unallocate, name="exam_unallocate"),
    path("exams/arrangements/", views.arrangement_board, name="arrangement_board"),
    path("exams/arrangements/for/", views.arrangement_for, name="arrangement_for"),
    path("exams/arrangements/<uuid:pk>/use/", views.arrangement_use, name="arrangement_use"),
    path("exams/arrangements/<uuid:pk>/end/", views.arrangement_end, name="arrangement_end"),
    path("exams/uses/<uuid:pk>/withdraw/", views.use_withdraw, name="use_withdraw"),
    path("family/exams/", family.family_exams, name="family_exams"),
    path(
        "pupils/<uuid:pupil_id>/exam-arrangements/",
        views.pupil_arrangements,
        name="pupil_arrangements",
    ),
]
