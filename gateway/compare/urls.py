from django.urls import path

from gateway.compare import views

app_name = "compare"

urlpatterns = [
    path("", views.page, name="page"),
    path("report/", views.report, name="report"),
    path("report/<str:name>", views.report_file, name="report-file"),
    path("static/<str:name>", views.static, name="static"),
]
