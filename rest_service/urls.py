"""The REST service's URLs: the versioned catalog, tokens, JWKS, OpenAPI, health and admin.
Anything else is answered by the problem+json handlers at the bottom."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from rest_service.api.jwks import JwksView
from rest_service.api.tokens import TokenObtainView, TokenRefreshView, TokenVerifyView
from rest_service.api.views.books import BookViewSet
from rest_service.api.views.jobs import (
    BookExportView,
    BookImportView,
    JobDetailView,
    JobResultView,
)
from rest_service.api.views.references import AuthorViewSet, GenreViewSet, PublisherViewSet
from rest_service.api.views.webhooks import (
    WebhookDeliveriesView,
    WebhookDetailView,
    WebhookListView,
)
from service_http.health import healthz
from telemetry.prometheus import metrics_view

catalog = SimpleRouter()
catalog.register("books", BookViewSet, basename="book")
catalog.register("authors", AuthorViewSet, basename="author")
catalog.register("publishers", PublisherViewSet, basename="publisher")
catalog.register("genres", GenreViewSet, basename="genre")

# Jobs and webhooks (v2 only): ids are UUIDs, so `books/import/` never meets a book's id.
jobs = [
    path("books/import/", BookImportView.as_view(), name="book-import"),
    path("books/export/", BookExportView.as_view(), name="book-export"),
    path("jobs/<uuid:job_id>/", JobDetailView.as_view(), name="job-detail"),
    path("jobs/<uuid:job_id>/result", JobResultView.as_view(), name="job-result"),
    path("webhooks/", WebhookListView.as_view(), name="webhook-list"),
    path("webhooks/<uuid:endpoint_id>/", WebhookDetailView.as_view(), name="webhook-detail"),
    path(
        "webhooks/<uuid:endpoint_id>/deliveries/",
        WebhookDeliveriesView.as_view(),
        name="webhook-deliveries",
    ),
]

urlpatterns = [
    path("healthz", healthz("rest")),
    path("metrics", metrics_view),
    re_path(r"^api/(?P<version>v2)/", include(jobs)),
    re_path(r"^api/(?P<version>v1|v2)/", include(catalog.urls)),
    path("api/token/", TokenObtainView.as_view(), name="token-obtain"),
    path("api/token/refresh/", TokenRefreshView.as_view(), name="token-refresh"),
    path("api/token/verify/", TokenVerifyView.as_view(), name="token-verify"),
    path(".well-known/jwks.json", JwksView.as_view(), name="jwks"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("admin/", admin.site.urls),
]

handler400 = "rest_service.api.problems.bad_request"
handler403 = "rest_service.api.problems.forbidden"
handler404 = "rest_service.api.problems.not_found"
handler500 = "rest_service.api.problems.server_error"
