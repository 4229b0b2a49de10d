"""An image speaks English: the Dockerfile's compile step, run on what the image copies (chassis and one
service, without the .mo files git does not hold), gives the service's process its English catalogue."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from chassis.config import REPO_ROOT

DOCKERFILE = REPO_ROOT / "deploy" / "docker" / "Dockerfile"
SPEAK = ("from chassis.i18n import Catalogue, gettext, speaking\n"
         "with speaking('en', Catalogue.of_service('{service}')):\n"
         "    print(gettext('Accès refusé.'))\n")


def _compile_step(service: str) -> list[str]:
    line = next(line for line in DOCKERFILE.read_text().splitlines() if "chassis.i18n_catalogues compile" in line)
    command = re.sub(r"^RUN\s+", "", line).replace("${SERVICE}", service)
    return shlex.split(command)


@pytest.mark.parametrize("service", ["cards", "web"])
def test_the_image_compiles_the_catalogues_it_copies(tmp_path, service):
    app = tmp_path / "app"
    ignore = shutil.ignore_patterns("*.mo", "__pycache__")
    shutil.copytree(REPO_ROOT / "chassis", app / "chassis", ignore=ignore)
    (app / "services").mkdir()
    shutil.copy(REPO_ROOT / "services" / "__init__.py", app / "services" / "__init__.py")
    shutil.copytree(REPO_ROOT / "services" / service, app / "services" / service, ignore=ignore)
    env = {**os.environ, "PYTHONPATH": str(app)}

    command = _compile_step(service)
    assert command[:2] == ["python", "-m"]
    subprocess.run([sys.executable, *command[1:]], cwd=app, env=env, check=True)

    spoken = subprocess.run([sys.executable, "-c", SPEAK.format(service=service)], cwd=app, env=env,
                            capture_output=True, text=True, check=True)
    assert spoken.stdout.strip() == "Access denied."
    catalogue = app / "services" / service / "translations" / "en" / "LC_MESSAGES"
    assert (catalogue / "messages.mo").exists() == (catalogue / "messages.po").exists()
