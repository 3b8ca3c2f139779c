"""CI's newcomer smoke: the README's ``make run`` on a clean clone, used as a newcomer would.

1. ``git clone`` the commit under test into a fresh temporary folder with nothing beside it.
2. ``make run PORT=<free port>`` there, exactly as the README documents it: no environment of
   the project's own (no DATABASE_URL, CELERY_BROKER_URL, REDIS_URL...), so SQLite and the
   embedded broker; in its own process group. Wait for the URL (the first start installs the
   virtualenv, migrates and loads the demo: minutes).
3. Log in as each demo login and open every page its navigation offers (the links of the
   rendered ``<nav>`` landmarks, followed from page to page, not a list kept here): any 5xx
   fails, and so does any 4xx on a page the login's own navigation offers. Pages only other
   logins see are opened too, where 403 and 404 are the expected answers.
4. Send one demo broadcast now, as the marketer and the admin would (draft, review, approval,
   schedule "now" through the console's API), and wait for it to be sent to the simulated LINE
   (``broadcasts/simulated_line.py``): every batch accepted with the simulator's request id,
   and the simulator's send endpoint answered in the console's request log.
5. SIGINT to the console (``runconsole``, the process ``make run`` runs): ``make run`` exits 0
   and no process is left whose working directory or command line is in the clone.
6. ``make run`` again on the same folder: it must answer the URL within 5 seconds. Stopped as
   a terminal's Ctrl-C would (SIGINT to the whole process group): the console stops cleanly and
   nothing is left (GNU make itself then ends by the signal, as it does on any Ctrl-C).

Stdlib only; run with any Python 3.11 (.ci/run uses the project's .venv). Exit status 0 when
every step passed; each step prints one line and its duration.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "demo-password-2026"  # README: every demo login uses it
LOGINS = (
    "owner@demo.example",
    "admin@demo.example",
    "marketer@demo.example",
    "viewer@demo.example",
    "client@demo.example",
    "agent@demo.example",
)
FIRST_START_TIMEOUT = 20 * 60  # venv install, migrations and the demo on 2 busy cores
RESTART_LIMIT = 5.0  # seconds from `make run` to the first answer on a folder already set up
SEND_TIMEOUT = 180
STOP_TIMEOUT = 60
# What a newcomer's shell may carry into `make run`: nothing of the project's own settings.
KEPT_ENV = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TERM", "TMPDIR")
KEPT_ENV_PREFIXES = ("UV_CACHE", "XDG_", "PIP_INDEX", "PIP_EXTRA", "SSL_CERT", "REQUESTS_CA")
SIMULATED_SEND = re.compile(
    r'"method": "POST", "path": "/simulated-line/v2/bot/message/'
    r'(?:push|multicast|broadcast|narrowcast)", "status": 20[02]'
)


class SmokeFailure(Exception):
    pass


def say(message: str) -> None:
    print(message, flush=True)


@contextmanager
def step(name: str) -> Iterator[None]:
    say(f"==> smoke: {name}")
    started = time.monotonic()
    try:
        yield
    except Exception:
        say(f"    FAILED after {time.monotonic() - started:.1f} s: {name}")
        raise
    say(f"    ok in {time.monotonic() - started:.1f} s: {name}")


# -- the console process ----------------------------------------------------------------------


def newcomer_env() -> dict[str, str]:
    env = {name: os.environ[name] for name in KEPT_ENV if name in os.environ}
    env.update(
        (name, value)
        for name, value in os.environ.items()
        if name.startswith(KEPT_ENV_PREFIXES) or name.lower().endswith("_proxy")
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Console:
    folder: Path
    port: int
    log_path: Path
    process: subprocess.Popen | None = None
    started_at: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(
            ["make", "run", f"PORT={self.port}"],
            cwd=self.folder,
            env=newcomer_env(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, like a terminal's foreground job
        )
        log.close()

    def wait_for_url(self, timeout: float) -> float:
        """Seconds from start until the URL answered (any HTTP status below 500)."""
        deadline = self.started_at + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SmokeFailure(
                    f"make run exited with {self.process.returncode} before answering"
                )
            try:
                with urllib.request.urlopen(self.url, timeout=30) as response:
                    if response.status < 500:
                        return time.monotonic() - self.started_at
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    return time.monotonic() - self.started_at
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.05)
        raise SmokeFailure(f"{self.url} did not answer within {timeout:.0f} s")

    def supervisor_pid(self) -> int:
        """The runconsole process `make run` started (its recipe execs it)."""
        for _ in range(50):
            children = subprocess.run(
                ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
            ).stdout.split()
            if children:
                return int(children[0])
            time.sleep(0.1)
        raise SmokeFailure("make run has no child process")

    def wait_exit(self) -> int:
        try:
            return self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            raise SmokeFailure(f"make run did not stop within {STOP_TIMEOUT} s") from exc

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill_everything(self) -> None:
        """Last resort when the smoke fails midway: nothing of this clone may outlive it."""
        if self.process is not None and self.process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        for pid, _where in processes_in(self.folder):
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def processes_in(folder: Path) -> list[tuple[int, str]]:
    """Processes whose working directory or command line is inside ``folder``."""
    found, prefix = [], str(folder)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cwd == prefix or cwd.startswith(prefix + "/"):
            found.append((int(entry.name), f"cwd {cwd}: {cmdline.strip()}"))
        elif prefix in cmdline:
            found.append((int(entry.name), cmdline.strip()))
    return found


def expect_nothing_left(folder: Path) -> None:
    deadline = time.monotonic() + 10  # a just-reaped pool process may linger for a moment
    while (left := processes_in(folder)) and time.monotonic() < deadline:
        time.sleep(0.2)
    if left:
        raise SmokeFailure("processes left behind:\n" + "\n".join(f"  {p}: {w}" for p, w in left))


# -- a browser's worth of HTTP ----------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    """One login's cookies; follows redirects itself so every hop's status is seen."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def csrf(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def request(
        self, method: str, path: str, *, form: dict | None = None, data: object = None
    ) -> tuple[int, str, str]:
        """(status, final path, body) after following redirects."""
        url = urllib.parse.urljoin(self.base + "/", path)
        for _ in range(10):
            body, headers = None, {"Accept-Language": "en"}
            if form is not None:
                body = urllib.parse.urlencode(form, doseq=True).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            elif data is not None:
                body = json.dumps(data).encode()
                headers["Content-Type"] = "application/json"
            if method != "GET":
                headers["X-CSRFToken"] = self.csrf()
                headers["Referer"] = self.base + "/"
            request = urllib.request.Request(url, data=body, method=method, headers=headers)
            try:
                with self.opener.open(request, timeout=120) as response:
                    status, text = response.status, response.read().decode(errors="replace")
                    location = None
            except urllib.error.HTTPError as exc:
                status, text = exc.code, exc.read().decode(errors="replace")
                location = exc.headers.get("Location") if 300 <= exc.code < 400 else None
            if location is None:
                return status, urllib.parse.urlsplit(url).path, text
            url, method, form, data = urllib.parse.urljoin(url, location), "GET", None, None
        raise SmokeFailure(f"too many redirects from {path}")

    def api(self, method: str, path: str, data: object = None) -> dict:
        status, _final, text = self.request(method, path, data=data)
        if status >= 300:
            raise SmokeFailure(f"{method} {path} answered {status}: {text[:400]}")
        return json.loads(text) if text else {}


class PageParser(HTMLParser):
    """The links inside ``<nav>`` landmarks (not pagination) and the forms of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.navs: list[bool] = []  # the open <nav> elements: True unless pagination
        self.nav_links: list[str] = []
        self.links: list[str] = []  # every link of the page
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "nav":
            self.navs.append("pagination" not in (a.get("class") or ""))
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
            if any(self.navs):
                self.nav_links.append(a["href"])
        elif tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}, "checkboxes": []})
        elif self.forms and tag == "input" and a.get("name"):
            kind, fields = (a.get("type") or "text").lower(), self.forms[-1]["fields"]
            if kind == "checkbox":
                self.forms[-1]["checkboxes"].append(a["name"])
                if "checked" in a:
                    fields[a["name"]] = a.get("value") or "on"
            elif kind not in ("submit", "button", "file", "radio") or "checked" in a:
                fields[a["name"]] = a.get("value") or ""
        elif self.forms and tag == "select":
            self._select = a.get("name")
        elif self.forms and tag == "option" and self._select and "selected" in a:
            self.forms[-1]["fields"][self._select] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self.navs:
            self.navs.pop()
        elif tag == "select":
            self._select = None


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def login(base: str, email: str) -> Session:
    session = Session(base)
    status, path, html = session.request("GET", "/")  # a visitor is sent to the login page
    form = next((f for f in parse(html).forms if "password" in f["fields"]), None)
    if status != 200 or form is None:
        raise SmokeFailure(f"/ led to no login form ({status} at {path})")
    fields = {**form["fields"], "password": PASSWORD}
    user_field = next(name for name in fields if name in ("username", "email", "login"))
    fields[user_field] = email
    status, after, html = session.request("POST", form["action"] or path, form=fields)
    if status != 200 or after == path or email not in html:
        raise SmokeFailure(f"{email} could not log in (status {status}, at {path})")
    return session


@dataclass
class Tour:
    email: str
    own: dict[str, int] = field(default_factory=dict)  # path -> final status
    first_url: dict[str, str] = field(default_factory=dict)  # path -> the URL opened


def tour(session: Session, email: str, failures: list[str]) -> Tour:
    """Every page reachable through the navigation landmarks, each path opened once. The page a
    login lands on counts as navigation as a whole: with several workspaces it is the workspace
    picker, whose choices are its content."""
    result = Tour(email)
    queue = ["/"]
    while queue:
        url = queue.pop(0)
        path = urllib.parse.urlsplit(url).path
        if path in result.own:
            continue
        status, _final, html = session.request("GET", url)
        result.own[path], result.first_url[path] = status, url
        if status >= 400:
            failures.append(f"{email}: {url} answered {status} (offered by its navigation)")
            continue
        page = parse(html)
        for href in page.links if url == "/" else page.nav_links:
            target = urllib.parse.urlsplit(urllib.parse.urljoin(url, href))
            if target.netloc and target.netloc != urllib.parse.urlsplit(session.base).netloc:
                continue
            if target.path and target.path not in result.own:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return result


def others_pages(
    session: Session, tours: list[Tour], mine: Tour, failures: list[str]
) -> dict[int, int]:
    """Pages only other logins' navigation offers: 403/404 (or a page) expected, never 5xx.
    Returns how many answered each status."""
    opened: dict[int, int] = {}
    seen = set(mine.own)
    for other in tours:
        for path, url in other.first_url.items():
            if path in seen:
                continue
            seen.add(path)
            status, _final, _html = session.request("GET", url)
            opened[status] = opened.get(status, 0) + 1
            if status == 200:  # not offered, yet it opens: worth a look, not a failure
                say(f"    opens though {mine.email}'s navigation does not offer it: {url}")
            if status >= 500 or (400 <= status < 500 and status not in (403, 404)):
                failures.append(f"{mine.email}: {url} (another login's page) answered {status}")
    return opened


# -- sending ------------------------------------------------------------------------------------


def open_sending_rules(admin: Session, workspace: str, oa: str) -> None:
    """The admin turns the demo OA's frequency cap and quiet hours off (the broadcasts' settings
    page), so a send now reaches every friend at whatever hour CI runs."""
    path = f"/w/{workspace}/oa/{oa}/broadcasts/settings/"
    status, _final, html = admin.request("GET", path)
    form = next((f for f in parse(html).forms if "quiet_start" in f["fields"]), None)
    if status != 200 or form is None:
        raise SmokeFailure(f"no sending rules form at {path} ({status})")
    fields = {k: v for k, v in form["fields"].items() if k not in ("cap_enabled", "quiet_enabled")}
    status, final, html = admin.request("POST", form["action"] or path, form=fields)
    if status != 200 or "errorlist" in html or 'aria-invalid="true"' in html:
        raise SmokeFailure(f"the sending rules were not saved ({status} at {final})")


def send_demo_broadcast(marketer: Session, admin: Session, console: Console) -> str:
    account = marketer.api("GET", "/api/v1/accounts/")["results"][0]
    account_id, workspace, oa = account["id"], account["workspace"], account["slug"]
    open_sending_rules(admin, workspace, oa)
    base = f"/api/v1/accounts/{account_id}/broadcasts/"
    draft = marketer.api(
        "POST",
        base,
        {
            "name": "CI smoke: thank you",
            "messages": [{"type": "text", "text": "Thank you for being our friend!"}],
            "audience": {"all": True},
        },
    )
    broadcast = f"{base}{draft['id']}/"
    marketer.api("POST", broadcast + "submit/")
    admin.api("POST", broadcast + "approve/", {})
    log_before = len(console.log())
    marketer.api("POST", broadcast + "schedule/", {"send_at": None})
    deadline, detail = time.monotonic() + SEND_TIMEOUT, {}
    while time.monotonic() < deadline:
        detail = marketer.api("GET", broadcast)
        if detail["status"] in ("sent", "failed", "partially_failed", "cancelled"):
            break
        time.sleep(1)
    if detail.get("status") != "sent":
        raise SmokeFailure(
            f"broadcast {draft['id']} is {detail.get('status')!r}, not sent, after "
            f"{SEND_TIMEOUT} s: {json.dumps(detail)[:600]}"
        )
    rows = marketer.api("GET", broadcast + "batches/?page_size=500")["results"]
    if not rows or any(b["status"] != "accepted" or not b.get("request_id") for b in rows):
        raise SmokeFailure(f"batches not all accepted with a request id: {json.dumps(rows)[:600]}")
    sends = SIMULATED_SEND.findall(console.log()[log_before:])
    if not sends:
        raise SmokeFailure("the simulated LINE logged no accepted send for the broadcast")
    return (
        f"broadcast {draft['id']} to {oa} sent by {detail.get('method')}: "
        f"{len(rows)} batches accepted, {len(sends)} simulated LINE calls logged"
    )


# -- the run ------------------------------------------------------------------------------------


def clone(commit: str, parent: Path) -> Path:
    folder = parent / "oa-console"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(REPO), str(folder)], check=True)
    subprocess.run(["git", "-C", str(folder), "checkout", "--quiet", commit], check=True)
    if sorted(p.name for p in parent.iterdir()) != ["oa-console"]:
        raise SmokeFailure(f"{parent} holds more than the clone")
    return folder


def run(keep: bool, folder: Path | None = None) -> int:
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    reuse = folder is not None
    parent = folder.parent if reuse else Path(tempfile.mkdtemp(prefix="oa-console-newcomer-"))
    logs = Path(tempfile.mkdtemp(prefix="oa-console-newcomer-logs-"))
    console: Console | None = None
    failures: list[str] = []
    try:
        if reuse:
            with step(f"check out {commit[:12]} in the existing clone {folder}"):
                git = ["git", "-C", str(folder)]
                subprocess.run([*git, "fetch", "--quiet", str(REPO), commit], check=True)
                subprocess.run([*git, "checkout", "--quiet", commit], check=True)
        else:
            with step(f"clone {commit[:12]} into {parent} (nothing beside it)"):
                folder = clone(commit, parent)
        console = Console(folder, free_port(), logs / "make-run.log")

        with step(f"make run PORT={console.port} (first start: venv, migrations, demo)"):
            console.start()
            took = console.wait_for_url(FIRST_START_TIMEOUT)
            say(f"    {console.url} answered {took:.1f} s after make run started")

        tours: list[Tour] = []
        sessions: dict[str, Session] = {}
        for email in LOGINS:
            with step(f"log in as {email} and open every page its navigation offers"):
                sessions[email] = login(console.url, email)
                tours.append(tour(sessions[email], email, failures))
                statuses = sorted(set(tours[-1].own.values()))
                say(f"    {len(tours[-1].own)} pages, statuses {statuses}")
        for mine in tours:
            with step(f"{mine.email}: pages only other logins' navigation offers"):
                answers = others_pages(sessions[mine.email], tours, mine, failures)
                say(f"    {sum(answers.values())} pages opened, by status: {answers}")

        with step("send a demo broadcast now and see it reach the simulated LINE"):
            say("    " + send_demo_broadcast(sessions[LOGINS[2]], sessions[LOGINS[1]], console))

        with step("SIGINT to the console: make run exits 0, nothing left"):
            os.kill(console.supervisor_pid(), signal.SIGINT)
            status = console.wait_exit()
            if status != 0:
                raise SmokeFailure(f"make run exited with {status} after SIGINT")
            if "OA Console stopped." not in console.log():
                raise SmokeFailure("the console did not say it stopped")
            expect_nothing_left(folder)

        with step(f"make run again on the same folder answers within {RESTART_LIMIT:.0f} s"):
            log_before = len(console.log())
            console.start()
            took = console.wait_for_url(60)
            load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
            say(f"    RESTART: {console.url} answered {took:.2f} s after make run started")
            say(f"    (load average {load} on {os.cpu_count()} CPUs)")
            if took > RESTART_LIMIT:
                failures.append(
                    f"the restart answered after {took:.2f} s (limit {RESTART_LIMIT} s)"
                )

        with step("Ctrl-C (SIGINT to the process group): the console stops, nothing left"):
            console.supervisor_pid()
            os.killpg(console.process.pid, signal.SIGINT)
            status = console.wait_exit()
            tail = console.log()[log_before:]
            if status not in (0, -signal.SIGINT) or "OA Console stopped." not in tail:
                raise SmokeFailure(f"make run ended with {status} without a clean stop")
            expect_nothing_left(folder)
    except (SmokeFailure, subprocess.CalledProcessError, OSError, KeyError, ValueError) as exc:
        failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        if console is not None:
            console.kill_everything()
        if failures and console is not None and console.log_path.exists():
            say("---- last lines of make run's output ----")
            say("\n".join(console.log().splitlines()[-60:]))
        if not keep and not reuse:
            shutil.rmtree(parent, ignore_errors=True)
            shutil.rmtree(logs, ignore_errors=True)
    if failures:
        say(f"newcomer smoke FAILED ({len(failures)}):")
        for failure in failures:
            say(f"  - {failure}")
        return 1
    say("newcomer smoke passed")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--keep", action="store_true", help="keep the clone and the log")
    parser.add_argument(
        "--folder",
        type=Path,
        help="a clone kept by --keep: check the commit out there and run from step 2 (its first "
        "start is then a restart; for working on this script, not for CI)",
    )
    options = parser.parse_args()
    sys.exit(run(keep=options.keep, folder=options.folder))


if __name__ == "__main__":
    main()
