from django.urls import path

from . import views

urlpatterns = [
    path("", views.cases, name="funeral-cases"),
    path("export/", views.cases_export, name="funeral-export"),
    path("new/", views.case_new, name="funeral-new"),
    path("<int:pk>/", views.case, name="funeral-case"),
    path("<int:pk>/letter/<str:kind>/", views.letter, name="funeral-letter"),
    path("<int:pk>/<str:action>/", views.case_act, name="funeral-case-act"),
    path("facilities/", views.facilities, name="funeral-facilities"),
    path("facilities/<int:pk>/", views.facility, name="funeral-facility"),
    path("burials/", views.burials, name="funeral-burials"),
    path("eco/", views.eco, name="funeral-eco"),
]
