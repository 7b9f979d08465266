"""Decrypting 0.11's "$AES$" cluster passwords."""

from __future__ import annotations

import pytest

from ganeti_webmgr.gwm011 import crypto
from ganeti_webmgr.testing.gwm011 import OLD_SECRET_KEY, encrypt_011


@pytest.mark.parametrize("password", ["", "x", "fifteen-chars!!", "exactly-16-chars", "ü" * 40])
def test_it_decrypts_what_0_11_encrypted(password):
    stored = encrypt_011(password, OLD_SECRET_KEY)

    assert stored.startswith("$AES$")
    assert crypto.decrypt(stored, OLD_SECRET_KEY) == password


def test_a_value_0_11_never_encrypted_is_returned_as_it_is():
    assert crypto.decrypt("plain", OLD_SECRET_KEY) == "plain"
    assert crypto.decrypt(None, OLD_SECRET_KEY) == ""


@pytest.mark.parametrize("n", range(20))
def test_a_wrong_key_is_recognised(n):
    stored = encrypt_011(f"rapi-password-{n}", OLD_SECRET_KEY)

    with pytest.raises(crypto.WrongKey):
        crypto.decrypt(stored, f"another-secret-key-{n:02d}-0123456789abcdefghijkl")


def test_a_key_too_short_for_aes_is_refused():
    with pytest.raises(crypto.WrongKey, match="bytes"):
        crypto.decrypt(encrypt_011("x", OLD_SECRET_KEY), "short")
