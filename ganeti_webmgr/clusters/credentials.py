"""Encrypt and decrypt RAPI passwords with the credentials key (see conf.credentials_key)."""

from __future__ import annotations

from functools import cache

from cryptography.fernet import InvalidToken, MultiFernet

from ganeti_webmgr import conf
from ganeti_webmgr.conf import credentials_key


class CredentialsError(Exception):
    """A stored password cannot be decrypted (wrong or rotated-away key)."""


@cache
def _keys() -> MultiFernet:
    return credentials_key.read(conf.current().credentials_key_file)


def encrypt(secret: str) -> str:
    return _keys().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _keys().decrypt(token.encode()).decode()
    except InvalidToken:
        raise CredentialsError(
            "the stored RAPI password cannot be decrypted with the credentials key; was "
            "the key file replaced? Put the old key back on a line below the new one."
        ) from None


def rotate(token: str) -> str:
    """Re-encrypt with the first (newest) key."""
    return _keys().rotate(token.encode()).decode()
