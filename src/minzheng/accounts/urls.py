from django.urls import path

from . import views

urlpatterns = [
    path("password/", views.password_change, name="account-password"),
    path("tokens/", views.token_list, name="account-tokens"),
    path("tokens/all/", views.token_list_admin, name="account-tokens-admin"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="account-token-revoke"),
]
