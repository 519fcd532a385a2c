from django.urls import path

from . import views

urlpatterns = [
    path("", views.search, name="placenames-search"),
    path("public/", views.public_search, name="placenames-public"),
    path("<int:place_id>/", views.place, name="placenames-place"),
    path("reserve/", views.reserve, name="placenames-reserve"),
    path("applications/", views.applications, name="placenames-applications"),
    path("applications/<int:naming_id>/", views.application, name="placenames-application"),
]
