"""Write the API's OpenAPI schema to a file, without a site: `make docs` publishes it.

    python -m ganeti_webmgr.api.schema_file docs/_generated/openapi.yaml

Django is set up on a throwaway configuration (the schema depends on the code only)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m ganeti_webmgr.api.schema_file OUTPUT.yaml", file=sys.stderr)
        return 2
    out = Path(argv[0])
    base = Path(tempfile.mkdtemp(prefix="gwm-schema-"))
    try:
        (base / "settings.conf").write_text(f"[paths]\ndata_dir = {base}\n")
        os.environ["GWM_CONFIG_DIR"] = str(base)
        os.environ["DJANGO_SETTINGS_MODULE"] = "ganeti_webmgr.settings"
        from ganeti_webmgr.conf import credentials_key, secret_key

        secret_key.create(base / "secret_key")
        credentials_key.create(base / "credentials_key")
        import django
        from django.core.management import call_command

        django.setup()
        out.parent.mkdir(parents=True, exist_ok=True)
        call_command("spectacular", file=str(out), validate=True, fail_on_warn=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
