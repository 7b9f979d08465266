"""Log lines are bounded in size, whatever values they carry."""

import logging

from django.conf import settings

from ganeti_webmgr.core.logs import MESSAGE_LIMIT, TruncatingFilter


def handled(records: list, logger: str = "ganeti_webmgr.worker") -> logging.Logger:
    handler = logging.Handler()
    handler.emit = records.append
    handler.addFilter(TruncatingFilter())
    log = logging.getLogger(logger)
    log.addHandler(handler)
    return log


def test_a_huge_value_is_cut_and_says_how_much(request):
    records = []
    log = handled(records)
    request.addfinalizer(lambda: log.handlers.pop())
    log.warning("%s: cannot follow", "v" * 100_000)
    message = records[0].getMessage()
    assert len(message) < MESSAGE_LIMIT + 100
    cut = 100_000 + len(": cannot follow") - MESSAGE_LIMIT
    assert message.endswith(f"... [{cut} more characters cut]"), message[-60:]


def test_short_messages_and_their_arguments_are_left_alone(request):
    records = []
    log = handled(records)
    request.addfinalizer(lambda: log.handlers.pop())
    log.info("synced %s in %.2fs", "c1", 0.5)
    assert records[0].getMessage() == "synced c1 in 0.50s" and records[0].args


def test_a_huge_traceback_is_cut_too(request):
    records = []
    log = handled(records)
    request.addfinalizer(lambda: log.handlers.pop())
    try:
        raise ValueError("x" * 50_000)
    except ValueError:
        log.exception("unexpected error")
    assert len(records[0].exc_text) < 9000 and "more characters cut" in records[0].exc_text


def test_every_configured_handler_bounds_its_lines():
    for handler in settings.LOGGING["handlers"].values():
        assert "bounded" in handler["filters"]
