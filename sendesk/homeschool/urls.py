from django.urls import path

from . import views

urlpatterns = [
    path("messages/", views.inbox, name="homeschool_inbox"),
    path("messages/reachable/", views.reachable, name="homeschool_reachable"),
    path("messages/photos/<uuid:attachment_id>/", views.photo, name="homeschool_photo"),
    path("messages/<uuid:pupil_id>/", views.conversation, name="homeschool_conversation"),
    path(
        "messages/<uuid:pupil_id>/<uuid:message_id>/correct/", views.amend, name="homeschool_amend"
    ),  # fmt: skip
    path(
        "messages/<uuid:pupil_id>/<uuid:message_id>/concern/",
        views.to_concern,
        name="homeschool_concern",
    ),  # fmt: skip
    path("diary/<uuid:pupil_id>/", views.diary, name="homeschool_diary"),
    path("meetings/<uuid:pupil_id>/", views.meetings, name="homeschool_meetings"),
    path("diary/<uuid:pupil_id>/start/", views.diary_start, name="homeschool_diary_start"),
]
