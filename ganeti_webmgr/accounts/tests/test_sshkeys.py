"""Parsing and checking pasted OpenSSH public keys."""

import base64
import struct

import pytest

from ganeti_webmgr.accounts import sshkeys
from ganeti_webmgr.accounts.tests import keys


@pytest.mark.parametrize(
    ("line", "fingerprint", "bits"),
    [
        (*keys.ED25519, 256),
        (*keys.RSA_2048, 2048),
        (*keys.ECDSA_256, 256),
        (*keys.ECDSA_521, 521),
        (*keys.SK_ED25519, 256),
        (*keys.SK_ECDSA, 256),
    ],
)
def test_it_accepts_the_supported_types_with_ssh_keygens_fingerprint(line, fingerprint, bits):
    key = sshkeys.parse(f"  {line}\n")
    assert key.fingerprint == fingerprint
    assert key.bits == bits
    assert key.line == line


def test_it_keeps_a_comment_with_spaces_and_accepts_none():
    line = keys.ED25519[0].rsplit(" ", 1)[0]
    assert sshkeys.parse(line + " Alice's laptop (work)").comment == "Alice's laptop (work)"
    assert sshkeys.parse(line).comment == ""


def blob(*fields: bytes) -> str:
    return base64.b64encode(b"".join(struct.pack(">I", len(f)) + f for f in fields)).decode()


ED25519_DATA = keys.ED25519[0].split()[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Paste a public key"),
        (keys.ED25519[0] + "\n" + keys.ED25519[0], "one key only"),
        (keys.DSA, "Key type 'ssh-dss' is not accepted"),
        ('command="/bin/sh" ' + keys.ED25519[0], "Options before the key"),
        ("no-pty " + keys.ED25519[0], "Options before the key"),
        ("ssh-ed25519", "key data after the type is missing"),
        ("ssh-ed25519 not*base64!", "not valid base64"),
        ("ssh-rsa " + ED25519_DATA, "does not match its type"),
        ("ssh-ed25519 " + ED25519_DATA[:-8], "truncated"),
        ("ssh-ed25519 " + blob(b"ssh-ed25519", b"x" * 31), "wrong length"),
        ("ssh-ed25519 " + blob(b"ssh-ed25519", b"x" * 32, b"extra"), "wrong number of fields"),
        (keys.RSA_1024, "at least 2048 bits (this has 1024)"),
        ("ssh-rsa " + blob(b"ssh-rsa", b"\x01\x00\x01", b"\x80" + b"\0" * 2048), "at most 16384"),
        (
            "ecdsa-sha2-nistp256 " + blob(b"ecdsa-sha2-nistp256", b"nistp384", b"\x04" * 97),
            "curve does not match",
        ),
        (
            "ecdsa-sha2-nistp256 " + blob(b"ecdsa-sha2-nistp256", b"nistp256", b"\x04" * 64),
            "wrong length",
        ),
        ("-----BEGIN OPENSSH PRIVATE KEY----- b3Blbn", "This is a private key"),
        (keys.ED25519[0] + " \x1b[31m", "control characters"),
        ("ssh-ed25519 " + "A" * 9000, "too long"),
    ],
)
def test_it_rejects_what_is_not_a_sane_public_key(text, message):
    with pytest.raises(sshkeys.InvalidKey, match=message.replace("(", r"\(").replace(")", r"\)")):
        sshkeys.parse(text)
