"""Decrypting the cluster passwords GWM 0.11 stored.

0.11's PatchedEncryptedCharField is django-fields 0.2.1's EncryptedCharField with
cipher "AES" and no block type: pycrypto's AES.new(SECRET_KEY[:32]) (so ECB mode),
the value followed by a NUL and random printable characters up to whole blocks,
written as "$AES$" + hex. ECB has no integrity check, so a wrong key is recognised
by the padding: a right key gives a NUL followed only by printable characters.
"""

from __future__ import annotations

import binascii
import string

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PREFIX = "$AES$"
BLOCK = 16
_PRINTABLE = frozenset(string.printable.encode())


class WrongKey(Exception):
    """The value cannot be decrypted with this SECRET_KEY."""


def decrypt(stored: str | None, secret_key: str) -> str:
    """The plain password of a stored 0.11 value. A value without the prefix was never
    encrypted (0.11 read it as it is), and so is returned."""
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        return stored
    key = secret_key.encode()[:32]  # Python 2 sliced the bytes
    if len(key) not in (16, 24, 32):
        raise WrongKey(f"a SECRET_KEY of {len(key)} bytes cannot be an AES key")
    try:
        data = binascii.a2b_hex(stored[len(PREFIX) :])
    except (binascii.Error, ValueError):
        raise WrongKey("the stored value is not hexadecimal") from None
    if not data or len(data) % BLOCK:
        raise WrongKey("the stored value is not whole AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()  # noqa: S305 - 0.11's mode
    plain = decryptor.update(data) + decryptor.finalize()
    value, nul, padding = plain.partition(b"\0")
    if not nul or not 1 <= len(padding) <= BLOCK or not set(padding) <= _PRINTABLE:
        raise WrongKey("the padding is wrong: not the SECRET_KEY it was encrypted with")
    try:
        return value.decode()
    except UnicodeDecodeError:
        raise WrongKey("the decrypted value is not text") from None
