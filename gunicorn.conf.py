"""gunicorn settings for the at-scale path: `gunicorn app:app` picks this up."""
import multiprocessing
import os

bind = os.environ.get("CONTEST_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CONTEST_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = 120  # uploads and exports on slow mobile networks
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
# The app (models configured, translations and templates found) is built once
# in the master and shared by the forked workers, instead of by each worker
# on its first requests; post_fork gives each worker its own connections.
preload_app = True


def post_fork(server, worker):
    # With preload_app the parent's connection pool would be shared by every
    # worker; each worker starts its own.
    from app import app
    from contest.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)
