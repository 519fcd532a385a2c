from django.urls import path

from . import views

urlpatterns = [
    path("", views.parameters, name="policy-parameters"),
    path("change/", views.propose, name="policy-propose"),
    path("consumption/", views.consumption, name="policy-consumption"),
    path("<int:pk>/<str:action>/", views.decide, name="policy-decide"),
    path("regions/", views.region_options, name="policy-region-options"),
]
