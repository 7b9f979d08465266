import pytest

from ganeti_webmgr.conf import ConfigError, secret_key


def test_it_creates_a_private_key_once(tmp_path):
    path = tmp_path / "secret_key"
    assert secret_key.create(path) is True
    first = secret_key.read(path)
    assert len(first) >= 50
    assert path.stat().st_mode & 0o777 == 0o640
    assert secret_key.create(path) is False
    assert secret_key.read(path) == first


def test_it_refuses_a_missing_key_and_says_what_to_do(tmp_path):
    with pytest.raises(ConfigError) as caught:
        secret_key.read(tmp_path / "secret_key")
    assert caught.value.problems == [
        f"{tmp_path}/secret_key: secret key file is missing; run gwm-init"
    ]


def test_it_refuses_a_key_everyone_can_read(tmp_path):
    path = tmp_path / "secret_key"
    secret_key.create(path)
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="readable by everyone; run: chmod 0640"):
        secret_key.read(path)


def test_it_refuses_a_short_key(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("short\n")
    path.chmod(0o600)
    with pytest.raises(ConfigError, match=r"too short \(5 characters, needs 50\)"):
        secret_key.read(path)


def test_the_credentials_key_file_is_checked_the_same_way(tmp_path):
    from ganeti_webmgr.conf import credentials_key

    path = tmp_path / "credentials_key"
    with pytest.raises(ConfigError, match="credentials key file is missing; run gwm-init"):
        credentials_key.read(path)
    assert credentials_key.create(path) is True
    assert credentials_key.read(path).decrypt(credentials_key.read(path).encrypt(b"x")) == b"x"
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="credentials key file is readable by everyone"):
        credentials_key.read(path)
    path.chmod(0o640)
    path.write_text("not-a-key\n")
    with pytest.raises(ConfigError, match="key 1 is not a Fernet key"):
        credentials_key.read(path)


def test_a_key_file_that_is_not_text_is_named(tmp_path):
    path = tmp_path / "secret_key"
    path.write_bytes(b"\xff\xfe" * 40)
    path.chmod(0o600)
    with pytest.raises(ConfigError, match="cannot read the secret key: not a key file"):
        secret_key.read(path)
