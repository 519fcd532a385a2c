from django.urls import path

from . import views

urlpatterns = [
    path("", views.finding_list, name="integrity-list"),
    path("sampling/", views.sampling, name="integrity-sampling"),
    path("findings/<int:finding_id>/", views.finding, name="integrity-finding"),
    path("findings/<int:finding_id>/notice/", views.finding_notice, name="integrity-notice"),
    path("applications/<int:application_id>/", views.commitment, name="integrity-commitment"),
    path("applications/<int:application_id>/letter/", views.commitment_letter, name="integrity-letter"),
]
