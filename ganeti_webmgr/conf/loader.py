"""Read the configuration: defaults < settings.conf < settings.d/*.conf < GWM_* variables.

Every problem is collected with where it was found, so an operator sees all of
them at once, each on its own line, instead of fixing them one start at a time.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ganeti_webmgr.conf.schema import BY_NAME, KEYS, SECTIONS, Derived, Key
from ganeti_webmgr.conf.types import ItemError

DEFAULT_CONFIG_DIR = "/etc/ganeti-webmgr"
CONFIG_DIR_ENV = "GWM_CONFIG_DIR"
# GWM_* variables that are not configuration keys (GWM_WHEELHOUSE: package builds).
RESERVED_ENV = {CONFIG_DIR_ENV, "GWM_ADMIN_PASSWORD", "GWM_WHEELHOUSE"}

_SECTION_RE = re.compile(r"\[\s*([^\]]*?)\s*\]")
_KEY_RE = re.compile(r"([A-Za-z0-9_.-]+)\s*=\s*(.*)")


class ConfigError(Exception):
    """Raised with every problem found; str() gives one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Setting:
    value: object
    source: str  # "default", "<file>:<line>" or "environment GWM_X_Y"


@dataclass
class Config:
    directory: Path
    files: list[Path] = field(default_factory=list)
    settings: dict[tuple[str, str], Setting] = field(default_factory=dict)

    def get(self, section: str, name: str):
        return self.settings[section, name].value

    def source(self, section: str, name: str) -> str:
        return self.settings[section, name].source

    @property
    def secret_key_file(self) -> Path:
        return self.directory / "secret_key"

    @property
    def credentials_key_file(self) -> Path:
        return self.directory / "credentials_key"

    def database_password(self) -> str:
        return self._secret("database", "password", "the database password")

    def ldap_bind_password(self) -> str:
        return self._secret("ldap", "bind_password", "the LDAP bind password")

    def oidc_client_secret(self) -> str:
        return self._secret("oidc", "client_secret", "the OIDC client secret").strip()

    def _secret(self, section: str, name: str, what: str) -> str:
        """[section] name, or the first line of the file [section] name_file names."""
        path = self.get(section, f"{name}_file")
        if not path:
            return self.get(section, name)
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise ConfigError([f"{path}: cannot read {what}: {error.strerror}"]) from None
        return lines[0] if lines else ""


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get(CONFIG_DIR_ENV) or DEFAULT_CONFIG_DIR)


def config_files(directory: Path) -> list[Path]:
    """settings.conf first, then the drop-ins in lexical order."""
    files = [directory / "settings.conf"]
    dropins = directory / "settings.d"
    if dropins.is_dir():
        files += sorted(p for p in dropins.glob("*.conf") if not p.is_dir())
    return files


def load(directory: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    environ = os.environ if environ is None else environ
    directory = Path(directory) if directory else config_dir(environ)
    config = Config(directory=directory)
    problems: list[str] = []
    raw: dict[tuple[str, str], Setting] = {}

    for path in config_files(directory):
        settings = _read_file(path, problems, missing_ok=path.name == "settings.conf")
        if settings is not None:
            config.files.append(path)
            raw.update(settings)
    raw.update(_read_environ(environ, problems))

    config.settings.update(raw)

    def get(section, name):
        return _resolve(config, BY_NAME[section, name], get)

    for key in KEYS:
        _resolve(config, key, get)
    _check_combinations(config, problems)
    if problems:
        raise ConfigError(problems)
    return config


def _resolve(config: Config, key: Key, get) -> object:
    """Fill in a default (computing derived ones) unless a source set the key."""
    where = (key.section, key.name)
    if where not in config.settings:
        if isinstance(key.default, Derived):
            config.settings[where] = Setting(key.default.compute(get), "default")
        else:
            config.settings[where] = Setting(key.default, "default")
    return config.settings[where].value


def _parse(key: Key, text: str, source: str, problems: list[str]) -> dict:
    """{key: Setting}, or {} with the problem noted: a bad value is reported where it
    is written, even when a later source overrides it."""
    try:
        return {(key.section, key.name): Setting(key.type.parse(text), source)}
    except ItemError as error:
        problems.append(f"{source}: [{key.section}] {key.name}: {error}")
    except ValueError as error:
        shown = "(hidden)" if key.secret else repr(text)
        problems.append(f"{source}: [{key.section}] {key.name}: {shown} {error}")
    return {}


def _read_file(path: Path, problems: list[str], missing_ok: bool):
    """The settings of one file; None when it is missing and that is fine
    (built-in defaults are a complete configuration)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return None
        problems.append(f"{path}: cannot read: it disappeared while reading the directory")
        return {}
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        problems.append(f"{path}:{line}: not UTF-8 text; save the file as UTF-8")
        return {}
    except OSError as error:
        problems.append(f"{path}: cannot read: {error.strerror}")
        return {}

    found: dict[tuple[str, str], Setting] = {}
    first_line: dict[tuple[str, str], int] = {}
    section = None  # None: before any section; "": inside an unknown one
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{path}:{number}"
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if match := _SECTION_RE.fullmatch(stripped):
            name = match.group(1).lower()
            if name in SECTIONS:
                section = name
            else:
                problems.append(
                    f"{where}: unknown section [{match.group(1)}]{_hint(name, SECTIONS, '[{}]')}"
                )
                section = ""  # its keys are not reported one by one
            continue
        match = _KEY_RE.fullmatch(stripped)
        if not match:
            problems.append(
                f"{where}: cannot parse {_shorten(stripped)!r} "
                "(expected 'key = value', '[section]' or a # comment)"
            )
            continue
        name, value = match.group(1).lower(), match.group(2).strip()
        if section is None:
            problems.append(f"{where}: '{name}' is outside of any [section]")
            continue
        if section == "":
            continue
        known = [k.name for k in KEYS if k.section == section]
        if name not in known:
            hint = _hint(name, known, "'{}'")
            problems.append(f"{where}: unknown key '{name}' in [{section}]{hint}")
            continue
        if (section, name) in first_line:
            problems.append(
                f"{where}: [{section}] {name} is set twice in this file "
                f"(first on line {first_line[section, name]})"
            )
            continue
        first_line[section, name] = number
        found.update(_parse(BY_NAME[section, name], value, where, problems))
    return found


def _read_environ(environ: Mapping[str, str], problems: list[str]):
    by_var = {key.env_var: key for key in KEYS}
    found = {}
    for var in sorted(environ):
        if not var.startswith("GWM_") or var in RESERVED_ENV:
            continue
        key = by_var.get(var)
        if key is None:
            hint = _hint(var, [*by_var, *RESERVED_ENV], "{}")
            problems.append(f"environment {var}: not a GWM setting{hint}")
            continue
        found.update(_parse(key, environ[var].strip(), f"environment {var}", problems))
    return found


def _check_combinations(config: Config, problems: list[str]) -> None:
    """Rules that involve more than one key."""
    if config.get("database", "engine") == "sqlite":
        name = config.get("database", "name")
        if not str(name).startswith("/"):
            problems.append(
                f"{config.source('database', 'name')}: [database] name: {name!r} must be an "
                "absolute path when engine is sqlite"
            )
    if config.get("database", "password") and config.get("database", "password_file"):
        problems.append(
            f"{config.source('database', 'password_file')}: [database] password_file: set "
            f"either password ({config.source('database', 'password')}) or password_file, "
            "not both"
        )
    if config.get("ldap", "bind_password") and config.get("ldap", "bind_password_file"):
        problems.append(
            f"{config.source('ldap', 'bind_password_file')}: [ldap] bind_password_file: set "
            f"either bind_password ({config.source('ldap', 'bind_password')}) or "
            "bind_password_file, not both"
        )
    if config.get("ldap", "enabled"):
        # Without a server_uri LDAP sign-in is simply off (accounts/ldap_settings.py): the
        # ganeti-webmgr-ldap package's drop-in turns it on before anyone has filled it in.
        if config.get("ldap", "server_uri") and not config.get("ldap", "user_search_base"):
            problems.append(
                f"{config.source('ldap', 'server_uri')}: [ldap] server_uri: needs [ldap] "
                "user_search_base"
            )
        mirror = config.get("ldap", "mirror_groups")
        if "all" in mirror and len(mirror) > 1:
            problems.append(
                f"{config.source('ldap', 'mirror_groups')}: [ldap] mirror_groups: 'all' "
                "cannot be combined with group names"
            )
        for name in ("require_group", "superuser_group"):
            if config.get("ldap", name) and not config.get("ldap", "group_search_base"):
                problems.append(
                    f"{config.source('ldap', name)}: [ldap] {name}: needs [ldap] "
                    "group_search_base (and group_type)"
                )
    _check_oidc(config, problems)
    if config.get("email", "user") and config.get("email", "security") == "none":
        problems.append(
            f"{config.source('email', 'security')}: [email] security: 'none' would send the "
            "SMTP password in clear text; use starttls or tls"
        )


def _check_oidc(config: Config, problems: list[str]) -> None:
    if config.get("oidc", "client_secret") and config.get("oidc", "client_secret_file"):
        problems.append(
            f"{config.source('oidc', 'client_secret_file')}: [oidc] client_secret_file: set "
            f"either client_secret ({config.source('oidc', 'client_secret')}) or "
            "client_secret_file, not both"
        )
    if not config.get("oidc", "enabled"):
        return
    where = config.source("oidc", "enabled")
    for name in ("issuer", "client_id"):
        if not config.get("oidc", name):
            problems.append(f"{where}: [oidc] enabled: needs [oidc] {name}")
    if not (config.get("oidc", "client_secret") or config.get("oidc", "client_secret_file")):
        problems.append(f"{where}: [oidc] enabled: needs client_secret or client_secret_file")


def _hint(name: str, candidates, template: str) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {template.format(close[0])}?)" if close else ""


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


_current: Config | None = None


def current() -> Config:
    """The process's configuration, loaded once (Django settings and the gwm-* commands)."""
    global _current
    if _current is None:
        _current = load()
    return _current
