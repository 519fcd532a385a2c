from django.urls import path

from . import views

urlpatterns = [
    path("", views.job_list, name="deskjobs-list"),
    path("<int:job_id>/download/", views.job_download, name="deskjobs-download"),
]
