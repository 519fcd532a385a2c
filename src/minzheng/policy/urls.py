from django.urls import path

from . import views

urlpatterns = [
    path("", views.parameters, name="policy-parameters"),
    path("change/", views.change, name="policy-change"),
]
