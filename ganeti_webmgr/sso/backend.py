"""Who a provider's ID token is in GWM: the user named by [oidc] username_claim,
created at first sign-in when allowed, with the mirrored groups brought in line.

A refusal is never an exception out of here: the reason is left on the request
(REASON) for the callback page to show, and authenticate() returns None.
"""

from __future__ import annotations

import logging

import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from ganeti_webmgr import audit
from ganeti_webmgr.sso import provider, settings_map

log = logging.getLogger(__name__)
REASON = "gwm_sso_refusal"

# mozilla-django-oidc's messages, said for people.
_KNOWN = {
    "JWS token verification failed.": gettext_lazy(
        "the ID token's signature does not match the provider's keys"
    ),
    "Could not find a valid JWKS.": gettext_lazy(
        "the ID token is signed with a key the provider does not publish"
    ),
    "JWT Nonce verification failed.": gettext_lazy(
        "the ID token was not issued for this sign-in (nonce)"
    ),
}


def reason(text, **values):
    """A refusal's reason, translated when shown (the page) and English in the log:
    text is a gettext_lazy() with {name} fields."""
    return format_lazy(text, **values) if values else text


class Refused(Exception):
    pass


class OidcBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # mozilla-django-oidc reads its settings here; Django makes a backend for every
        # authenticate(), password logins too, so they are read only for a callback.
        self.UserModel = get_user_model()

    def get_settings(self, name, *default):
        return settings_map.get(name, *default)

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; everything else is not ours.
        if request is None or "nonce" not in kwargs or not provider.enabled():
            return None
        try:
            super().__init__()
            return super().authenticate(request, **kwargs)
        except provider.ProviderError as error:
            return self._refuse(
                request,
                reason(gettext_lazy("the sign-in provider cannot be used: {error}"), error=error),
            )
        except requests.exceptions.SSLError:
            return self._refuse(
                request,
                reason(gettext_lazy("the sign-in provider's TLS certificate is not trusted")),
            )
        except requests.HTTPError as error:
            status = error.response.status_code if error.response is not None else "?"
            return self._refuse(
                request,
                reason(gettext_lazy("the sign-in provider answered HTTP {status}"), status=status),
            )
        except requests.RequestException as error:
            return self._refuse(
                request,
                reason(
                    gettext_lazy("the sign-in provider cannot be reached: {error}"),
                    error=provider.describe(error),
                ),
            )
        except Refused as error:
            return self._refuse(request, error.args[0])
        except SuspiciousOperation as error:
            text = str(error)
            return self._refuse(request, _KNOWN.get(text, text))

    def _refuse(self, request, why):
        with translation.override(audit.RECORD_LANGUAGE):
            log.warning("Single sign-on refused: %s", why)
        setattr(request, REASON, why)
        return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (a JWT userinfo answer has no iss check here)
            issuer = provider.option("issuer")
            if str(payload.get("iss", "")).rstrip("/") != issuer.rstrip("/"):
                raise Refused(
                    reason(
                        gettext_lazy(
                            "the ID token was issued by {issued!r}, not by the configured "
                            "issuer {issuer!r}"
                        ),
                        issued=payload.get("iss"),
                        issuer=issuer,
                    )
                )
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if self.OIDC_RP_CLIENT_ID not in audiences:
                raise Refused(gettext_lazy("the ID token was issued for another client (aud)"))
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise Refused(
                gettext_lazy("the provider's user information is about someone else (sub)")
            )
        username = self._username(claims)
        user = self.UserModel._default_manager.filter(username=username).first()
        if user is None:
            if not provider.option("create_users"):
                raise Refused(
                    reason(
                        gettext_lazy("there is no GWM user {name!r}; ask an administrator"),
                        name=username,
                    )
                )
            return self.create_user(claims)
        if not user.is_active:
            raise Refused(
                reason(gettext_lazy("the GWM user {name!r} is deactivated"), name=username)
            )
        return self.update_user(user, claims)

    def _username(self, claims) -> str:
        name = provider.option("username_claim")
        username = claims.get(name)
        if not isinstance(username, str) or not username:
            raise Refused(
                reason(
                    gettext_lazy("the provider sent no {claim!r} claim to name the user by"),
                    claim=name,
                )
            )
        field = self.UserModel._meta.get_field(self.UserModel.USERNAME_FIELD)
        try:
            field.run_validators(username)
            if len(username) > field.max_length:
                raise ValidationError("too long")
        except ValidationError:
            raise Refused(
                reason(
                    gettext_lazy("{name!r} (claim {claim!r}) is not a valid GWM user name"),
                    name=username,
                    claim=name,
                )
            ) from None
        return username

    def create_user(self, claims):
        with audit.change(
            "user.create", actor=None, message="Created at first single sign-on"
        ) as entry:
            user = self.UserModel(username=self._username(claims))
            _copy_profile(user, claims)
            user.set_unusable_password()
            user.save()
            entry.targets.append(user)
        _mirror_groups(user, claims)
        return user

    def update_user(self, user, claims):
        fields = _copy_profile(user, claims)
        if fields:
            user.save(update_fields=fields)
        _mirror_groups(user, claims)
        return user


def _copy_profile(user, claims) -> list[str]:
    """Take e-mail and names from the claims when sent; the fields that changed."""
    changed = []
    for field, claim in (
        ("email", "email"),
        ("first_name", "given_name"),
        ("last_name", "family_name"),
    ):
        value = claims.get(claim)
        if isinstance(value, str) and value and getattr(user, field) != value[:150]:
            setattr(user, field, value[:150])
            changed.append(field)
    return changed


def provider_groups(claims) -> set[str]:
    value = claims.get(provider.option("groups_claim")) or []
    if isinstance(value, str):
        value = [value]
    # Keycloak's full group paths start with a slash: "/ops".
    return {str(name).lstrip("/") for name in value if isinstance(name, str | int)}


@transaction.atomic
def _mirror_groups(user, claims) -> None:
    mirrored = provider.option("mirrored_groups")
    if not mirrored:
        return
    at_provider = provider_groups(claims)
    current = set(user.groups.filter(name__in=mirrored).values_list("name", flat=True))
    for name in sorted(set(mirrored) & at_provider - current):
        group, _ = Group.objects.get_or_create(name=name)
        with audit.change(
            "group.member_add",
            actor=None,
            targets=[group, user],
            message=f"{user.get_username()} added to {name} by single sign-on",
        ):
            user.groups.add(group)
    for name in sorted(current - at_provider):
        group = Group.objects.get(name=name)
        with audit.change(
            "group.member_remove",
            actor=None,
            targets=[group, user],
            message=f"{user.get_username()} removed from {name} by single sign-on",
        ):
            user.groups.remove(group)
