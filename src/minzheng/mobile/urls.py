from django.urls import path

from . import views

urlpatterns = [
    path("sw.js", views.service_worker, name="mobile-sw"),
    path("manifest.webmanifest", views.manifest, name="mobile-manifest"),
    path("offline/", views.offline, name="mobile-offline"),
]
