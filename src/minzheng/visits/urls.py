from django.urls import path

from . import views

urlpatterns = [
    path("", views.mine, name="visits-mine"),
    path("rate/", views.rate, name="visits-rate"),
    path("assign/", views.assign, name="visits-assign"),
    path("raises/", views.raises, name="visits-raises"),
    path("pairs/", views.pairs, name="visits-pairs"),
    path("elder/<int:person_id>/", views.elder, name="visits-elder"),
    path("elder/<int:person_id>/photo/", views.photo, name="visits-photo"),
    path("elder/<int:person_id>/assign/", views.assign_elder, name="visits-assign-elder"),
    path("elder/<int:person_id>/pair/", views.pair_create, name="visits-pair"),
    path("elder/<int:person_id>/checkin/", views.checkin, name="visits-checkin"),
]
