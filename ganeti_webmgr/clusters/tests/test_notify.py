"""POST /clusters/<slug>/notify, and the Ganeti hook script that calls it."""

import os
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from ganeti_webmgr.clusters.models import Cluster

HOOK = Path(__file__).resolve().parents[3] / "share/ganeti-hooks/gwm-notify"


@pytest.fixture
def cluster(db):
    cluster = Cluster.objects.create(
        slug="prod", hostname="ganeti.example.org", next_sync_at=timezone.now() + timedelta(hours=1)
    )
    token = cluster.new_notify_token()
    cluster.save()
    cluster.token = token
    return cluster


def due_now(cluster) -> bool:
    return Cluster.objects.get(pk=cluster.pk).next_sync_at <= timezone.now()


def test_a_valid_token_asks_for_a_sync(client, cluster):
    response = client.post("/clusters/prod/notify", HTTP_AUTHORIZATION=f"Bearer {cluster.token}")
    assert response.status_code == 202
    assert due_now(cluster)
    # The hook may run before Ganeti's queries show the change: two more syncs follow.
    assert Cluster.objects.get(pk=cluster.pk).quick_syncs == 2


def test_a_wrong_token_is_refused_like_an_unknown_cluster(client, cluster):
    wrong = client.post("/clusters/prod/notify", HTTP_AUTHORIZATION="Bearer nope")
    unknown = client.post("/clusters/other/notify", HTTP_AUTHORIZATION=f"Bearer {cluster.token}")
    missing = client.post("/clusters/prod/notify")
    assert wrong.status_code == unknown.status_code == missing.status_code == 404
    assert wrong.content == unknown.content
    assert not due_now(cluster)


def test_a_cluster_without_a_token_accepts_none(client, db):
    Cluster.objects.create(slug="bare", hostname="h", next_sync_at=timezone.now() + timedelta(1))
    assert client.post("/clusters/bare/notify", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_it_rejects_get(client, cluster):
    response = client.get("/clusters/prod/notify", HTTP_AUTHORIZATION=f"Bearer {cluster.token}")
    assert response.status_code == 405


def test_only_the_tokens_hash_is_stored(cluster):
    stored = Cluster.objects.get(pk=cluster.pk).notify_token_hash
    assert cluster.token not in stored and len(stored) == 64


def hook(tmp_path, url, token, **env):
    conf = tmp_path / "gwm-notify.conf"
    conf.write_text(f"GWM_URL={url}\nGWM_CLUSTER=prod\nGWM_TOKEN={token}\n")
    return subprocess.run(
        [str(HOOK)],
        capture_output=True,
        text=True,
        timeout=30,
        env={
            "PATH": os.environ["PATH"],
            "GWM_NOTIFY_CONF": str(conf),
            "GANETI_HOOKS_PHASE": "post",
            "GANETI_INSTANCE_NAME": "vm1.example.org",
            "GANETI_OP_CODE": "OP_INSTANCE_STARTUP",
            **env,
        },
    )


@pytest.mark.django_db(transaction=True)
def test_the_hook_script_asks_gwm_for_a_sync(live_server, cluster, tmp_path):
    result = hook(tmp_path, live_server.url, cluster.token, GWM_ALLOW_HTTP="yes")
    assert result.returncode == 0 and result.stderr == ""
    assert due_now(cluster)


@pytest.mark.django_db(transaction=True)
def test_the_hook_script_never_fails_the_ganeti_operation(live_server, cluster, tmp_path):
    result = hook(tmp_path, live_server.url, "wrong-token", GWM_ALLOW_HTTP="yes")
    assert result.returncode == 0
    assert "could not notify" in result.stderr
    assert not due_now(cluster)


@pytest.mark.django_db(transaction=True)
def test_the_hook_script_refuses_plain_http_by_default(live_server, cluster, tmp_path):
    result = hook(tmp_path, live_server.url, cluster.token)
    assert result.returncode == 0
    assert "GWM_URL must be https://" in result.stderr
    assert not due_now(cluster)


@pytest.mark.django_db(transaction=True)
def test_the_hook_script_only_runs_on_the_master(live_server, cluster, tmp_path):
    result = hook(
        tmp_path,
        live_server.url,
        cluster.token,
        GWM_ALLOW_HTTP="yes",
        GANETI_MASTER="some-other-node.example.org",
    )
    assert result.returncode == 0 and result.stderr == ""
    assert not due_now(cluster)
