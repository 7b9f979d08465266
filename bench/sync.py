"""Sync benchmark: 10,000 instances and 100 nodes from the RAPI simulator.

    python bench/sync.py sqlite|postgresql|mysql

Prints, for one database engine: the first import; a re-sync with no change (and
its time as a ratio to fetching and parsing the same RAPI payloads alone, which
is the floor); a re-sync with 1% of the instances changed. Goals: first import
<= 2 s on SQLite, no-change re-sync <= 1.2x fetch+parse with 0 rows written, 1%
changed writes only those rows. Then the same re-syncs with every VM owned, and
what recomputing all the owners' holdings costs (what a sync that wrote VM rows
adds for the quota check). Run by `make bench`.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

INSTANCES, NODES = 10_000, 100


def setup_site(engine: str) -> tuple[Path, str | None]:
    """A throwaway configuration and database for this engine."""
    base = Path(tempfile.mkdtemp(prefix="gwm-bench-"))
    (base / "settings.conf").write_text(f"[paths]\ndata_dir = {base}/data\n")
    os.environ["GWM_CONFIG_DIR"] = str(base)
    database = None
    if engine != "sqlite":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        import database_env

        settings = getattr(database_env, engine)()
        database = f"gwm_bench_{uuid.uuid4().hex[:8]}"
        settings["NAME"] = database
        for key, value in settings.items():
            os.environ[f"GWM_DATABASE_{key}"] = value
        _server_database(engine, settings, create=True)
    from ganeti_webmgr.conf import credentials_key, secret_key

    secret_key.create(base / "secret_key")
    credentials_key.create(base / "credentials_key")
    (base / "data").mkdir()
    return base, database


def _server_database(engine, settings, create):
    name = settings["NAME"]
    if engine == "postgresql":
        import psycopg

        with psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"],
            user=settings["USER"],
            dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(
                f"CREATE DATABASE {name}"
                if create
                else f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )
    else:
        import MySQLdb

        connection = MySQLdb.connect(
            host=settings["HOST"], port=int(settings["PORT"]), user=settings["USER"]
        )
        connection.cursor().execute(
            f"CREATE DATABASE {name} CHARACTER SET utf8mb4"
            if create
            else f"DROP DATABASE IF EXISTS {name}"
        )
        connection.close()


def teardown_site(engine: str, base: Path, database: str | None) -> None:
    from django.db import connections

    connections.close_all()
    if database:
        settings = {
            k[len("GWM_DATABASE_") :]: v
            for k, v in os.environ.items()
            if k.startswith("GWM_DATABASE_")
        }
        _server_database(engine, settings, create=False)
    shutil.rmtree(base, ignore_errors=True)


@contextmanager
def django_site(engine: str, pages: bool = False):
    """A throwaway site (setup_site) with Django set up in this process and migrated;
    pages: as the tests serve pages (static files without collectstatic, the test
    client's host name). Yields the site's directory; removed afterwards."""
    base, database = setup_site(engine)
    try:
        import django

        os.environ["DJANGO_SETTINGS_MODULE"] = "ganeti_webmgr.settings"
        django.setup()
        from django.core.management import call_command
        from django.test.utils import override_settings

        call_command("migrate", verbosity=0)
        if not pages:
            yield base
            return
        (base / "data" / "static").mkdir()  # WhiteNoise warns when it is missing
        storages = {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=storages):
            yield base
    finally:
        teardown_site(engine, base, database)


def timed(fn):
    gc.collect()  # the previous run's garbage is not this run's cost
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def main(engine: str) -> int:
    base, database = setup_site(engine)
    try:
        import django

        os.environ["DJANGO_SETTINGS_MODULE"] = "ganeti_webmgr.settings"
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        run(engine)
    finally:
        teardown_site(engine, base, database)
    return 0


def run(engine: str) -> None:
    from ganeti_webmgr.clusters.models import Cluster
    from ganeti_webmgr.clusters.rapi import client_for
    from ganeti_webmgr.ganeti.simulator import RapiSimulator, SimCluster
    from ganeti_webmgr.inventory import sync

    started = time.perf_counter()
    sim_cluster = SimCluster.generate(nodes=NODES, instances=INSTANCES)
    print(
        f"[{engine}] simulator with {INSTANCES} instances, {NODES} nodes "
        f"(built in {time.perf_counter() - started:.1f}s)"
    )
    with RapiSimulator(sim_cluster) as sim:
        cluster = Cluster(
            slug="bench",
            hostname=sim.host,
            port=sim.port,
            username="gwm",
            fingerprint=sim.fingerprint,
        )
        cluster.password = "gwm-secret"  # noqa: S105 - the simulator's user
        cluster.save()
        client = client_for(cluster)

        seconds, first = timed(lambda: sync.sync_cluster(cluster, client=client))
        print(
            f"[{engine}] first import:         {seconds:6.2f} s  "
            f"({first.virtual_machines.written} VMs, {first.nodes.written} nodes written; "
            f"RAPI fetch+parse {first.fetch_seconds:.2f} s)   goal <= 2 s on SQLite"
        )

        # Best of 5 for both: what the code costs, without the machine's noise.
        fetch = min(timed(lambda: sync.fetch(client, with_os=False))[0] for _ in range(5))
        resyncs = [timed(lambda: sync.sync_cluster(cluster, client=client)) for _ in range(5)]
        resync = min(s for s, _ in resyncs)
        written = max(r.written for _, r in resyncs)
        writing = min(r.seconds - r.fetch_seconds for _, r in resyncs)
        print(
            f"[{engine}] re-sync, no change:   {resync:6.2f} s  = {resync / fetch:.2f}x "
            f"fetch+parse alone ({fetch:.2f} s; compare+write {writing:.3f} s); "
            f"{written} rows written   goal <= 1.2x, 0 rows"
        )

        changed = [f"inst{n}.sim.test" for n in range(1, INSTANCES + 1, 100)]
        with sim_cluster.lock:
            for name in changed:
                instance = sim_cluster.instances[name]
                instance["beparams"]["maxmem"] += 128
                sim_cluster._touch(instance)
        seconds, result = timed(lambda: sync.sync_cluster(cluster, client=client))
        print(
            f"[{engine}] re-sync, 1% changed:  {seconds:6.2f} s  "
            f"({result.written} rows written for {len(changed)} changed instances)   "
            f"goal: only those rows"
        )
        owned(engine, cluster, client, sim_cluster)
        client.close()


OWNERS = 100


def owned(engine, cluster, client, sim_cluster) -> None:
    """The same re-syncs with every VM owned (OWNERS users, 100 VMs each): what keeping
    the owners' holdings (the quota check's usage) adds to a sync."""
    from django.contrib.auth.models import User
    from django.db import transaction

    from ganeti_webmgr.inventory import sync
    from ganeti_webmgr.virtual_machines.models import VirtualMachine

    try:
        from ganeti_webmgr.virtual_machines import holdings
    except ImportError:  # a version without holdings: the same syncs, for comparison
        holdings = None
    pks = list(VirtualMachine.objects.filter(cluster=cluster).values_list("pk", flat=True))
    for n in range(OWNERS):
        user = User.objects.create_user(f"owner{n}")
        VirtualMachine.objects.filter(pk__in=pks[n::OWNERS]).update(owner_user=user)
    if holdings is not None:
        with transaction.atomic():
            holdings.refresh(cluster)

    resyncs = [timed(lambda: sync.sync_cluster(cluster, client=client)) for _ in range(3)]
    print(
        f"[{engine}] owned ({OWNERS} owners), re-sync, no change: "
        f"{min(s for s, _ in resyncs):6.2f} s "
        f"(compare+write {min(r.seconds - r.fetch_seconds for _, r in resyncs):.3f} s)"
    )
    resyncs = []
    for round_ in range(5):
        with sim_cluster.lock:
            for n in range(1 + round_, INSTANCES + 1, 100):
                instance = sim_cluster.instances[f"inst{n}.sim.test"]
                instance["beparams"]["maxmem"] += 128
                sim_cluster._touch(instance)
        resyncs.append(timed(lambda: sync.sync_cluster(cluster, client=client)))
    print(
        f"[{engine}] owned ({OWNERS} owners), re-sync, 1% changed: "
        f"{min(s for s, _ in resyncs):6.2f} s "
        f"(compare+write {min(r.seconds - r.fetch_seconds for _, r in resyncs):.3f} s; "
        f"best of 5, {max(r.written for _, r in resyncs)} rows written)"
    )
    if holdings is not None:

        def upkeep():
            with transaction.atomic():
                holdings.refresh(cluster)

        best = min(timed(upkeep)[0] for _ in range(5))
        print(
            f"[{engine}] of which the holdings' upkeep (every owner of the cluster): "
            f"{best * 1000:6.1f} ms"
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "sqlite"))
