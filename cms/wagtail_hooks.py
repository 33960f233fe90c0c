"""Wagtail hooks for the CMS: admin views, and what serving a page reads once."""

from wagtail import hooks

from cms.admin_events import event_registration_viewset
from cms.pilot_chooser import pilot_chooser_viewset
from cms.selectors import view_restrictions


@hooks.register("register_admin_viewset")
def register_event_registrations():
    return event_registration_viewset


@hooks.register("register_admin_viewset")
def register_pilot_chooser():
    return pilot_chooser_viewset


@hooks.register("before_serve_page")
def read_view_restrictions_once(page, request, serve_args, serve_kwargs):
    """The served page's view check (Wagtail's ``check_view_restrictions``, which runs after
    this) and the page's own listings read the view restrictions in one query between them
    (``BasePage.get_view_restrictions``, ``cms.selectors.private_q``)."""
    page.served_with_restrictions = view_restrictions(request)
