"""An app built in a fresh Python process, on the test database: for tests
that need the rate limiter on another storage (Redis). The one limiter of
the test process keeps the session app's storage and key prefix: Flask-Limiter
takes them from the first app it is given, and offers no public way back.

`run(database, upload_dir, "module:function", config, **arguments)` builds the
app there with the test settings plus `config`, calls `function(app, **arguments)`
and returns what it returned (JSON)."""
from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

from contest import create_app
from tests.conftest import IsolatedClient, make_test_config

ROOT = Path(__file__).resolve().parents[1]


def run(database: tuple[str, dict], upload_dir: Path, target: str, config: dict, **arguments):
    url, options = database
    payload = {"url": url, "options": options, "upload_dir": str(upload_dir), "config": config,
               "target": target, "arguments": arguments}
    done = subprocess.run([sys.executable, "-W", "error", "-m", "tests.app_process"], input=json.dumps(payload),
                          capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    assert done.returncode == 0, f"{target} failed in its own process:\n{done.stderr}"
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    payload = json.load(sys.stdin)
    app = create_app(make_test_config(payload["url"], payload["options"], UPLOAD_DIR=payload["upload_dir"],
                                      **payload["config"]))
    app.test_client_class = IsolatedClient
    module, name = payload["target"].split(":")
    result = getattr(importlib.import_module(module), name)(app, **payload["arguments"])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
