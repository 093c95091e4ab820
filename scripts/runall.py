#!/usr/bin/env python
"""Start web, Celery worker and Celery beat together; Ctrl-C stops all three."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")

COMMANDS = {
    "web": [
        str(BIN / "gunicorn"),
        "config.wsgi",
        "-b",
        f"{HOST}:{PORT}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--access-logfile",
        "-",
    ],
    "worker": [str(BIN / "celery"), "-A", "config", "worker", "-l", "info", "--concurrency", "2"],
    "beat": [str(BIN / "celery"), "-A", "config", "beat", "-l", "info"],
}


def main() -> int:
    procs = {
        name: subprocess.Popen(cmd, cwd=ROOT, start_new_session=True)
        for name, cmd in COMMANDS.items()
    }
    print(
        f"Hazard Ledger is starting on http://{HOST}:{PORT}/ (web, worker, beat). Ctrl-C stops all."
    )
    stopping = False

    def stop(*_args):
        nonlocal stopping
        if stopping:
            return
        stopping = True
        # SIGTERM to each main process only: gunicorn and the Celery worker then shut
        # down warmly and stop their own children.
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        while not stopping:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    print(
                        f"{name} exited with {proc.returncode}; stopping the others.",
                        file=sys.stderr,
                    )
                    code = proc.returncode or 1
                    stop()
                    break
            time.sleep(0.5)
    finally:
        deadline = time.time() + 15
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    return code


if __name__ == "__main__":
    sys.exit(main())
