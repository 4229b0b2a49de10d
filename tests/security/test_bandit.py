"""bandit over chassis/ and services/ at medium severity and up (``bandit -r chassis services -ll``): no finding."""
from __future__ import annotations

import json
import subprocess
import sys

from chassis.config import REPO_ROOT


def test_bandit_finds_nothing_of_medium_severity_or_more():
    result = subprocess.run([sys.executable, "-m", "bandit", "-r", "chassis", "services", "-ll", "-f", "json", "-q"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=240)
    report = json.loads(result.stdout)
    findings = [f"{item['filename']}:{item['line_number']} {item['test_id']} {item['issue_severity']}: "
                f"{item['issue_text']}" for item in report["results"]]
    assert report["metrics"]["_totals"]["loc"] > 1000  # it did read the code
    assert findings == []
