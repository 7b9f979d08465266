"""A user's second factor: one authenticator (django-otp's TOTP device) and its
recovery codes (a static device whose tokens are deleted as they are used).

Enrolment makes an unconfirmed authenticator; it counts once a code from the app has
confirmed it, and only then are the recovery codes made.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ganeti_webmgr import audit, conf

RECOVERY_CODES = 10
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery codes"
_TOTP_CODE = re.compile(r"\d{6}")
_RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


def authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled: the same one until confirmed, so
    reloading the page does not change the QR code under the user's camera."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(device: TOTPDevice) -> str:
    issuer = conf.current().get("two_factor", "issuer_name")
    label = quote(f"{issuer}:{device.user.get_username()}")
    query = urlencode(
        {
            "secret": secret_text(device).replace(" ", ""),
            "issuer": issuer,
            "digits": device.digits,
            "period": device.step,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def confirm(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm an enrolment with a code from the app: the new recovery codes (shown
    once, never stored in clear), or None when the code is wrong."""
    user = device.user
    with audit.change(
        "twofactor.enrol",
        request=request,
        actor=user,
        targets=[user],
        message="Enrolled an authenticator app for two-factor sign-in",
    ) as entry:
        if not (_TOTP_CODE.fullmatch(normalise(code)) and device.verify_token(normalise(code))):
            entry.skip()
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return _new_recovery_codes(user)


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    tokens = [StaticToken(device=static, token=recovery_digest(c)) for c in codes]
    StaticToken.objects.bulk_create(tokens)
    return codes


def recovery_digest(code: str) -> str:
    """What is stored of a recovery code: a keyed hash (django-otp keeps 16 characters),
    so the database alone does not give the codes away."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class Check:
    ok: bool
    recovery: bool = False  # a recovery code was used up
    throttled: bool = False  # too many failures: the device refuses for a while


def check(request, user, code: str) -> Check:
    """Check a code from the authenticator or a recovery code; a used recovery code is
    gone, and audited in the same transaction. Failures count towards django-otp's
    per-device throttling (a doubling delay after each failure)."""
    code = normalise(code)
    if _TOTP_CODE.fullmatch(code):
        device = authenticator(user)
        if device is None:
            return Check(False)
        if not device.verify_is_allowed()[0]:
            return Check(False, throttled=True)
        return Check(device.verify_token(code))
    if _RECOVERY_CODE.fullmatch(code):
        static = StaticDevice.objects.filter(user=user, confirmed=True).first()
        if static is None or not is_enrolled(user):
            return Check(False)
        if not static.verify_is_allowed()[0]:
            return Check(False, throttled=True)
        with transaction.atomic():
            if not static.verify_token(recovery_digest(code)):
                return Check(False)
            left = recovery_codes_left(user)
            audit.record(
                "twofactor.recovery_code",
                request=request,
                actor=user,
                targets=[user],
                message=f"Used a recovery code ({left} left)",
            )
        return Check(True, recovery=True)
    return Check(False)


def remove(request, user, *, action: str, message: str, actor) -> int:
    """Delete all of user's devices (authenticator and recovery codes) with its entry;
    actor None: an administrator at the command line."""
    with audit.change(
        action, request=request, actor=actor, targets=[user], message=message
    ) as entry:
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
        if not removed:
            entry.skip()
    return removed
