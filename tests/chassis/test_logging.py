"""A ``logging`` call (a library's, the web's) writes the same JSON line as structlog's, in a real process."""
from __future__ import annotations

import json
import subprocess
import sys

from chassis.config import REPO_ROOT

PROCESS = """
import logging, structlog
from chassis.logging import configure_logging, get_logger
from services.billing.domain.log_scrubbing import install_card_scrubbing

configure_logging("INFO")
install_card_scrubbing()
structlog.contextvars.bind_contextvars(request_id="req-7")
get_logger("billing").info("structlog_line")
logging.getLogger("kombu.connection").warning("broker %s is gone", "rabbit")
logging.getLogger("billing.provider").info("refund", extra={"invoice": 42})
logging.getLogger("below.the.level").debug("not written")
try:
    raise ValueError("card 4000 0000 0000 0002 refused")
except ValueError:
    logging.getLogger("billing.provider").exception("provider failed")
"""


def test_standard_library_lines_are_json_with_the_fields_of_structlog_lines():
    run = subprocess.run([sys.executable, "-c", PROCESS], cwd=REPO_ROOT, capture_output=True, text=True,
                         check=True)
    assert run.stderr == ""
    structlog_line, warning, extra, failure = (json.loads(line) for line in run.stdout.splitlines())

    assert structlog_line["event"] == "structlog_line"
    for line in (warning, extra, failure):
        assert line.keys() >= {"timestamp", "level", "event", "logger", "request_id"} and line["request_id"] == "req-7"
        assert line["timestamp"][:11] == structlog_line["timestamp"][:11] and line["timestamp"].endswith("Z")
    assert (warning["event"], warning["level"], warning["logger"]) == ("broker rabbit is gone", "warning",
                                                                         "kombu.connection")
    assert extra["invoice"] == 42
    # billing's card scrubbing filter rewrote the traceback: that text is the one written
    assert failure["level"] == "error" and "ValueError" in failure["exception"]
    assert "4000 0000 0000 0002" not in run.stdout and "[card redacted]" in failure["exception"]
