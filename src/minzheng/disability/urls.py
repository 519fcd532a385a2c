from django.urls import path

from . import views

urlpatterns = [
    path("", views.application_list, name="disability-list"),
    path("new/", views.application_new, name="disability-new"),
    path("<int:pk>/", views.application_detail, name="disability-detail"),
    path("<int:pk>/decide/", views.application_decide, name="disability-decide"),
    path("<int:pk>/letter/", views.application_letter, name="disability-letter"),
]
