"""The nginx gateway as a plain process (Debian's ``/usr/sbin/nginx``, not root-only paths).

``prepare_gateway(folder, upstreams, port)`` renders ``deploy/gateway/nginx.conf.template`` and
``deploy/gateway/templates/guichet.conf.template`` (the very file the official nginx image renders in
docker-compose.yml) into ``folder`` and returns the command that runs nginx in the foreground with
its pid, temp files and logs in that folder.
"""
from __future__ import annotations

import getpass
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from chassis.config import REPO_ROOT

GATEWAY_DIR = REPO_ROOT / "deploy" / "gateway"
SITE_TEMPLATE = GATEWAY_DIR / "templates" / "guichet.conf.template"
MAIN_TEMPLATE = GATEWAY_DIR / "nginx.conf.template"
DOCS_DIR = GATEWAY_DIR / "docs"
UPSTREAM_NAMES = ("auth", "cards", "billing", "productions", "notifier", "web")
_PLACEHOLDER = re.compile(r"\$\{(GATEWAY_[A-Z0-9_]+)\}")

# The gateway's settings, as docker-compose.yml sets them.
DEFAULT_SETTINGS = {
    "GATEWAY_MAX_BODY_SIZE": "2m",
    "GATEWAY_TRUSTED_FORWARDER": "127.0.0.1",
    "GATEWAY_LOGIN_RATE": "10r/m",
    "GATEWAY_LOGIN_BURST": "10",
    "GATEWAY_FORGOT_RATE": "5r/m",
    "GATEWAY_FORGOT_BURST": "3",
    "GATEWAY_RETRY_AFTER": "60",
    "GATEWAY_PROXY_READ_TIMEOUT": "30s",
}


def nginx_binary() -> str | None:
    """Debian's nginx: on PATH, or in /usr/sbin (not on a plain user's PATH)."""
    return shutil.which("nginx") or (str(Path("/usr/sbin/nginx")) if Path("/usr/sbin/nginx").exists() else None)


def local_resolver() -> str:
    """The first name server of /etc/resolv.conf (the gateway's ``resolver``); 127.0.0.1 when there is none."""
    try:
        for line in Path("/etc/resolv.conf").read_text(encoding="utf-8").splitlines():
            fields = line.split()
            if len(fields) >= 2 and fields[0] == "nameserver":
                return f"[{fields[1]}]" if ":" in fields[1] else fields[1]
    except OSError:
        pass
    return "127.0.0.1"


def nginx_version(binary: str) -> tuple[int, ...]:
    """``nginx -v`` (it prints ``nginx version: nginx/1.22.1`` on stderr) as a tuple, (0,) when unreadable."""
    result = subprocess.run([binary, "-v"], capture_output=True, text=True, check=False)
    match = re.search(r"nginx/(\d+(?:\.\d+)*)", result.stderr + result.stdout)
    return tuple(int(part) for part in match.group(1).split(".")) if match else (0,)


# `server ... resolve` in an upstream group: open-source nginx 1.27.3 and later.
RESOLVE_SINCE = (1, 27, 3)
_RESOLVE_PARAMETER = re.compile(r"^(\s*server\s+\S+)\s+resolve;", re.MULTILINE)


def without_resolve(site: str) -> str:
    """The site configuration for an nginx older than 1.27.3, which rejects ``resolve``: the local stack gives
    127.0.0.1 addresses, which need no resolving anyway."""
    return _RESOLVE_PARAMETER.sub(r"\1;", site)


def render(template: str, values: dict[str, str]) -> str:
    """Replaces every ``${GATEWAY_*}`` placeholder; a missing value is an error, nginx's ``$vars`` stay."""
    missing = sorted({name for name in _PLACEHOLDER.findall(template) if name not in values})
    if missing:
        raise KeyError(f"gateway template needs values for {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), template)


@dataclass
class GatewayFiles:
    folder: Path
    config: Path
    command: list[str] = field(default_factory=list)

    @property
    def error_log(self) -> Path:
        return self.folder / "logs" / "error.log"

    @property
    def access_log(self) -> Path:
        return self.folder / "logs" / "access.log"


def prepare_gateway(folder: Path, upstreams: dict[str, str], port: int, **settings: str) -> GatewayFiles:
    """Writes nginx.conf and conf.d/guichet.conf under ``folder``; ``upstreams`` maps name -> host:port."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (Debian package nginx; deploy/dev/ensure-infra.sh installs it)")
    folder = Path(folder).resolve()
    for sub in ("conf.d", "logs", "temp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    values = {**DEFAULT_SETTINGS, **{key.upper(): value for key, value in settings.items()}}
    values.update({f"GATEWAY_{name.upper()}_UPSTREAM": upstreams[name] for name in UPSTREAM_NAMES})
    values.update({
        "GATEWAY_LISTEN": f"127.0.0.1:{port}",
        "GATEWAY_DOCS_ROOT": str(DOCS_DIR),
        "GATEWAY_RESOLVER": values.get("GATEWAY_RESOLVER") or local_resolver(),
        "GATEWAY_ACCESS_LOG": str(folder / "logs" / "access.log"),
        "GATEWAY_PREFIX": str(folder),
        "GATEWAY_MIME_TYPES": "/etc/nginx/mime.types",
        "GATEWAY_WORKER_PROCESSES": values.get("GATEWAY_WORKER_PROCESSES", "1"),
        # nginx started by root would hand its workers to "nobody", who cannot enter a private data
        # folder: they keep the starting user instead (nginx ignores `user` when not started by root).
        "GATEWAY_USER_DIRECTIVE": f"user {getpass.getuser()};" if os.geteuid() == 0 else "",
    })
    site = render(SITE_TEMPLATE.read_text(encoding="utf-8"), values)
    if nginx_version(binary) < RESOLVE_SINCE:
        site = without_resolve(site)
    (folder / "conf.d" / "guichet.conf").write_text(site, encoding="utf-8")
    config = folder / "nginx.conf"
    config.write_text(render(MAIN_TEMPLATE.read_text(encoding="utf-8"), values), encoding="utf-8")
    command = [binary, "-p", str(folder), "-c", str(config), "-e", str(folder / "logs" / "error.log")]
    return GatewayFiles(folder=folder, config=config, command=command)
