from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="credit-home"),
    path("households/<int:household_id>/", views.household, name="credit-household"),
    path("households/<int:household_id>/record/", views.record, name="credit-record"),
    path("households/<int:household_id>/redeem/", views.redeem, name="credit-redeem"),
    path("records/<int:record_id>/photo/", views.photo, name="credit-photo"),
    path("records/<int:record_id>/decide/", views.decide, name="credit-decide"),
    path("approve/", views.approve, name="credit-approve"),
    path("ranking/", views.ranking, name="credit-ranking"),
    path("rules/", views.rules, name="credit-rules"),
    path("rules/<int:rule_id>/", views.rule_adjust, name="credit-rule-adjust"),
    path("store/", views.store, name="credit-store"),
    path("receipts/<int:redemption_id>/", views.receipt, name="credit-receipt"),
    path("fund/", views.fund, name="credit-fund"),
    path("fund/<int:entry_id>/confirm/", views.fund_confirm, name="credit-fund-confirm"),
    path("customs/", views.customs, name="credit-customs"),
    path("customs/filings/", views.filing_list, name="credit-filings"),
    path("customs/filings/<int:filing_id>/", views.filing, name="credit-filing"),
    path("customs/stats/", views.customs_stats, name="credit-customs-stats"),
]
