"""A real Learning Record Store for the xAPI tests: Ralph (PyPI ralph-malph), run as a subprocess.

Ralph lives in a venv of its own (``make install-lrs`` makes ``.venv-lrs``; ``LRS_PYTHON``
names another interpreter). Without it the tests that need it are skipped, saying so,
except under CI (``CI`` set), where .ci/run installs it and its absence is a failure.
Ralph keeps statements in a file (its ``fs`` backend), so it needs no other service;
``ralph_server.py`` starts it.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
LRS_PYTHON = Path(os.environ.get("LRS_PYTHON") or ROOT / ".venv-lrs" / "bin" / "python")
USERNAME = "groundwork"
VERSION_HEADER = {"X-Experience-API-Version": "1.0.3"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Ralph:
    """Ralph's LRS on a free loopback port, with one Basic-auth account; stop and start it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.password = secrets.token_urlsafe(12)
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}/xAPI/"
        self.process: subprocess.Popen[bytes] | None = None
        (folder / "data").mkdir()
        hashed = subprocess.run(  # noqa: S603 (the test's own interpreter and arguments)
            [
                str(LRS_PYTHON),
                "-c",
                "import bcrypt, sys; "
                "print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())",
                self.password,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        users = [
            {
                "username": USERNAME,
                "hash": hashed,
                "scopes": ["all"],
                "agent": {"mbox": "mailto:lrs-client@groundwork.example"},
            }
        ]
        (folder / "auth.json").write_text(json.dumps(users))

    def start(self) -> None:
        """Start the server and wait until it answers its heartbeat."""
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.folder),
            "RALPH_APP_DIR": str(self.folder),
            "RALPH_AUTH_FILE": str(self.folder / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "data"),
        }
        log = (self.folder / "server.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            [str(LRS_PYTHON), str(Path(__file__).with_name("ralph_server.py")), str(self.port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph exited: {(self.folder / 'server.log').read_text()}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1).is_success:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("Ralph did not answer within 60 s")

    def stop(self) -> None:
        """Stop the server (its statements stay in its data folder)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def statements(self, **params: Any) -> list[dict[str, Any]]:
        """Every statement the LRS returns for ``params`` (its GET /xAPI/statements), all pages."""
        found: list[dict[str, Any]] = []
        url = f"{self.endpoint}statements"
        query: dict[str, Any] | None = {"limit": 100, **params}
        while url:
            response = httpx.get(
                url,
                params=query,
                auth=(USERNAME, self.password),
                headers=VERSION_HEADER,
                timeout=10,
            )
            assert response.status_code == 200, response.text
            body = response.json()
            found.extend(body["statements"])
            more = body.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else ""
            query = None
        return found

    def configure(self, app: Flask) -> None:
        """Point the app at this LRS with a secret of the test's own (ids differ per test)."""
        app.config.update(
            XAPI_LRS_ENDPOINT=self.endpoint,
            XAPI_LRS_USERNAME=USERNAME,
            XAPI_LRS_PASSWORD=self.password,
            XAPI_ID_SECRET=secrets.token_hex(32),
        )


@pytest.fixture(scope="module")
def ralph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ralph]:
    """One Ralph for the module's tests (each test's own id secret keeps their statements apart)."""
    if not LRS_PYTHON.exists():
        message = f"needs Ralph's LRS at {LRS_PYTHON} (make install-lrs, or set LRS_PYTHON)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = Ralph(tmp_path_factory.mktemp("ralph"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def lrs(ralph: Ralph, app: Flask) -> Iterator[Ralph]:
    """The module's Ralph, running, with the app pointed at it."""
    if ralph.process is None:
        ralph.start()
    ralph.configure(app)
    yield ralph
