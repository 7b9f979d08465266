"""0.11's SHA1 and MD5 password hashes, wrapped in PBKDF2 at the import."""

from __future__ import annotations

import hashlib
import importlib

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password, identify_hasher
from django.contrib.auth.models import User

from ganeti_webmgr.gwm011 import hashers
from ganeti_webmgr.gwm011.tests.test_import import run
from ganeti_webmgr.testing.gwm011 import OLD_HASHES, md5_011, sha1_011

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_file(gwm011_database, tmp_path):
    path = tmp_path / "secret_key"
    path.write_text(gwm011_database.secret_key)
    return path


def test_settings_enable_the_wrapped_hashers_after_djangos():
    settings = importlib.import_module("ganeti_webmgr.settings")

    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert settings.PASSWORD_HASHERS[-len(hashers.WRAPPERS) :] == hashers.WRAPPERS


def test_a_sha1_hash_is_made_as_django_1_4_made_it():
    salt, password = "a1b2c", "old-pass-10"

    expected = hashlib.sha1(f"{salt}{password}".encode()).hexdigest()  # noqa: S324

    assert sha1_011(password, salt) == f"sha1${salt}${expected}"


@pytest.mark.parametrize(
    ("old", "algorithm"),
    [
        (sha1_011("secret-1", "salt1"), "pbkdf2_wrapped_sha1"),
        (md5_011("secret-1", "salt1"), "pbkdf2_wrapped_md5"),
        (md5_011("secret-1"), "pbkdf2_wrapped_unsalted_md5"),
        (f"md5$${hashlib.md5(b'secret-1').hexdigest()}", "pbkdf2_wrapped_unsalted_md5"),  # noqa: S324
        (f"sha1$${hashlib.sha1(b'secret-1').hexdigest()}", "pbkdf2_wrapped_unsalted_sha1"),  # noqa: S324
    ],
)
def test_an_old_hash_is_wrapped_and_checks_the_old_password(settings, old, algorithm):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        *hashers.WRAPPERS,
    ]

    wrapped = hashers.wrap(old)

    assert wrapped.startswith(f"{algorithm}$")
    assert old.rsplit("$", 1)[-1] not in wrapped  # no weak hash left in the database
    assert identify_hasher(wrapped).algorithm == algorithm
    assert check_password("secret-1", wrapped)
    assert not check_password("secret-2", wrapped)


def test_other_hashes_are_kept_as_they_are():
    pbkdf2 = "pbkdf2_sha256$10000$salt$abc="

    assert hashers.wrap(pbkdf2) == pbkdf2
    assert hashers.wrap("!") == "!"  # an unusable password stays unusable


def test_imported_users_with_old_hashes_sign_in_and_are_upgraded(gwm011_database, key_file):
    run(gwm011_database, key_file)

    for username in OLD_HASHES:
        user = User.objects.get(username=username)
        assert user.password.startswith("pbkdf2_wrapped_"), username
        password = gwm011_database.passwords[username]
        assert authenticate(username=username, password=password) == user
        user.refresh_from_db()
        assert identify_hasher(user.password).algorithm == "pbkdf2_sha256"
        assert authenticate(username=username, password=password) == user
        assert authenticate(username=username, password="not-it") is None
