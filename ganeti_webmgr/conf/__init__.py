"""GWM's own configuration: one schema, loaded from /etc/ganeti-webmgr and GWM_* variables.

Django settings (ganeti_webmgr.settings) are derived from the loaded Config; nothing
else reads the files or the environment.
"""

from ganeti_webmgr.conf.loader import (
    CONFIG_DIR_ENV,
    DEFAULT_CONFIG_DIR,
    Config,
    ConfigError,
    config_dir,
    current,
    load,
)

__all__ = [
    "CONFIG_DIR_ENV",
    "DEFAULT_CONFIG_DIR",
    "Config",
    "ConfigError",
    "config_dir",
    "current",
    "load",
]
