from django.urls import path

from . import views

urlpatterns = [
    path("", views.registry, name="elderly-registry"),
    path("export/", views.registry_export, name="elderly-registry-export"),
    path("high-age/", views.roster, name="elderly-roster"),
    path("<int:pk>/", views.elder_detail, name="elderly-detail"),
    path("<int:pk>/situation/", views.situation, name="elderly-situation"),
    path("<int:pk>/assess/", views.assess, name="elderly-assess"),
    path("<int:pk>/subsidy/", views.subsidy_apply_view, name="elderly-subsidy-apply"),
    path("assessments/<int:pk>/", views.assessment_detail, name="elderly-assessment"),
    path("subsidies/", views.subsidies, name="elderly-subsidies"),
    path("subsidies/<int:pk>/", views.subsidy_detail, name="elderly-subsidy"),
    path("care-costs/", views.care_costs_view, name="elderly-care-costs"),
    path("trial/", views.trial, name="elderly-trial"),
]
