"""The system admin's user pages, under /users/ (kept from the read-only list that lived in web)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.user_list, name="user-list"),
    path("new/", views.user_new, name="user-new"),
    path("<int:user_id>/", views.user_detail, name="user-detail"),
    path("<int:user_id>/change/", views.user_change, name="user-change"),
]
