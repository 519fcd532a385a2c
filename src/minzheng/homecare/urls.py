from django.urls import path

from . import views

urlpatterns = [
    path("", views.order_list, name="homecare-orders"),
    path("orders/new/", views.order_new, name="homecare-order-new"),
    path("orders/xlsx/", views.order_export, name="homecare-orders-xlsx"),
    path("orders/<int:pk>/", views.order_detail, name="homecare-order"),
    path("orders/<int:pk>/<slug:action>/", views.order_act, name="homecare-order-act"),
    path("my/", views.my_orders, name="homecare-my"),
    path("my/<int:pk>/", views.my_order, name="homecare-my-order"),
    path("settlements/", views.settlement_list, name="homecare-settlements"),
    path("settlements/<int:pk>/", views.settlement_detail, name="homecare-settlement"),
    path("settlements/<int:pk>/check/", views.settlement_check, name="homecare-settlement-check"),
    path("settlements/<int:pk>/xlsx/", views.settlement_export, name="homecare-settlement-xlsx"),
    path("alarms/", views.alarm_list, name="homecare-alarms"),
    path("alarms/<int:pk>/", views.alarm_detail, name="homecare-alarm"),
    path("devices/", views.device_list, name="homecare-devices"),
    path("providers/", views.provider_list, name="homecare-providers"),
    path("providers/<int:pk>/", views.provider_detail, name="homecare-provider"),
    path("devices/<int:pk>/revoke/", views.device_revoke, name="homecare-device-revoke"),
    path("assistance/", views.service_assistance, name="homecare-service-assistance"),
    path("assistance/settlements/<int:pk>/", views.service_settlement, name="homecare-service-settlement"),
]
