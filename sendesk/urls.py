from django.urls import include, path

urlpatterns = [
    path("", include("sendesk.front.urls")),
    path("api/v1/", include("sendesk.api.urls")),
]
