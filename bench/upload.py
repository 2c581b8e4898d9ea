"""Upload throughput and worker memory of the real video route, against a bare
Flask route that only saves the file, both under gunicorn in the same run.

    .venv/bin/python bench/upload.py [--clean] [--rounds N] [--request-cap-mb N]

Builds a fresh SQLite database and upload folder under a temp folder (contest
open now, a video category whose caps allow the file, an entrant with a draft
entry), makes a ~1 GiB valid MOV once (kept in /tmp/contest-bench for the next
run; --clean removes it), then streams it as multipart/form-data from disk
(never whole in memory) to POST /entries/<id>/files, logged in as the entrant,
and to the bare app. The gunicorn worker's RSS is read from /proc before and
every 50 ms during each upload (and its VmHWM, reset first where the kernel
allows). The app's own configuration is used as it is: pass --request-cap-mb
to set CONTEST_MAX_CONTENT_LENGTH for the run when the app caps every request
below the file's size. MB = 2**20 bytes. Standard library only.
Last line: key=value headline figures."""
from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
MB = 1024 * 1024
CHUNK = MB
VIDEO_DIR = Path(tempfile.gettempdir()) / "contest-bench"
# 1920x1080 uyvy422 (2 bytes a pixel): rawvideo that MOV can hold, no encoding time.
FRAME_BYTES = 1920 * 1080 * 2
FRAMES = -(-(1 << 30) // FRAME_BYTES) + 1  # at least 1 GiB
VIDEO = VIDEO_DIR / f"big-{FRAMES}f.mov"
PASSWORD = "bench-Upload-2024"
PHONE = "13912345678"
TIMEOUT_S = 600

SETUP = """
import os
from datetime import UTC, datetime, timedelta
from contest import create_app
from contest.extensions import db
from contest.models import Unit
from contest.services import accounts, contests, entries

app = create_app()
rounds = int(os.environ["BENCH_ROUNDS"])
with app.app_context():
    now = datetime.now(UTC)
    office = Unit(name="市委网信办", kind="office")
    db.session.add(office)
    db.session.flush()
    prog = contests.save_programme(None, None, {"year": now.year, "title": "上传基准测试工程",
                                                "description": "", "lead_unit": office})
    contest = contests.save_contest(None, None, {
        "programme": prog, "code": "BENCH", "slug": "bench-upload", "title": "上传基准测试",
        "theme": "", "description": "", "rules": "", "recommended_to": None, "lead_unit": office,
        "co_units": [], "min_age": None, "max_age": None, "eligible_districts": [], "eligible_unit_kinds": [],
        "real_name_required": True, "submission_start": now - timedelta(days=1),
        "submission_end": now + timedelta(days=10), "screening_end": now + timedelta(days=15),
        "voting_start": None, "voting_end": None, "judging_start": None, "judging_end": None,
        "publicity_start": None, "publicity_end": None, "results_at": None,
        "entries_per_entrant": rounds, "voting_enabled": False, "votes_per_day": 5, "vote_weight": 0,
        "show_vote_counts": True, "published": True})
    category = contests.save_category(None, contest, None, {
        "code": "V", "name": "短视频组", "kind": "video", "description": "", "min_chars": None,
        "max_chars": None, "max_file_mb": int(os.environ["BENCH_MAX_FILE_MB"]), "max_duration_s": 600})
    user = accounts.register_user(phone=os.environ["BENCH_PHONE"], password=os.environ["BENCH_PASSWORD"],
                                  real_name="基准测试", district="香洲区", unit=None)
    ids = [entries.start_entry(user, category).id for _ in range(rounds)]
    db.session.commit()
    print("ENTRIES", *ids)
"""

BARE_APP = """
import os
from flask import Flask, request

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = None
DEST = os.environ["BENCH_BARE_DEST"]


@app.post("/upload")
def upload():
    request.files["file"].save(os.path.join(DEST, "upload.bin"))
    return {"ok": True}, 201


@app.get("/")
def index():
    return "ok"
"""


class BenchError(Exception):
    """Something refused or broke: reported, and the run exits non-zero."""


# --- processes and memory ---------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the command name (which may hold spaces and parentheses).
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return found


def status_kb(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux 4.0+, needs ptrace rights)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class RssSampler(threading.Thread):
    def __init__(self, pid: int, every_s: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.every_s = pid, every_s
        self.peak_kb = 0
        self.samples: list[tuple[float, int]] = []  # (perf_counter, kB)
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            kb = status_kb(self.pid, "VmRSS")
            if kb is not None:
                self.peak_kb = max(self.peak_kb, kb)
                self.samples.append((time.perf_counter(), kb))
            self._halt.wait(self.every_s)

    def stop(self) -> None:
        self._halt.set()
        self.join()


class Server:
    """One gunicorn master with one sync worker, output to a log file."""

    def __init__(self, name: str, args: list[str], env: dict, cwd: Path, port: int, log: Path):
        self.name, self.port, self.log = name, port, log
        self._log_file = log.open("wb")
        self.proc = subprocess.Popen([str(VENV_BIN / "gunicorn"), *args], cwd=cwd, env=env,
                                     stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True)
        self.worker = 0

    def wait_ready(self, path: str = "/", timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"{self.name}: gunicorn exited with {self.proc.returncode}\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", path)
                conn.getresponse().read()
                conn.close()
            except OSError:
                time.sleep(0.2)
                continue
            workers = children(self.proc.pid)
            if len(workers) != 1:
                raise BenchError(f"{self.name}: expected 1 gunicorn worker, found {workers}")
            self.worker = workers[0]
            return
        raise BenchError(f"{self.name}: not answering on port {self.port} after {timeout_s:.0f} s\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        self._log_file.flush()
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # graceful: the master stops its worker
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only this gunicorn
                self.proc.wait()
        self._log_file.close()


# --- HTTP ---------------------------------------------------------------------

class Client:
    """Cookies kept by hand; http.client so the upload can be streamed."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def _headers(self, extra: dict | None = None) -> dict:
        headers = dict(extra or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_S)
        try:
            conn.request(method, path, body=body, headers=self._headers(headers))
            response = conn.getresponse()
            data = response.read()
            self._keep(response)
            return response.status, dict(response.headers), data
        finally:
            conn.close()

    def upload(self, path: str, file: Path, headers: dict | None = None) -> Upload:
        boundary = "----bench" + uuid.uuid4().hex
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file.name}\"\r\n"
                "Content-Type: video/quicktime\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        size = file.stat().st_size
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_S)
        sent, send_error = 0, None
        try:
            conn.putrequest("POST", path)
            all_headers = self._headers(headers)
            all_headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            all_headers["Content-Length"] = str(len(head) + size + len(tail))
            for name, value in all_headers.items():
                conn.putheader(name, value)
            start = time.perf_counter()
            conn.endheaders()
            try:
                conn.send(head)
                with file.open("rb") as f:
                    while chunk := f.read(CHUNK):
                        conn.send(chunk)
                        sent += len(chunk)
                conn.send(tail)
            except OSError as exc:  # the server answered early (a refusal) and closed
                send_error = exc
            sent_at = time.perf_counter()
            try:
                response = conn.getresponse()
                body = response.read()
                status = response.status
            except OSError as exc:
                raise BenchError(f"POST {path}: connection broken after {sent / MB:.0f} of {size / MB:.0f} MB "
                                 f"sent ({send_error or exc}); the server refused the upload without an answer "
                                 "that could be read") from None
            done = time.perf_counter()
        finally:
            conn.close()
        return Upload(status, body, sent, size, start, sent_at, done)


@dataclass
class Upload:
    status: int
    body: bytes
    sent: int
    size: int
    start: float
    sent_at: float
    done: float

    @property
    def seconds(self) -> float:
        return self.done - self.start

    @property
    def mb_s(self) -> float:
        return self.size / MB / self.seconds


@dataclass
class Measure:
    upload: Upload
    base_kb: int
    peak_kb: int
    samples: list[tuple[float, int]]
    hwm_used: bool

    def sampled_peak_mb(self, sending: bool) -> float:
        """Peak growth seen by polling while the body was being sent, or after."""
        cut = self.upload.sent_at
        kbs = [kb for t, kb in self.samples if (t <= cut) == sending]
        return (max(kbs, default=self.base_kb) - self.base_kb) / 1024

    @property
    def growth_mb(self) -> float:
        return (self.peak_kb - self.base_kb) / 1024


def measured_upload(server: Server, client: Client, path: str, file: Path, headers: dict | None = None) -> Measure:
    base_kb = status_kb(server.worker, "VmRSS") or 0
    hwm_used = reset_peak(server.worker)
    sampler = RssSampler(server.worker)
    sampler.start()
    try:
        upload = client.upload(path, file, headers)
    finally:
        sampler.stop()
    peak_kb = sampler.peak_kb
    if hwm_used:
        peak_kb = max(peak_kb, status_kb(server.worker, "VmHWM") or 0)
    return Measure(upload, base_kb, peak_kb, sampler.samples, hwm_used)


def csrf_token(page: bytes) -> str:
    text = page.decode("utf-8", "replace")
    found = (re.search(r'<meta name="csrf-token" content="([^"]+)"', text)
             or re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text))
    if not found:
        raise BenchError("no CSRF token found in the page")
    return html.unescape(found.group(1))


# --- set-up -------------------------------------------------------------------

def run(cmd: list[str], env: dict, what: str, timeout_s: float = 300) -> str:
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout_s, check=False)
    if done.returncode != 0:
        raise BenchError(f"{what} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-4000:]}")
    return done.stdout


def make_video(path: Path) -> None:
    if path.exists() and path.stat().st_size >= FRAMES * FRAME_BYTES:
        print(f"video: reusing {path}")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    start = time.perf_counter()
    done = subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=1920x1080:rate=25",
                           "-frames:v", str(FRAMES), "-c:v", "rawvideo", "-pix_fmt", "uyvy422", "-f", "mov",
                           str(partial)], capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BenchError(f"ffmpeg could not make the test video:\n{done.stderr[-2000:]}")
    partial.replace(path)
    print(f"video: made {path} in {time.perf_counter() - start:.1f} s")


def check_video(path: Path) -> None:
    with path.open("rb") as f:
        start = f.read(12)
    if start[4:12] != b"ftypqt  ":
        raise BenchError(f"{path} does not start with an ftyp box of brand 'qt  ': {start!r}")
    done = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
                           str(path)], capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        raise BenchError(f"ffprobe cannot read {path}: {done.stderr[-500:]}")
    info = json.loads(done.stdout)
    video = next(s for s in info["streams"] if s.get("codec_type") == "video")
    print(f"video: {video['codec_name']} {video['width']}x{video['height']}, "
          f"{float(info['format']['duration']):.1f} s")


def setup_database(env: dict, rounds: int, file_mb: int) -> list[int]:
    run([str(VENV_BIN / "flask"), "--app", "app", "db", "upgrade"], env, "flask db upgrade")
    out = run([str(VENV_BIN / "python"), "-c", SETUP],
              {**env, "BENCH_ROUNDS": str(rounds), "BENCH_MAX_FILE_MB": str(file_mb + 100),
               "BENCH_PHONE": PHONE, "BENCH_PASSWORD": PASSWORD}, "creating the contest and entries")
    line = next((ln for ln in out.splitlines() if ln.startswith("ENTRIES ")), None)
    if line is None:
        raise BenchError(f"the set-up printed no entry ids:\n{out[-2000:]}")
    return [int(x) for x in line.split()[1:]]


def log_in(client: Client, entry_id: int) -> str:
    status, _, page = client.request("GET", "/account/login")
    if status != 200:
        raise BenchError(f"GET /account/login answered {status}")
    body = f"csrf_token={csrf_token(page)}&phone={PHONE}&password={PASSWORD}".encode()
    status, headers, page = client.request("POST", "/account/login", body,
                                           {"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise BenchError(f"login answered {status}, not a redirect: the entrant was not logged in")
    status, headers, page = client.request("GET", f"/entries/{entry_id}/edit")
    if status != 200:
        raise BenchError(f"GET /entries/{entry_id}/edit answered {status} ({headers.get('Location', '')})")
    return csrf_token(page)


def refused(name: str, upload: Upload) -> BenchError:
    text = upload.body[:500].decode("utf-8", "replace")
    with contextlib.suppress(ValueError, AttributeError):
        text = json.loads(upload.body).get("message") or text
    return BenchError(f"{name}: upload refused with HTTP {upload.status} after {upload.sent / MB:.0f} of "
                      f"{upload.size / MB:.0f} MB sent: {text}")


# --- the runs -------------------------------------------------------------------

def bench_platform(work: Path, env: dict, video: Path, rounds: int) -> list[Measure]:
    file_mb = -(-video.stat().st_size // MB)
    entry_ids = setup_database(env, rounds, file_mb)
    print(f"platform: entries {entry_ids}")
    port = free_port()
    server = Server("platform", ["app:app", "--timeout", str(TIMEOUT_S)],
                    {**env, "CONTEST_BIND": f"127.0.0.1:{port}", "CONTEST_WORKERS": "1"}, ROOT, port,
                    work / "platform.log")
    results = []
    try:
        server.wait_ready("/account/login")
        client = Client(port)
        token = log_in(client, entry_ids[0])
        for entry_id in entry_ids:
            m = measured_upload(server, client, f"/entries/{entry_id}/files", video,
                                {"X-CSRFToken": token, "Accept": "application/json"})
            if m.upload.status != 201:
                raise refused("platform", m.upload)
            asset = json.loads(m.upload.body)["asset"]
            if asset["size"] != video.stat().st_size:
                raise BenchError(f"platform stored {asset['size']} bytes, not {video.stat().st_size}")
            report("platform", m)
            results.append(m)
    finally:
        server.stop()
        shutil.rmtree(Path(env["CONTEST_UPLOAD_DIR"]), ignore_errors=True)
    return results


def bench_bare(work: Path, env: dict, video: Path, rounds: int) -> list[Measure]:
    app_dir, dest = work / "bare", work / "bare-uploads"
    app_dir.mkdir()
    dest.mkdir()
    (app_dir / "bare_app.py").write_text(BARE_APP)
    port = free_port()
    server = Server("bare", ["-c", "/dev/null", "--chdir", str(app_dir), "--bind", f"127.0.0.1:{port}",
                             "--workers", "1", "--timeout", str(TIMEOUT_S), "bare_app:app"],
                    {**env, "BENCH_BARE_DEST": str(dest)}, app_dir, port, work / "bare.log")
    results = []
    try:
        server.wait_ready("/")
        client = Client(port)
        for _ in range(rounds):
            m = measured_upload(server, client, "/upload", video)
            if m.upload.status != 201:
                raise refused("bare", m.upload)
            saved = (dest / "upload.bin").stat().st_size
            if saved != video.stat().st_size:
                raise BenchError(f"bare app saved {saved} bytes, not {video.stat().st_size}")
            (dest / "upload.bin").unlink()
            report("bare", m)
            results.append(m)
    finally:
        server.stop()
        shutil.rmtree(dest, ignore_errors=True)
    return results


def report(name: str, m: Measure) -> None:
    u = m.upload
    print(f"{name}: {u.mb_s:7.1f} MB/s  {u.seconds:6.2f} s (body sent after {u.sent_at - u.start:.2f} s, "
          f"answer {u.done - u.sent_at:.2f} s later)  worker RSS {m.base_kb / 1024:.1f} -> "
          f"{m.peak_kb / 1024:.1f} MB, growth {m.growth_mb:.1f} MB "
          f"(polled {len(m.samples)}x: {m.sampled_peak_mb(True):.1f} MB while receiving, "
          f"{m.sampled_peak_mb(False):.1f} MB after{'; VmHWM' if m.hwm_used else ''})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clean", action="store_true", help="delete the generated video at the end")
    parser.add_argument("--rounds", type=int, default=1, help="uploads to each app (median reported)")
    parser.add_argument("--request-cap-mb", type=int, default=None,
                        help="set CONTEST_MAX_CONTENT_LENGTH (MB) for the run; default: the app's own")
    args = parser.parse_args()
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="contest-bench-upload-"))
    try:
        make_video(VIDEO)
        check_video(VIDEO)
        size = VIDEO.stat().st_size
        print(f"file: {size} bytes ({size / MB:.1f} MB)")
        tmp = work / "tmp"
        tmp.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONTEST_")}
        env.update({
            "CONTEST_DATABASE_URL": f"sqlite:///{work / 'contest.db'}",
            "CONTEST_UPLOAD_DIR": str(work / "uploads"),
            "CONTEST_SECRET_KEY": secrets.token_hex(32),
            "CONTEST_ENV": "development",
            "TMPDIR": str(tmp),  # Werkzeug's spooled request bodies land here, removed with the rest
            "PYTHONDONTWRITEBYTECODE": "1",
        })
        if args.request_cap_mb is not None:
            env["CONTEST_MAX_CONTENT_LENGTH"] = str(args.request_cap_mb * MB)
            print(f"platform: CONTEST_MAX_CONTENT_LENGTH set to {args.request_cap_mb} MB for this run")
        platform = bench_platform(work, env, VIDEO, args.rounds)
        bare = bench_bare(work, env, VIDEO, args.rounds)
    except BenchError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if args.clean:
            VIDEO.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                VIDEO_DIR.rmdir()
    p_mb_s = statistics.median(m.upload.mb_s for m in platform)
    b_mb_s = statistics.median(m.upload.mb_s for m in bare)
    p_growth = max(m.growth_mb for m in platform)
    b_growth = max(m.growth_mb for m in bare)
    print(f"file size:            {size / MB:.1f} MB")
    print(f"platform throughput:  {p_mb_s:.1f} MB/s")
    print(f"bare throughput:      {b_mb_s:.1f} MB/s")
    print(f"platform peak growth: {p_growth:.1f} MB")
    print(f"bare peak growth:     {b_growth:.1f} MB")
    print(f"ratio platform/bare:  {p_mb_s / b_mb_s:.2f}")
    print(f"run took {time.perf_counter() - started:.0f} s")
    print(f"ratio={p_mb_s / b_mb_s:.2f} peak_growth_mb={p_growth:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
