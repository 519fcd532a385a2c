from django.urls import path

from . import views

urlpatterns = [
    path("", views.activities, name="volunteers-activities"),
    path("me/", views.mine, name="volunteers-mine"),
    path("me/transfer/", views.transfer, name="volunteers-transfer"),
    path("me/certificate/", views.my_certificate, name="volunteers-my-certificate"),
    path("registry/", views.volunteer_list, name="volunteers-list"),
    path("registry/new/", views.volunteer_new, name="volunteers-new"),
    path("registry/<int:pk>/", views.volunteer_detail, name="volunteers-detail"),
    path("registry/<int:pk>/certificate/", views.volunteer_certificate, name="volunteers-certificate"),
    path("registry/<int:pk>/<str:action>/", views.volunteer_act, name="volunteers-act"),
    path("teams/", views.teams, name="volunteers-teams"),
    path("activities/new/", views.activity_new, name="volunteers-activity-new"),
    path("activities/<int:pk>/", views.activity, name="volunteers-activity"),
    path("activities/<int:pk>/<str:action>/", views.activity_act, name="volunteers-activity-act"),
    path("signups/<int:pk>/<str:action>/", views.signup_act, name="volunteers-signup-act"),
    path("store/", views.store, name="volunteers-store"),
    path("store/<int:pk>/redeem/", views.redeem, name="volunteers-redeem"),
    path("targets/", views.targets, name="volunteers-targets"),
]
