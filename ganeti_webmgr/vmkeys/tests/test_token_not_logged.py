"""The key feed's token is in its URLs: log lines show *** instead."""

import logging

from ganeti_webmgr.commands.uvicorn_worker import _environ
from ganeti_webmgr.core.logs import TruncatingFilter, mask_tokens


def test_djangos_not_found_line_is_masked():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        ("/clusters/a/keys/s3cret/vm1",),
        None,
    )
    assert TruncatingFilter().filter(record)
    assert record.getMessage() == "Not Found: /clusters/a/keys/***/vm1"


def test_the_access_logs_request_line_is_masked():
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/clusters/a/keys/s3cret",
        "raw_path": b"/clusters/a/keys/s3cret",
        "query_string": b"",
        "headers": [],
        "client": ("127.0.0.1", 1),
    }
    environ = _environ(scope)
    assert environ["RAW_URI"] == environ["PATH_INFO"] == "/clusters/a/keys/***"


def test_other_paths_are_left_alone():
    for path in ("/clusters/a/ssh-keys", "/accounts/profile/keys/", "/clusters/a/vms/keys/"):
        assert mask_tokens(path) == path
