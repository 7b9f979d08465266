"""Making, finding and revoking API tokens, for the profile pages, gwm-manage token and
the API's authentication alike. Each change is audited in its own transaction."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ganeti_webmgr import audit, conf
from ganeti_webmgr.api.models import Token

PREFIX = "gwm_"
# gwm_<key id: 12 hex digits>_<secret: 43 URL-safe base64 characters, 256 bits>
SHAPE = re.compile(r"^gwm_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
# How often last_used_at is written: a busy script must not write a row per request.
LAST_USED_EVERY = 60  # seconds


class TokenError(ValueError):
    """A token cannot be made so; str() says why, naming the field (`field`)."""

    def __init__(self, field: str, text: str):
        self.field = field
        super().__init__(text)


@dataclass(frozen=True)
class Issued:
    token: Token
    secret: str  # the whole token, shown once


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_networks(text: str) -> list[str]:
    """The networks of a text (separated by spaces, commas or lines), as typed."""
    return text.replace(",", " ").split()


def not_a_network(values) -> str | None:
    """The first value that is not an IP address or network, or None."""
    for value in values:
        try:
            ipaddress.ip_network(str(value).strip(), strict=False)
        except ValueError:
            return value
    return None


def networks(values) -> list[str]:
    """The allowed networks as canonical CIDRs (a bare address is one host); TokenError
    names the first that is not an address or network."""
    if isinstance(values, str):
        values = split_networks(values)
    if (wrong := not_a_network(values)) is not None:
        raise TokenError("allowed_ips", f"{wrong!r} is not an IP address or network (CIDR)")
    canonical = (str(ipaddress.ip_network(str(v).strip(), strict=False)) for v in values)
    return list(dict.fromkeys(canonical))


def issue(
    user,
    name: str,
    *,
    write: bool = False,
    expires_at: datetime | None = None,
    allowed_ips=(),
    request=None,
    actor=None,
) -> Issued:
    """A new token for user; its secret is in the result only."""
    name = (name or "").strip()
    if not name:
        raise TokenError("name", "a token needs a name")
    if len(name) > 100:
        raise TokenError("name", "a token's name has at most 100 characters")
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise TokenError("expires_at", "the expiry is in the past")
    if longest := conf.current().get("api", "max_token_days"):
        latest = now + timedelta(days=longest)
        if expires_at is None:
            expires_at = latest
        elif expires_at > latest + timedelta(minutes=1):
            raise TokenError(
                "expires_at", f"tokens are valid for at most {longest} days ([api] max_token_days)"
            )
    allowed = networks(allowed_ips)
    with transaction.atomic():
        if active(user).filter(name=name).exists():
            raise TokenError("name", f"{user.get_username()} already has a token named {name!r}")
        key_id = secrets.token_hex(6)
        secret = f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        with audit.change(
            "api.token_create",
            actor=actor,
            request=request,
            targets=[user],
            message=f"API token {name!r} (gwm_{key_id}) for {user.get_username()}: "
            + ("read and write" if write else "read only")
            + (f", until {expires_at:%Y-%m-%d %H:%M %Z}" if expires_at else ", no expiry")
            + (f", from {' '.join(allowed)}" if allowed else ""),
        ):
            token = Token.objects.create(
                user=user,
                name=name,
                key_id=key_id,
                secret_hash=digest(secret),
                write=write,
                expires_at=expires_at,
                allowed_ips=allowed,
            )
    return Issued(token, secret)


def active(user):
    """user's tokens that are neither revoked nor expired."""
    now = timezone.now()
    return (
        Token.objects.filter(user=user, revoked_at=None)
        .exclude(expires_at__lte=now)
        .order_by("-created_at", "-id")
    )


def revoke(token: Token, *, by, request=None) -> bool:
    """Revoke token (False: it was already revoked)."""
    with transaction.atomic():
        done = Token.objects.filter(pk=token.pk, revoked_at=None).update(
            revoked_at=timezone.now(), revoked_by=by
        )
        if done:
            audit.record(
                "api.token_revoke",
                actor=by,
                request=request,
                targets=[token.user],
                message=f"{token.label} of {token.user.get_username()} revoked",
            )
    token.refresh_from_db()
    return bool(done)


def find(secret: str) -> Token | None:
    """The token this secret is (revoked or expired ones too), or None."""
    match = SHAPE.match(secret or "")
    if match is None:
        return None
    try:  # get(), not first(): key_id is unique, and first() would sort
        token = Token.objects.select_related("user").get(key_id=match.group(1))
    except Token.DoesNotExist:
        return None
    if not hmac.compare_digest(token.secret_hash, digest(secret)):
        return None
    return token


def allows_address(token: Token, address: str | None) -> bool:
    if not token.allowed_ips:
        return True
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net) for net in token.allowed_ips)


def note_use(token: Token, address: str | None, now=None) -> None:
    """Record when and where token was last used, at most once a LAST_USED_EVERY."""
    now = now or timezone.now()
    last = token.last_used_at
    recent = last is not None and (now - last).total_seconds() < LAST_USED_EVERY
    if recent and token.last_used_ip == address:
        return
    Token.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=address)
    token.last_used_at, token.last_used_ip = now, address
