from django.urls import path

from . import socialwork_views as views

urlpatterns = [
    path("", views.stations, name="socialwork-stations"),
    path("stations/<int:pk>/", views.station, name="socialwork-station"),
    path("workers/", views.workers, name="socialwork-workers"),
]
