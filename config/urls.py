from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config import api_docs, health
from marketplace.views import account_entry

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/setlang/", account_entry.set_language, name="set_language"),
    # The admin sites' own login forms know nothing of TOTP: send everyone through allauth.
    path("django-admin/login/", account_entry.admin_login, name="django_admin_login"),
    path("cms-admin/login/", account_entry.admin_login, name="wagtail_admin_login"),
    path("django-admin/", admin.site.urls),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/docs/", api_docs.api_docs, name="api_docs"),
    path("api/", include("config.api_urls")),
    path("", include("tenders.urls_data")),
    path("", include("cms.urls_site")),
]

urlpatterns += i18n_patterns(
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    path("", include("marketplace.urls")),
    path("", include("search.urls")),
    path("", include("matching.urls")),
    path("", include("tenders.urls")),
    path("", include("bids.urls")),
    path("", include("pilots.urls")),
    path("", include("cms.urls")),
    path("", include("cms.urls_downloads")),
    # Wagtail's page tree serves everything else, the home page included.
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "marketplace.views.errors.bad_request"
handler403 = "marketplace.views.errors.permission_denied"
handler404 = "marketplace.views.errors.page_not_found"
handler500 = "marketplace.views.errors.server_error"
