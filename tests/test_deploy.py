"""The production deployment files: the Dockerfile and docker-compose.yml parse and say what the
README says, and the image's command (gunicorn on the app factory, production settings) serves
against a real PostgreSQL. No Docker engine runs here, so the image itself is not built."""

from __future__ import annotations

import json
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of the Dockerfile, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines
            if line and not line.startswith("#")]


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile()
    start = max(i for i, (op, _) in enumerate(instructions) if op == "FROM")
    return instructions[start:]


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for op, args in final_stage():
        if op == "ENV":
            for pair in shlex.split(args):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def test_dockerfile_is_multi_stage_and_runs_gunicorn_as_non_root() -> None:
    froms = [args for op, args in dockerfile() if op == "FROM"]
    assert len(froms) >= 2 and " AS " in froms[0].upper()
    users = [args for op, args in final_stage() if op == "USER"]
    assert users and users[-1] not in {"root", "0"}
    cmd = json.loads([args for op, args in final_stage() if op == "CMD"][-1])
    assert cmd[0] == "gunicorn" and cmd[-1] == "portal.app:create_app()"
    assert image_env()["PORTAL_ENV"] == "production"


def test_compose_runs_postgres_a_migration_and_the_portal() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["meilisearch"]["image"].startswith("getmeili/meilisearch:")
    assert services["migrate"]["command"] == ["portal", "db", "upgrade"]
    web_env = services["web"]["environment"]
    assert web_env["PORTAL_ENV"] == "production"
    assert web_env["PORTAL_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert web_env["PORTAL_SEARCH_BACKEND"] == "meilisearch"
    assert web_env["PORTAL_MEILI_URL"] == "http://meilisearch:7700"
    assert "${PORTAL_SECRET_KEY" in web_env["PORTAL_SECRET_KEY"], "secrets come from the env"
    assert services["web"]["depends_on"]["migrate"]["condition"] == \
        "service_completed_successfully"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_image_command_serves_healthz_against_postgresql(postgres_url: str,
                                                         tmp_path: Path) -> None:
    port = free_port()
    cmd = json.loads([args for op, args in final_stage() if op == "CMD"][-1])
    cmd[cmd.index("--bind") + 1] = f"127.0.0.1:{port}"
    cmd[cmd.index("--workers") + 1] = "2"
    bin_dir = Path(sys.executable).parent
    env = {
        **image_env(),
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"),
        "PORTAL_TRANSLATIONS_DIR": str(ROOT / "translations"),
        "PORTAL_DATABASE_URL": postgres_url,
        "PORTAL_SECRET_KEY": "s" * 40,
        "PORTAL_BASE_URL": "https://data.example-kraj.test",
    }
    migrated = subprocess.run(["portal", "db", "upgrade"], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    server = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    assert r.status == 200
                    body = json.loads(r.read())
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.3)
        assert body is not None, server.stdout.read() if server.poll() is not None else "timeout"
        assert body["database"] == "ok"
        assert {"datasets", "objects", "locations"} <= set(body)
    finally:
        server.terminate()
        server.wait(30)
