from django.urls import path

from . import views

urlpatterns = [
    path("", views.snapshot_list, name="exchange-snapshots"),
    path("upload/", views.snapshot_upload, name="exchange-upload"),
    path("<int:snapshot_id>/", views.snapshot_detail, name="exchange-snapshot-detail"),
    path("jobs/<int:job_id>/", views.import_job_detail, name="exchange-job"),
]
