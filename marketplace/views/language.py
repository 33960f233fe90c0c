"""The language switch: Django's set_language, and the choice remembered on the person."""

from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from marketplace.models import User


@require_POST
def set_language(request):
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and language in User.Language.values and user.language != language:
        # E-mails and notifications follow the language the person last chose on the site.
        user.language = language
        user.save(update_fields=["language"])
    return response
