"""Validating OpenSSH public keys as users paste them (one authorized_keys line).

Checked: a known key type, valid base64, a blob whose wire-format fields match that
type (the type repeated inside, sane sizes, nothing left over), no authorized_keys
options (command=..., from=...) and no line breaks. The fingerprint is computed as
`ssh-keygen -l` shows it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from dataclasses import dataclass

from django.utils.translation import gettext as _

RSA_MIN_BITS, RSA_MAX_BITS = 2048, 16384
MAX_LINE = 8192  # a 16384-bit RSA key is about 2,800 characters
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Uncompressed EC point sizes (0x04 || X || Y) per curve.
EC_POINT_BYTES = {"nistp256": 65, "nistp384": 97, "nistp521": 133}
ED25519_BYTES = 32
SK_ED25519 = "sk-ssh-ed25519@openssh.com"
SK_ECDSA = "sk-ecdsa-sha2-nistp256@openssh.com"
KEY_TYPES = (
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    SK_ED25519,
    SK_ECDSA,
)


class InvalidKey(ValueError):
    pass


@dataclass(frozen=True)
class PublicKey:
    type: str
    data: str  # base64, as pasted
    comment: str
    bits: int

    @property
    def line(self) -> str:
        return f"{self.type} {self.data} {self.comment}".rstrip()

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256(base64.b64decode(self.data)).digest()
        return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def parse(text: str) -> PublicKey:
    line = text.strip()
    if not line:
        raise InvalidKey(_("Paste a public key, e.g. the contents of ~/.ssh/id_ed25519.pub."))
    if "\n" in line or "\r" in line:
        raise InvalidKey(_("Paste one key only, on one line."))
    if _CONTROL.search(line):
        raise InvalidKey(_("The key contains control characters."))
    if len(line) > MAX_LINE:
        raise InvalidKey(_("This is too long to be a public key."))
    if "PRIVATE KEY" in line:
        raise InvalidKey(_("This is a private key: paste the public key (the .pub file) instead."))
    parts = line.split(None, 2)
    key_type = parts[0]
    if key_type not in KEY_TYPES:
        if "=" in key_type or "," in key_type or key_type.startswith(("no-", "restrict")):
            raise InvalidKey(_("Options before the key (command=, from=, ...) are not accepted."))
        raise InvalidKey(
            _("Key type %(type)r is not accepted; use one of: %(types)s.")
            % {"type": key_type[:40], "types": ", ".join(KEY_TYPES)}
        )
    if len(parts) < 2:
        raise InvalidKey(_("The key data after the type is missing."))
    data, comment = parts[1], parts[2] if len(parts) > 2 else ""
    try:
        blob = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidKey(_("The key data is not valid base64.")) from None
    return PublicKey(key_type, data, comment, _check_blob(key_type, blob))


def _check_blob(key_type: str, blob: bytes) -> int:
    """The key's size in bits, after checking the blob is a well-formed key of key_type."""
    fields = _fields(blob)
    if not fields or fields[0] != key_type.encode():
        raise InvalidKey(_("The key data does not match its type (damaged or truncated key?)."))
    if key_type == "ssh-rsa":
        _expect(fields, 3)
        exponent, modulus = (int.from_bytes(f, "big") for f in fields[1:3])
        bits = modulus.bit_length()
        if exponent < 3 or exponent % 2 == 0:
            raise InvalidKey(_("This RSA key is malformed."))
        if bits < RSA_MIN_BITS:
            raise InvalidKey(
                _("RSA keys must have at least %(min)s bits (this has %(bits)s).")
                % {"min": RSA_MIN_BITS, "bits": bits}
            )
        if bits > RSA_MAX_BITS:
            raise InvalidKey(_("RSA keys may have at most %(max)s bits.") % {"max": RSA_MAX_BITS})
        return bits
    if key_type in ("ssh-ed25519", SK_ED25519):
        _expect(fields, 2 if key_type == "ssh-ed25519" else 3)
        if len(fields[1]) != ED25519_BYTES:
            raise InvalidKey(_("This Ed25519 key has the wrong length."))
        return 256
    # ecdsa-sha2-<curve> and its security-key variant
    _expect(fields, 3 if key_type.startswith("ecdsa") else 4)
    curve = fields[1].decode("ascii", "replace")
    if curve not in EC_POINT_BYTES or not key_type.removesuffix("@openssh.com").endswith(curve):
        raise InvalidKey(_("The key's curve does not match its type."))
    point = fields[2]
    if len(point) != EC_POINT_BYTES[curve] or point[0] != 4:
        raise InvalidKey(_("This ECDSA key has the wrong length."))
    return int(curve.removeprefix("nistp"))


def _fields(blob: bytes) -> list[bytes]:
    """The blob's length-prefixed strings; InvalidKey if it is not exactly a sequence of them."""
    fields, offset = [], 0
    while offset < len(blob):
        if offset + 4 > len(blob):
            raise InvalidKey(_("The key data is truncated."))
        (length,) = struct.unpack_from(">I", blob, offset)
        offset += 4
        if offset + length > len(blob):
            raise InvalidKey(_("The key data is truncated."))
        fields.append(blob[offset : offset + length])
        offset += length
    return fields


def _expect(fields: list[bytes], count: int) -> None:
    if len(fields) != count:
        raise InvalidKey(_("The key data has the wrong number of fields."))
