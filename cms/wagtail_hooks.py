"""Wagtail admin hooks for the CMS."""

from wagtail import hooks

from cms.admin_events import event_registration_viewset


@hooks.register("register_admin_viewset")
def register_event_registrations():
    return event_registration_viewset


@hooks.register("register_admin_viewset")
def register_pilot_chooser():
    from cms.pilot_chooser import pilot_chooser_viewset

    return pilot_chooser_viewset
