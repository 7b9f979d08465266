"""A real LDAP directory for the LDAP sign-in tests: Debian's slapd (bin/install-system-deps
test) with a generated slapd.conf and an mdb database in a temporary directory, on
127.0.0.1 and a free port; never the system's slapd.

The directory (dc=gwm,dc=test) holds a service account GWM binds as, users under
ou=people (password "<uid>-ldap-password") and groups under ou=groups in both kinds GWM
reads: posixGroup (memberUid) and groupOfNames (member DNs). Anonymous clients may only
bind; the service account reads everything but passwords. The server offers StartTLS
with a certificate for 127.0.0.1 signed by a test CA (ca_file).

    python -m ganeti_webmgr.testing.slapd

runs it until SIGTERM and prints one JSON line first: uri, ca_pem, bind_dn,
bind_password, suffix (packaging/test-packages, with an installed package's python).
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ganeti_webmgr.testing.ports import free_port
from ganeti_webmgr.testing.vnc import make_tls

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SUFFIX = "dc=gwm,dc=test"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "slapd-root-password"  # noqa: S105 - the throwaway directory's manager
BIND_DN = f"cn=gwm,{SUFFIX}"
BIND_PASSWORD = "gwm-bind-password"  # noqa: S105 - the service account GWM binds as

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile {dir}/slapd.pid
argsfile {dir}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_password}
directory {dir}/db
TLSCACertificateFile {dir}/ca.pem
TLSCertificateFile {dir}/cert.pem
TLSCertificateKeyFile {dir}/key.pem
access to attrs=userPassword by self write by anonymous auth by * none
access to * by dn.exact="{bind_dn}" read by self read by * none
"""

# People: (uid, uidNumber, given name, surname, mail); passwords are "<uid>-ldap-password".
PEOPLE = [
    ("dora", 2001, "Dora", "Directory", "dora@gwm.test"),
    ("ed", 2002, "Ed", "Entry", "ed@gwm.test"),
]
# Groups: (cn, gidNumber, member uids); each is both a posixGroup and, as cn=<cn>-gon,
# a groupOfNames, so both group types are exercised against the same memberships.
GROUPS = [
    ("vm-operators", 3001, ["dora"]),
    ("gwm-admins", 3002, ["ed"]),
    ("Ops Team", 3003, ["dora"]),  # not a name GWM groups can have
]


@dataclass(frozen=True)
class Slapd:
    uri: str
    port: int
    workdir: Path

    @property
    def ca_file(self) -> str:
        """The test CA that signed the server's certificate (PEM)."""
        return str(self.workdir / "ca.pem")

    def ldapmodify(self, ldif: str) -> None:
        """Change the directory as its manager (ldapmodify from ldap-utils, over LDAP)."""
        done = subprocess.run(
            ["ldapmodify", "-x", "-H", self.uri, "-D", ROOT_DN, "-w", ROOT_PASSWORD],
            input=ldif.encode(),
            capture_output=True,
        )
        if done.returncode:
            raise RuntimeError(f"ldapmodify failed: {done.stderr.decode()}")

    def remove_member(self, group: str, uid: str) -> None:
        self.ldapmodify(
            f"dn: cn={group},ou=groups,{SUFFIX}\nchangetype: modify\n"
            f"delete: memberUid\nmemberUid: {uid}\n\n"
            f"dn: cn={group}-gon,ou=groups,{SUFFIX}\nchangetype: modify\n"
            f"delete: member\nmember: uid={uid},ou=people,{SUFFIX}\n"
        )

    def add_member(self, group: str, uid: str) -> None:
        self.ldapmodify(
            f"dn: cn={group},ou=groups,{SUFFIX}\nchangetype: modify\n"
            f"add: memberUid\nmemberUid: {uid}\n\n"
            f"dn: cn={group}-gon,ou=groups,{SUFFIX}\nchangetype: modify\n"
            f"add: member\nmember: uid={uid},ou=people,{SUFFIX}\n"
        )


def directory_ldif() -> str:
    entries = [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: gwm\no: GWM tests",
        f"dn: {BIND_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
        f"cn: gwm\nuserPassword: {BIND_PASSWORD}",
        f"dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people",
        f"dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups",
    ]
    for uid, number, given, surname, mail in PEOPLE:
        entries.append(
            f"dn: uid={uid},ou=people,{SUFFIX}\nobjectClass: inetOrgPerson\n"
            f"objectClass: posixAccount\nuid: {uid}\ncn: {given} {surname}\n"
            f"givenName: {given}\nsn: {surname}\nmail: {mail}\nuidNumber: {number}\n"
            f"gidNumber: {number}\nhomeDirectory: /home/{uid}\n"
            f"userPassword: {uid}-ldap-password"
        )
    for cn, number, members in GROUPS:
        posix = f"dn: cn={cn},ou=groups,{SUFFIX}\nobjectClass: posixGroup\ncn: {cn}\n"
        posix += f"gidNumber: {number}"
        posix += "".join(f"\nmemberUid: {uid}" for uid in members)
        entries.append(posix)
        # groupOfNames must keep a member: the manager stays in every group, so tests
        # may remove all the people.
        names = [ROOT_DN, *(f"uid={uid},ou=people,{SUFFIX}" for uid in members)]
        gon = f"dn: cn={cn}-gon,ou=groups,{SUFFIX}\nobjectClass: groupOfNames\ncn: {cn}-gon"
        gon += "".join(f"\nmember: {dn}" for dn in names)
        entries.append(gon)
    return "\n\n".join(entries) + "\n"


def missing() -> str | None:
    """Why the tests cannot run slapd here, or None."""
    for program in (SLAPD, SLAPADD, "/usr/bin/ldapmodify"):
        if not Path(program).exists():
            return (
                f"{program} is missing: run bin/install-system-deps test (Debian's slapd "
                "and ldap-utils; the system's slapd service is left stopped)"
            )
    return None


@contextmanager
def slapd() -> Iterator[Slapd]:
    """slapd on 127.0.0.1 with the test directory loaded, stopped afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix="gwm-slapd-"))
    try:
        (workdir / "db").mkdir()
        tls = make_tls(["localhost"], ca_name="GWM test LDAP CA")
        (workdir / "ca.pem").write_text(tls.ca_pem)
        (workdir / "cert.pem").write_bytes(tls.cert_pem)
        (workdir / "key.pem").write_bytes(tls.key_pem)
        (workdir / "key.pem").chmod(0o600)
        conf = workdir / "slapd.conf"
        conf.write_text(
            CONFIG.format(
                dir=workdir,
                suffix=SUFFIX,
                root_dn=ROOT_DN,
                root_password=ROOT_PASSWORD,
                bind_dn=BIND_DN,
            )
        )
        (workdir / "directory.ldif").write_text(directory_ldif())
        subprocess.run(
            [SLAPADD, "-q", "-f", str(conf), "-l", str(workdir / "directory.ldif")],
            capture_output=True,
            check=True,
        )
        process, server = _start(workdir, conf)
        try:
            yield server
        finally:
            process.send_signal(signal.SIGINT)  # slapd's clean shutdown
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _start(workdir: Path, conf: Path) -> tuple[subprocess.Popen, Slapd]:
    log = workdir / "slapd.log"
    for _attempt in range(5):
        port = free_port()
        uri = f"ldap://127.0.0.1:{port}"
        # -d: stay in the foreground (logging to stderr), so the test owns the process.
        process = subprocess.Popen(
            [SLAPD, "-f", str(conf), "-h", f"{uri}/", "-d", "stats"],
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return process, Slapd(uri, port, workdir)
            except OSError:
                time.sleep(0.05)
        process.kill()
        process.wait()
    raise RuntimeError("slapd did not start: " + log.read_text()[-2000:])


def main() -> int:
    if why := missing():
        print(why, file=sys.stderr)
        return 1

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    with slapd() as server:
        info = {
            "uri": server.uri,
            "ca_pem": Path(server.ca_file).read_text(),
            "bind_dn": BIND_DN,
            "bind_password": BIND_PASSWORD,
            "suffix": SUFFIX,
        }
        print(json.dumps(info), flush=True)
        while True:
            signal.pause()


if __name__ == "__main__":
    sys.exit(main())
