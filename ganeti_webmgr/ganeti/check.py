"""Check a live cluster's RAPI: ``python -m ganeti_webmgr.ganeti.check``.

Prints the RAPI and Ganeti versions, the features and the node and instance
counts, or one line saying what failed. With ``--show-fingerprint`` it only
prints the certificate's SHA-256 fingerprint (no credentials are sent), to
compare with the master's ``/var/lib/ganeti/rapi.pem`` before pinning it.

Exit status: 0 OK, 1 the cluster could not be checked, 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .client import RapiClient
from .errors import RapiConfigError, RapiError
from .tls import TlsTrust, fetch_certificate_fingerprint
from .transport import Timeouts, parse_rapi_url


def build_parser(prog: str = "python -m ganeti_webmgr.ganeti.check") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Check that a Ganeti cluster's Remote API answers.",
    )
    parser.add_argument("--url", required=True, help="https://host[:port] (port 5080 by default)")
    parser.add_argument("--user", help="RAPI user name")
    parser.add_argument(
        "--password-file",
        type=Path,
        help="file holding the RAPI password (first line); never pass passwords as arguments",
    )
    trust = parser.add_mutually_exclusive_group()
    trust.add_argument(
        "--fingerprint", help="pinned SHA-256 fingerprint of the cluster certificate"
    )
    trust.add_argument(
        "--ca-file", help="CA bundle to verify the certificate (default: system CAs)"
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds (default 10)")
    parser.add_argument(
        "--show-fingerprint",
        action="store_true",
        help="only print the server certificate's SHA-256 fingerprint",
    )
    return parser


def _read_password(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RapiConfigError(f"cannot read the password file {path}: {exc.strerror}") from None
    password = text.splitlines()[0] if text else ""
    if not password:
        raise RapiConfigError(f"the password file {path} is empty")
    return password


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    args = (build_parser(prog) if prog else build_parser()).parse_args(argv)
    out = sys.stdout
    try:
        host, port = parse_rapi_url(args.url)
        if args.show_fingerprint:
            print(fetch_certificate_fingerprint(host, port, args.timeout), file=out)
            return 0
        if (args.user is None) != (args.password_file is None):
            raise RapiConfigError("give --user and --password-file together")
        password = _read_password(args.password_file) if args.password_file else None
        trust = TlsTrust.from_options(ca_file=args.ca_file, fingerprint=args.fingerprint)
        timeouts = Timeouts(connect=args.timeout, read=args.timeout, total=3 * args.timeout)
        with RapiClient(
            args.url, username=args.user, password=password, trust=trust, timeouts=timeouts
        ) as client:
            version = client.version()
            info = client.info()
            features = client.features()
            nodes = client.list_nodes()
            instances = client.list_instances()
    except RapiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"cluster:      {info.name}", file=out)
    print(f"ganeti:       {info.software_version}", file=out)
    print(f"rapi version: {version}", file=out)
    print(f"master:       {info.master}", file=out)
    print(f"features:     {', '.join(sorted(features)) or '-'}", file=out)
    print(f"nodes:        {len(nodes)}", file=out)
    print(f"instances:    {len(instances)}", file=out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
