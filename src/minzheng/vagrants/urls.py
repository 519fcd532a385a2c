from django.urls import path

from . import views

urlpatterns = [
    path("", views.stay_list, name="vagrants-stays"),
    path("intake/", views.intake, name="vagrants-intake"),
    path("alerts/", views.alerts, name="vagrants-alerts"),
    path("stay/<int:pk>/", views.stay, name="vagrants-stay"),
    path("stay/<int:pk>/<str:action>/", views.stay_act, name="vagrants-stay-act"),
    path("tracing/", views.tracing_list, name="vagrants-tracings"),
    path("tracing/<int:pk>/notice/", views.notice, name="vagrants-notice"),
    path("ledger/", views.ledger, name="vagrants-ledger"),
    path("ledger/export/", views.ledger_export, name="vagrants-ledger-export"),
    path("ledger/add/", views.ledger_add, name="vagrants-ledger-add"),
    path("ledger/<int:pk>/visit/", views.visit, name="vagrants-visit"),
    path("patrols/", views.patrols, name="vagrants-patrols"),
    path("rate/", views.rate, name="vagrants-rate"),
    path("stations/", views.stations, name="vagrants-stations"),
]
