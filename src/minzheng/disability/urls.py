from django.urls import path

from . import views

urlpatterns = [
    path("", views.application_list, name="disability-list"),
    path("new/", views.application_new, name="disability-new"),
    path("<int:pk>/", views.application_detail, name="disability-detail"),
    path("<int:pk>/decide/", views.application_decide, name="disability-decide"),
    path("<int:pk>/letter/", views.application_letter, name="disability-letter"),
    path("rehab/", views.rehab_sites, name="disability-rehab"),
    path("rehab/<int:pk>/", views.rehab_site, name="disability-rehab-site"),
    path("rehab/<int:pk>/attendance/", views.rehab_attendance, name="disability-rehab-attendance"),
    path("rehab/<int:pk>/leave/<int:enrolment>/", views.rehab_leave, name="disability-rehab-leave"),
    path("devices/", views.devices, name="disability-devices"),
    path("devices/overdue/", views.devices_overdue, name="disability-devices-overdue"),
    path("devices/catalogue/", views.device_catalogue_add, name="disability-device-catalogue"),
    path("devices/stock/", views.device_stock_add, name="disability-device-stock"),
    path("devices/lend/", views.device_lend, name="disability-device-lend"),
    path("devices/<int:pk>/return/", views.device_return, name="disability-device-return"),
    path("devices/export/", views.devices_export, name="disability-devices-export"),
]
