import pytest
from django.db import OperationalError

from ganeti_webmgr.core.db import atomic_with_retry, is_transient


def lost_lock(code=1213) -> OperationalError:
    error = OperationalError("Deadlock found when trying to get lock")
    error.__cause__ = Exception(code, "Deadlock found")
    return error


def test_it_knows_the_transient_lock_errors_of_each_engine():
    postgres = OperationalError("deadlock detected")
    postgres.__cause__ = type("PgError", (Exception,), {"sqlstate": "40P01"})()
    assert is_transient(lost_lock(1213)) and is_transient(lost_lock(1205))
    assert is_transient(postgres)
    assert is_transient(OperationalError("database is locked"))
    assert not is_transient(OperationalError("no such table: x"))
    assert not is_transient(lost_lock(1146))  # MySQL: table doesn't exist


@pytest.mark.django_db
def test_it_runs_the_transaction_again_after_a_lost_lock():
    calls = []

    def work():
        calls.append(1)
        if len(calls) < 3:
            raise lost_lock()
        return "done"

    assert atomic_with_retry(work) == "done"
    assert len(calls) == 3


@pytest.mark.django_db
def test_it_gives_up_on_other_errors_at_once():
    calls = []

    def work():
        calls.append(1)
        raise OperationalError("no such table: x")

    with pytest.raises(OperationalError):
        atomic_with_retry(work)
    assert len(calls) == 1
