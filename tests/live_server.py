"""A real multi-worker server for the tests and benchmarks that need one:
gunicorn on a free port, on the database the caller names, and logged-in
voters' cookies and CSRF tokens minted with the same secret."""
from __future__ import annotations

import hashlib
import hmac
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
USER_AGENT = "contest-live-test/1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """`with Gunicorn(env, workers=2) as server:` ... server.port; its log in server.log_path."""

    def __init__(self, env: dict[str, str], workers: int = 2, log_dir: Path | None = None):
        self.env = {**os.environ, **env}
        self.workers = workers
        self.port = free_port()
        self.log_path = (log_dir or Path("/tmp")) / f"gunicorn-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self._log = open(self.log_path, "wb")   # noqa: SIM115 (closed in __exit__)
        self.proc = subprocess.Popen(
            [str(GUNICORN), "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--graceful-timeout", "5", "app:app"],
            cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log()}")
            try:
                status, _body = self.request("GET", "/")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer within a minute: {self.log()}")

    def __exit__(self, *_exc) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


def server_env(app) -> dict[str, str]:
    """The environment that makes gunicorn's app the same as `app` (database,
    secret) with limits that let a test hammer it."""
    env = {
        "CONTEST_ENV": "development",
        "CONTEST_SECRET_KEY": app.config["SECRET_KEY"],
        "CONTEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CONTEST_UPLOAD_DIR": app.config["UPLOAD_DIR"],
        "CONTEST_VOTE_LIMIT_PER_ACCOUNT": "10000 per minute",
        "CONTEST_VOTE_LIMIT_PER_IP": "100000 per minute",
        "CONTEST_VOTE_CAPTCHA_AFTER": "100000 per minute",
    }
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("connect_args", {}).get("options")
    if options:   # the test run's own PostgreSQL schema
        from urllib.parse import quote

        separator = "&" if "?" in env["CONTEST_DATABASE_URL"] else "?"
        env["CONTEST_DATABASE_URL"] += f"{separator}options={quote(options)}"
    return env


def credentials(app, user) -> dict[str, str]:
    """Headers of a logged-in browser: its session cookie and CSRF token."""
    from flask import session
    from flask_wtf.csrf import generate_csrf

    user_id = user.get_id()
    # A fresh app context: Flask-WTF keeps the token in `g`, which would otherwise carry over.
    with app.app_context(), app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"},
                                                     headers={"User-Agent": USER_AGENT}):
        session["_user_id"], session["_fresh"] = user_id, True
        session["_id"] = hmac.new(app.config["SECRET_KEY"].encode(), f"127.0.0.1|{USER_AGENT}".encode(),
                                  hashlib.sha256).hexdigest()
        token = generate_csrf()
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}", "X-CSRFToken": token,
            "Content-Type": "application/json", "Accept": "application/json"}
