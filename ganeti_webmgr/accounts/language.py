"""The language a user chose in their profile, over the one their browser asks for.

The login reads the choice once into the session; ChosenLanguage, right after
Django's LocaleMiddleware (which follows Accept-Language), activates it on every
request, so a page costs no query for it. Saving the profile updates the session.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import user_logged_in
from django.utils import translation

from ganeti_webmgr.accounts.models import UserProfile

SESSION_KEY = "gwm_language"


def chosen(user) -> str:
    """The user's choice, "" for the browser's."""
    profile = UserProfile.objects.filter(user=user).only("language").first()
    return profile.language if profile is not None else ""


def remember(request, language: str) -> None:
    """Put the choice in the session ("" forgets it) and use it for this request."""
    if language:
        request.session[SESSION_KEY] = language
        translation.activate(language)
        request.LANGUAGE_CODE = language
    else:
        request.session.pop(SESSION_KEY, None)


def logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        remember(request, chosen(user))


def connect() -> None:
    user_logged_in.connect(logged_in, dispatch_uid="accounts.language")


class ChosenLanguage:
    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.session.get(SESSION_KEY)
        if language in self.codes:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
