from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="governance-home"),
    path("grid/", views.grid, name="governance-grid"),
    path("grid/export/", views.grid_export, name="governance-grid-export"),
    path("grid/households/<int:pk>/", views.household, name="governance-household"),
    path("grid/place/", views.place, name="governance-place"),
    path("grid/place/template/", views.place_template, name="governance-place-template"),
    path("grid/heads/", views.heads, name="governance-heads"),
    path("grid/workers/", views.grid_workers, name="governance-grid-workers"),
    path("incidents/", views.incidents, name="governance-incidents"),
    path("incidents/new/", views.incident_new, name="governance-incident-new"),
    path("incidents/rates/", views.rates, name="governance-rates"),
    path("incidents/categories/", views.categories, name="governance-categories"),
    path("incidents/<int:pk>/", views.incident, name="governance-incident"),
    path("incidents/<int:pk>/photo/", views.incident_photo, name="governance-incident-photo"),
    path("incidents/<int:pk>/<str:action>/", views.incident_act, name="governance-incident-act"),
    path("workers/", views.workers, name="governance-workers"),
    path("workers/<int:pk>/", views.worker, name="governance-worker"),
    path("paygrades/", views.paygrades, name="governance-paygrades"),
    path("window/", views.window, name="governance-window"),
    path("window/<int:pk>/", views.window_request, name="governance-window-request"),
    path("zones/", views.zones, name="governance-zones"),
    path("zones/<int:pk>/", views.zone, name="governance-zone"),
]
