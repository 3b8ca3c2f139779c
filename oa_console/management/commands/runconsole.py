"""``manage.py runconsole``: the whole console in one foreground process, for ``make run``.

It collects the static files first (compressed; only changed files are compressed again) and
starts two children: Django's development web server, which serves those collected files
through WhiteNoise with gzip as production does (``--reload`` serves them from their source
folders, uncompressed, so an edited stylesheet shows at once), and a real Celery worker with an
embedded beat scheduler. Scheduled and enqueued jobs therefore really run, on whatever broker the
settings name (the embedded filesystem broker by default), exactly as in production where the
same work is split across the web, worker and beat services.

Each child runs in its own process group. A Ctrl-C in the terminal therefore reaches only this
supervisor, which forwards exactly one signal to each child: two SIGINTs would make Celery
abandon running tasks (a "cold" shutdown) instead of finishing them. The signal goes to the
child itself, not its group, so that the Celery worker shuts its pool down in order and the
web server's autoreloader (``--reload``) stops its own child. A second Ctrl-C is still
honoured, as an explicit request to kill everything at once. When one child dies
on its own, the console is no longer whole, so the others are stopped and the exit code is
non-zero; a supervisor that kept half the console running would hide the failure.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser, SystemCheckError
from django.db import connections

POLL_SECONDS = 0.2
# The worker starts once the web server answers (or after this long): on two cores, starting
# both at once made the web server wait for the worker's imports and pool forks.
WEB_FIRST_SECONDS = 30.0
# Celery's warm shutdown waits for running tasks; give it time before escalating to SIGKILL.
STOP_GRACE_SECONDS = 20.0
KILL_GRACE_SECONDS = 5.0


@dataclass
class Child:
    """A supervised subprocess, started in its own process group."""

    name: str
    process: subprocess.Popen[bytes]

    def send(self, signum: int) -> None:
        """Ask the child to stop; it stops its own subprocesses (worker pool, reloaded server)."""
        if self.running:
            self.process.send_signal(signum)

    def kill_group(self) -> None:
        """Kill the child and everything in its group, including processes it left behind."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    @property
    def running(self) -> bool:
        return self.process.poll() is None


class Command(BaseCommand):
    # The web server child runs the system checks before it listens; running them here as well
    # would import every URL and view twice before the console answers.
    requires_system_checks = []
    help = (
        "Run the development web server and a Celery worker with embedded beat in one "
        "foreground process; Ctrl-C stops both."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addr", default="127.0.0.1", help="Address to listen on (IPv4 or name)."
        )
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Restart the web server when Python files change (the worker is not reloaded).",
        )
        parser.add_argument(
            "--concurrency", type=int, default=2, help="Number of Celery worker processes."
        )
        parser.add_argument(
            "--prepare",
            action="store_true",
            help="First apply migrations and load the demo (seed_demo) in this process, as "
            "make run does: one Python start instead of three before the web server.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        addr: str = options["addr"]
        port: int = options["port"]
        if options["prepare"]:
            if "PUBLIC_BASE_URL" not in os.environ:
                # As for the children: the demo's links and the URL seed_demo prints name this
                # console's port, not the default 8000.
                settings.PUBLIC_BASE_URL = _local_url(addr, port).rstrip("/")
            verbosity = options["verbosity"]
            call_command("migrate", interactive=False, verbosity=verbosity, stdout=self.stdout)
            call_command("seed_demo", verbosity=verbosity, stdout=self.stdout)
            connections.close_all()  # the supervisor itself uses no database from here on
        self._stop_signal: int | None = None
        self._force_stop = False
        # Handlers go in before the children start: a handled signal is reset to its default in
        # a child at exec, whereas an ignored one (SIGINT under a background shell) would stay
        # ignored and the web server would never hear Ctrl-C.
        previous = {
            signum: signal.signal(signum, self._request_stop)
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        children: list[Child] = []
        try:
            if not options["reload"]:
                self._collect_static()
            self._start_children(
                children,
                addr=addr,
                port=port,
                reload=options["reload"],
                concurrency=options["concurrency"],
                web_first=True,
            )
            failure = self._supervise(children, addr=addr, port=port)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            # Whatever happened above, leave nothing behind: not the children, nor anything left
            # in their groups (a worker pool process whose parent died, say).
            for child in children:
                child.kill_group()
                child.process.wait()
        if failure is not None:
            raise CommandError(failure, returncode=1)
        self._say("OA Console stopped.")

    def _start_children(
        self,
        children: list[Child],
        *,
        addr: str,
        port: int,
        reload: bool,
        concurrency: int,
        web_first: bool = False,
    ) -> None:
        """Start the web server and the worker, appending each to ``children`` as soon as it runs
        (so that a failure to start the second still stops the first). ``web_first``: start the
        worker only once the web server answers (``WEB_FIRST_SECONDS`` at most), or has died,
        or a stop was asked for."""
        manage_py = str(settings.BASE_DIR / "manage.py")
        # --nostatic: WhiteNoise (a middleware) serves static files, not runserver's handler,
        # which would bypass it and send every file uncompressed.
        web = [sys.executable, manage_py, "runserver", f"{addr}:{port}", "--nostatic"]
        if not reload:
            # --skip-checks: the supervisor runs the system checks itself while the web server
            # starts (_check_while_web_starts), so the two Python starts overlap on 2 cores.
            # With --reload runserver keeps its own, to check each change of the code.
            web += ["--noreload", "--skip-checks"]
        worker = [
            sys.executable,
            "-m",
            "celery",
            "--app",
            "oa_console",
            "worker",
            "--beat",
            "--schedule",
            str(settings.CELERY_BEAT_SCHEDULE_FILENAME),
            "--loglevel",
            "INFO",
            "--concurrency",
            str(concurrency),
            "--hostname",
            "console@%h",
        ]
        # DJANGO_SETTINGS_MODULE (set by manage.py or --settings) is inherited through os.environ.
        env = dict(os.environ)
        # The collected, compressed files (_collect_static) rather than the source folders.
        env["WHITENOISE_USE_FINDERS"] = "true" if reload else "false"
        if "PUBLIC_BASE_URL" not in env:
            # Links handed out (tracked clicks, the demo's simulated LINE endpoint) must reach
            # this console on the port it was started on, not the default 8000.
            env["PUBLIC_BASE_URL"] = _local_url(addr, port).rstrip("/")
        for name, command in (("web", web), ("worker", worker)):
            if name == "worker":
                if not reload:
                    self._check_while_web_starts()
                if web_first:
                    self._wait_for_web(children[0], addr, port)
            process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, stdin=subprocess.DEVNULL, process_group=0, env=env
            )
            children.append(Child(name=name, process=process))

    def _check_while_web_starts(self) -> None:
        """Django's system checks, which runserver would otherwise run before it answers. A
        failing check stops the console (the caller's cleanup stops the web server)."""
        try:
            call_command("check", stdout=self.stdout)
        except SystemCheckError as exc:
            raise CommandError(f"The system checks failed:\n{exc}", returncode=1) from exc

    def _wait_for_web(self, web: Child, addr: str, port: int) -> None:
        deadline = time.monotonic() + WEB_FIRST_SECONDS
        while time.monotonic() < deadline and web.running and self._stop_signal is None:
            if _accepts_connections(addr, port):
                return
            time.sleep(POLL_SECONDS / 4)

    def _collect_static(self) -> None:
        """Collect the static files into STATIC_ROOT with the settings' storage, which in
        development compresses each changed file (oa_console/static_storage.py): the first
        start takes seconds, a restart a fraction of one."""
        started = time.monotonic()
        call_command("collectstatic", interactive=False, verbosity=0)
        self._say(f"Static files collected and compressed in {time.monotonic() - started:.1f} s.")

    def _say(self, message: str) -> None:
        """Write a status line at once: stdout is block-buffered when piped (``make run | tee``),
        and the children's logs would otherwise bury the URL."""
        self.stdout.write(message)
        self.stdout.flush()

    def _request_stop(self, signum: int, frame: FrameType | None) -> None:
        """Record the first stop request (forwarded once by the supervise loop); a second one
        asks to kill everything without waiting."""
        if self._stop_signal is None:
            self._stop_signal = signum
        else:
            self._force_stop = True

    def _supervise(self, children: list[Child], *, addr: str, port: int) -> str | None:
        """Wait until a stop is requested or a child dies, then stop the rest.

        Returns why the console failed, or None after a clean stop.
        """
        url = _local_url(addr, port)
        announced = False
        while self._stop_signal is None:
            dead = [child for child in children if not child.running]
            if dead:
                for child in dead:
                    self.stderr.write(
                        f"The {child.name} process exited with code {child.process.returncode}; "
                        "stopping the others."
                    )
                self._stop(children, signal.SIGTERM)
                names = ", ".join(child.name for child in dead)
                return f"OA Console stopped because a process exited unexpectedly ({names})."
            if not announced and _accepts_connections(addr, port):
                announced = True
                self._say(
                    self.style.SUCCESS(f"OA Console is running at {url}")
                    + "  (web server, Celery worker and beat; press Ctrl-C to stop)"
                )
            time.sleep(POLL_SECONDS)
        self._say("Stopping OA Console…")
        if self._stop(children, self._stop_signal):
            return None
        return "OA Console did not stop in time; the remaining processes were killed."

    def _stop(self, children: list[Child], signum: int) -> bool:
        """Signal every running child once, wait, then kill stragglers. True if all stopped in time."""
        for child in children:
            child.send(signum)
        if self._wait_all(children, STOP_GRACE_SECONDS):
            return True
        for child in children:
            if child.running:
                self.stderr.write(f"The {child.name} process did not stop in time; killing it.")
                child.kill_group()
        self._wait_all(children, KILL_GRACE_SECONDS)
        return False

    def _wait_all(self, children: list[Child], timeout: float) -> bool:
        """Wait until every child has exited; give up at the timeout or on a forced stop."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self._force_stop:
            if not any(child.running for child in children):
                return True
            time.sleep(POLL_SECONDS)
        return not any(child.running for child in children)


def _accepts_connections(addr: str, port: int) -> bool:
    host = "127.0.0.1" if addr == "0.0.0.0" else addr.strip("[]")
    try:
        with socket.create_connection((host, port), timeout=POLL_SECONDS):
            return True
    except OSError:
        return False


def _local_url(addr: str, port: int) -> str:
    """The console's address for a browser on this machine (0.0.0.0 listens everywhere)."""
    return f"http://{'127.0.0.1' if addr == '0.0.0.0' else addr}:{port}/"
