"""What a process loads at rest is what it uses: no web framework or translation library in a worker, no PDF
library until a PDF is drawn, no console pretty-printer anywhere (``python -m bench memory`` measures what this
saves)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from chassis.config import REPO_ROOT

HEAVY = ("flask", "babel", "reportlab", "rich", "pygments")  # babel: loaded when a message is translated


def loaded_packages(module: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after importing ``module`` (as its process does)."""
    code = (f"import json, sys, {module}\n"
            "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.splitlines()[-1]))


@pytest.mark.parametrize("module", ["services.auth.worker", "services.cards.worker", "services.billing.worker",
                                    "services.productions.worker", "services.notifier.worker",
                                    "services.cards.relay", "services.billing.relay"])
def test_a_background_process_loads_no_web_framework_pdf_library_or_pretty_printer(module):
    assert loaded_packages(module) & set(HEAVY) == set()


@pytest.mark.parametrize("module", ["services.auth.wsgi", "services.cards.wsgi", "services.billing.wsgi",
                                    "services.web.wsgi"])
def test_an_api_at_rest_loads_no_pdf_library_password_lists_or_pretty_printer(module):
    loaded = loaded_packages(module)
    assert "flask" in loaded  # it is a web process: the probe does see what it imports
    assert loaded & {"reportlab", "zxcvbn", "rich", "pygments"} == set()


def test_rich_stays_importable_for_the_tools_that_want_it():
    code = "import chassis, structlog, rich; print(rich.__name__)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "rich"
