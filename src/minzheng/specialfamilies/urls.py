from django.urls import path

from . import views

urlpatterns = [
    path("", views.family_list, name="specialfamilies-list"),
    path("export/", views.family_export, name="specialfamilies-export"),
    path("hardship/", views.hardship, name="specialfamilies-hardship"),
    path("person/<int:person_id>/grant/", views.grant, name="specialfamilies-grant"),
    path("person/<int:person_id>/care-order/", views.care_order, name="specialfamilies-care-order"),
    path("condolence/", views.condolences, name="specialfamilies-condolences"),
    path("condolence/<int:run_id>/", views.condolence, name="specialfamilies-condolence"),
    path("tekun/", views.tekun, name="specialfamilies-tekun"),
    path("tekun/person/<int:person_id>/", views.tekun_person, name="specialfamilies-tekun-person"),
]
