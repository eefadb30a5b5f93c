from django.urls import path

from . import views

urlpatterns = [
    path("deployment/school-day/", views.school_day, name="school_day"),
    path("deployment/duties/", views.duty_posts, name="duty_posts"),
    path("deployment/lessons/", views.class_lessons, name="class_lessons"),
    path("deployment/planner/", views.planner_settings, name="planner_settings"),
    path("deployment/plans/", views.plans, name="deployment_plans"),
    path("deployment/plans/compare/", views.plan_compare, name="deployment_plan_compare"),
    path("deployment/plans/<int:plan_id>/", views.plan_detail, name="deployment_plan"),
    path("deployment/plans/<int:pk>/publish/", views.plan_publish, name="deployment_plan_publish"),
    path(
        "deployment/assignments/<int:pk>/pin/",
        views.assignment_pin,
        name="assignment_pin",
    ),
    path(
        "deployment/assignments/<int:pk>/move/",
        views.assignment_move,
        name="assignment_move",
    ),
    path("deployment/absence/", views.absence, name="staff_absence"),
    path("timetable/", views.staff_timetable, name="my_timetable"),
    path("timetable/<int:staff_id>/", views.staff_timetable, name="staff_timetable"),
    path("pupils/<uuid:pupil_id>/timetable/", views.pupil_timetable, name="pupil_timetable"),
]
