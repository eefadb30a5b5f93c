from django.urls import path

from . import views

urlpatterns = [
    path("staff/training/", views.training_register, name="training_register"),
    path("staff/training/new/", views.training_new, name="training_new"),
    path("staff/me/training/", views.my_training, name="my_training"),
    path("staff/care-gender/", views.care_gender, name="care_gender"),
]
