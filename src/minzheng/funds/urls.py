from django.urls import path

from . import views

urlpatterns = [
    path("", views.fund_list, name="funds-list"),
    path("defaults/", views.default_set, name="funds-default-set"),
    path("<int:pk>/", views.fund_detail, name="funds-fund"),
    path("<int:pk>/xlsx/", views.fund_export, name="funds-fund-xlsx"),
    path("entries/<int:pk>/<slug:action>/", views.entry_act, name="funds-entry-act"),
]
