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
