"""Django 1.4's password hashes that Django 5.2 no longer reads, wrapped in PBKDF2.

Django's documented way ("Password upgrading without requiring a login"): the old
hash is hashed again with PBKDF2, so the database holds no weak hash, and checking
a password computes the old hash first and then the PBKDF2 over it. The import
wraps the 0.11 hashes (wrap()); at its user's next sign-in Django replaces a
wrapped hash with one of the first hasher in PASSWORD_HASHERS.

0.11's hashes: "sha1$salt$hex" (sha1(salt + password), Django 1.3's default, kept by
sites upgraded from older GWMs), "md5$salt$hex", unsalted MD5 ("md5$$hex" or 32 hex
digits) and unsalted SHA1 ("sha1$$hex").
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils.crypto import get_random_string

# For settings.py's PASSWORD_HASHERS (after Django's own, so sign-ins upgrade).
WRAPPERS = [
    "ganeti_webmgr.gwm011.hashers.PBKDF2WrappedSHA1PasswordHasher",
    "ganeti_webmgr.gwm011.hashers.PBKDF2WrappedMD5PasswordHasher",
    "ganeti_webmgr.gwm011.hashers.PBKDF2WrappedUnsaltedSHA1PasswordHasher",
    "ganeti_webmgr.gwm011.hashers.PBKDF2WrappedUnsaltedMD5PasswordHasher",
]


class _Wrapped(PBKDF2PasswordHasher):
    digest_name = "sha1"

    def old_hash(self, password: str, salt: str) -> str:
        """The old hasher's hex digest of password (salted with salt, if it was)."""
        return hashlib.new(self.digest_name, (salt + password).encode()).hexdigest()

    def encode_old_hash(self, old_hash: str, salt: str, iterations=None) -> str:
        return super().encode(old_hash, salt, iterations)

    def encode(self, password, salt, iterations=None):
        return self.encode_old_hash(self.old_hash(password, salt), salt, iterations)


class _WrappedUnsalted(_Wrapped):
    """The old hash had no salt; the PBKDF2 over it has one of its own."""

    def encode(self, password, salt, iterations=None):
        return self.encode_old_hash(self.old_hash(password, ""), salt, iterations)


class PBKDF2WrappedSHA1PasswordHasher(_Wrapped):
    algorithm = "pbkdf2_wrapped_sha1"
    digest_name = "sha1"


class PBKDF2WrappedMD5PasswordHasher(_Wrapped):
    algorithm = "pbkdf2_wrapped_md5"
    digest_name = "md5"


class PBKDF2WrappedUnsaltedSHA1PasswordHasher(_WrappedUnsalted):
    algorithm = "pbkdf2_wrapped_unsalted_sha1"
    digest_name = "sha1"


class PBKDF2WrappedUnsaltedMD5PasswordHasher(_WrappedUnsalted):
    algorithm = "pbkdf2_wrapped_unsalted_md5"
    digest_name = "md5"


def wrap(encoded: str) -> str:
    """A 0.11 hash Django 5.2 reads: an old SHA1 or MD5 one wrapped, any other as it is."""
    if len(encoded) == 32 and "$" not in encoded:  # Django's unsalted MD5, bare
        return PBKDF2WrappedUnsaltedMD5PasswordHasher().encode_old_hash(encoded, _salt())
    algorithm, _sep, rest = encoded.partition("$")
    salt, _sep, digest = rest.partition("$")
    if algorithm not in ("sha1", "md5") or not digest:
        return encoded
    if not salt:
        unsalted = {
            "sha1": PBKDF2WrappedUnsaltedSHA1PasswordHasher,
            "md5": PBKDF2WrappedUnsaltedMD5PasswordHasher,
        }
        return unsalted[algorithm]().encode_old_hash(digest, _salt())
    wrapper = {"sha1": PBKDF2WrappedSHA1PasswordHasher, "md5": PBKDF2WrappedMD5PasswordHasher}
    return wrapper[algorithm]().encode_old_hash(digest, salt)


def _salt() -> str:
    return get_random_string(22)
