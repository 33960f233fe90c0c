"""CMS URLs outside the language prefix: sitemap, robots.txt and the pages' language switch."""

from django.urls import path

from cms import views

urlpatterns = [
    path("sitemap.xml", views.sitemap, name="cms_sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("i18n/side/", views.switch_page_language, name="cms_switch_language"),
]
