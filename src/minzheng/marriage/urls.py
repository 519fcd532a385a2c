from django.urls import path

from . import views

urlpatterns = [
    path("", views.appointments, name="marriage-appointments"),
    path("book/", views.book, name="marriage-book"),
    path("appointments/<int:appointment_id>/", views.appointment, name="marriage-appointment"),
    path(
        "appointments/<int:appointment_id>/<str:action>/",
        views.appointment_act,
        name="marriage-appointment-act",
    ),
    path("offices/", views.offices, name="marriage-offices"),
    path("offices/<int:registry_office_id>/", views.office, name="marriage-office"),
    path("registrations/", views.registrations, name="marriage-registrations"),
    path("registrations/<int:registration_id>/", views.registration, name="marriage-registration"),
    path("divorces/", views.divorces, name="marriage-divorces"),
    path("divorces/<int:divorce_id>/", views.divorce, name="marriage-divorce"),
    path("statistics/", views.statistics, name="marriage-statistics"),
    path("household-changes/", views.household_changes, name="marriage-household-changes"),
    path(
        "household-changes/<int:household_change_id>/apply/",
        views.household_change_apply,
        name="marriage-household-change-apply",
    ),
]
