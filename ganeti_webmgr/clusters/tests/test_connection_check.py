"""The connection check of the add/edit pages gives up quickly, and says why."""

import pytest

from ganeti_webmgr.clusters import connection
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.ganeti import Timeouts

pytestmark = pytest.mark.django_db


def test_the_check_has_short_timeouts():
    assert connection.CHECK_TIMEOUTS.connect <= 5 and connection.CHECK_TIMEOUTS.total <= 15


def test_a_cluster_that_does_not_answer_fails_the_check_clearly(simulator, monkeypatch):
    monkeypatch.setattr(connection, "CHECK_TIMEOUTS", Timeouts(connect=1, read=0.3, total=0.5))
    simulator.inject("hang", path="^/2/info$", seconds=2)
    cluster = Cluster(slug="new", hostname=simulator.host, port=simulator.port, username="gwm")
    cluster.password = "gwm-secret"
    cluster.fingerprint = simulator.fingerprint
    with pytest.raises(connection.CheckFailed) as failure:
        connection.check(cluster, "fingerprint")
    assert "no answer in time" in str(failure.value)
    assert "ganeti-rapi runs on the master node" in str(failure.value)
