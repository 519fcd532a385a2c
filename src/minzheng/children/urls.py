from django.urls import path

from . import views

urlpatterns = [path("", views.roster, name="children-roster")]
