"""What the mail tests share: the `guildhall` command line on a data folder of its own, the test
SMTP server (tests/servers/smtp_server.py) in a process of its own, the test IMAP server
(tests/servers/imap_server.py: Dovecot), calendars and member files written for a test, and
readers for what arrives (Python's email package, Python icalendar, Mozilla ical.js under Node)."""

from __future__ import annotations

import asyncio
import csv
import email
import email.policy
import json
import os
import re
import select
import socket
import sqlite3
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEBUG_BIN = ROOT / "target" / "debug" / "guildhall"
SERVER = ROOT / "tests" / "servers" / "smtp_server.py"
READ_ITIP = ROOT / "tests" / "interop" / "js" / "read_itip.mjs"

sys.path.insert(0, str(ROOT / "tests" / "servers"))
from imap_server import ImapServer, Message  # noqa: E402  (the path above first)

SENDER_NAME = "Rust Group"
SENDER = "group@example.org"
FROM = f"{SENDER_NAME} <{SENDER}>"

# How long a process of a test may take to become ready at most; a guard against hanging, never
# a measure of speed.
READY_WITHIN = 60


# ---- the test SMTP server --------------------------------------------------------------------


@dataclass
class Stored:
    """One message as the server stored it."""

    n: int
    mail_from: str
    rcpt_to: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return parse(self.raw)


class SmtpServer:
    """tests/servers/smtp_server.py on a free port of 127.0.0.1, writing to `out`."""

    def __init__(self, out: Path, *extra: str):
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        self.log = (out.parent / f"{out.name}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, str(SERVER), "--port", "0", "--out", str(out), *extra],
            stdout=subprocess.PIPE,
            stderr=self.log,
            cwd=ROOT,
        )
        ready, _, _ = select.select([self.process.stdout], [], [], READY_WITHIN)
        line = self.process.stdout.readline().decode() if ready else ""
        if not line.startswith("READY "):
            self.stop()
            raise RuntimeError(f"the SMTP server did not start: {line!r}, see {self.log.name}")
        self.port = int(line.split()[1])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.log.close()

    def count(self) -> int:
        """How many messages are stored (each .eml is renamed into place whole)."""
        return sum(1 for _ in self.out.glob("*.eml"))

    def messages(self) -> list[Stored]:
        found = []
        for eml in self.out.glob("*.eml"):
            n = int(eml.stem)
            meta = json.loads((self.out / f"{n}.json").read_text())
            found.append(Stored(n, meta["from"], meta["to"], eml.read_bytes()))
        return sorted(found, key=lambda s: s.n)

    def messages_to(self, address: str) -> list[Stored]:
        return [m for m in self.messages() if address in m.rcpt_to]


class AcceptingServer:
    """An SMTP server (aiosmtpd) in a thread of the test that accepts every message: the
    recipient's server once its trouble is over."""

    def __init__(self):
        from aiosmtpd.smtp import SMTP

        self.received: list[Stored] = []
        handler = self

        self.loop = asyncio.new_event_loop()
        started = threading.Event()

        def serve():
            asyncio.set_event_loop(self.loop)
            self.server = self.loop.run_until_complete(
                self.loop.create_server(lambda: SMTP(handler), host="127.0.0.1", port=0)
            )
            self.port = self.server.sockets[0].getsockname()[1]
            started.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()
        if not started.wait(READY_WITHIN):
            raise RuntimeError("the accepting SMTP server did not start")

    async def handle_DATA(self, server, session, envelope):
        self.received.append(
            Stored(len(self.received) + 1, envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 2.0.0 Ok"

    def stop(self) -> None:
        async def close():
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)


def closed_port() -> int:
    """A port of 127.0.0.1 nobody listens on (it was free a moment ago)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- the command line ------------------------------------------------------------------------


@dataclass
class Result:
    args: list[str]
    code: int
    out: str
    err: str

    def __str__(self) -> str:
        return f"guildhall {' '.join(self.args)} -> exit {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}"


@dataclass
class Queued:
    mails: int
    people: int
    what: str
    left_out: dict[str, int]


@dataclass
class Status:
    counts: dict[str, int]
    # Per mail: (status, id, recipient, "subject: error").
    problems: list[tuple[str, str, str, str]] = field(default_factory=list)

    def problem_for(self, recipient: str) -> tuple[str, str, str, str]:
        (found,) = [p for p in self.problems if p[2] == recipient]
        return found


STATES = ["queued", "sending", "retry", "sent", "failed", "unknown", "cancelled"]
QUEUED = re.compile(r"queued (\d+) mails to (\d+) people \((\w+)\)")
LEFT_OUT = re.compile(r"left out: (\d+) \((.+)\)")
PROBLEM = re.compile(r"(retry|failed|unknown) (out_\S+) (\S+) (.+)")


def parse_queued(out: str) -> Queued:
    lines = out.splitlines()
    m = QUEUED.fullmatch(lines[0])
    assert m, out
    left = {}
    for line in lines[1:]:
        lm = LEFT_OUT.fullmatch(line)
        assert lm, f"not a `left out` line: {line!r}"
        left[lm.group(2)] = int(lm.group(1))
    return Queued(int(m.group(1)), int(m.group(2)), m.group(3), left)


def parse_status(out: str) -> Status:
    lines = out.splitlines()
    counts = {}
    for state, line in zip(STATES, lines[: len(STATES)]):
        name, _, n = line.partition(" ")
        assert name == state and n.isdigit(), f"expected `{state} N`, got {line!r}\n{out}"
        counts[state] = int(n)
    assert len(counts) == len(STATES), out
    problems = []
    for line in lines[len(STATES) :]:
        m = PROBLEM.fullmatch(line)
        assert m, f"not a problem line: {line!r}"
        problems.append(m.groups())
    return Status(counts, problems)


class Guildhall:
    """The `guildhall` binary on one data folder."""

    def __init__(self, binary: Path, data: Path):
        self.binary = binary
        self.data = data
        self.files = data.parent / "files"
        self.files.mkdir(parents=True, exist_ok=True)

    def command(self, *args: str) -> list[str]:
        return [str(self.binary), "--data-dir", str(self.data), *args]

    def run(self, *args: str, input: str | None = None, expect: int | None = 0, env: dict | None = None) -> Result:
        """Runs a command; `expect` is the exit code it must end with (None: any); `env` adds
        environment variables."""
        environment = {**os.environ, **env} if env else None
        done = subprocess.run(
            self.command(*args), input=input, capture_output=True, text=True, cwd=ROOT, env=environment
        )
        result = Result(list(args), done.returncode, done.stdout, done.stderr)
        if expect is not None:
            assert result.code == expect, str(result)
        return result

    def popen(self, *args: str, stdout, stderr) -> subprocess.Popen:
        return subprocess.Popen(self.command(*args), stdout=stdout, stderr=stderr, cwd=ROOT)

    # -- set-up

    def import_members(self, rows: list[dict], name: str = "members.csv") -> Result:
        """`rows`: dicts with name, email, tags (a list), consent (bool)."""
        path = self.files / name
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["name", "email", "tags", "email_consent"])
            for r in rows:
                w.writerow([r["name"], r["email"], ", ".join(r.get("tags", [])), "yes" if r.get("consent", True) else "no"])
        return self.run("import", "members", str(path))

    def import_calendar(self, text: str, name: str = "workshops.ics") -> Result:
        path = self.files / name
        path.write_bytes(text.encode("utf-8"))
        return self.run("import", "calendar", str(path))

    def use_server(self, port: int, sender: str = FROM) -> Result:
        return self.run("settings", "smtp", "--host", "127.0.0.1", "--port", str(port), "--security", "none", "--from", sender)

    # -- what the database holds (read-only, between commands)

    def query(self, sql: str, *params) -> list[tuple]:
        db = sqlite3.connect(f"file:{self.data / 'guildhall.sqlite3'}?mode=ro", uri=True)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def workshop_id(self, uid: str) -> str:
        """The workshop the VEVENT with this UID was imported as (it is its session's UID)."""
        ((wid,),) = self.query("SELECT DISTINCT workshop_id FROM session WHERE ical_uid = ?", uid)
        return wid

    def sequence(self, workshop_id: str) -> int:
        ((seq,),) = self.query("SELECT ical_sequence FROM workshop WHERE id = ?", workshop_id)
        return seq

    def member_ids(self) -> dict[str, str]:
        return dict(self.query("SELECT email, id FROM member"))

    # -- commands with their output read

    def invite(self, workshop: str, *args: str) -> Queued:
        result = self.run("invite", workshop, *args)
        return parse_queued(result.out)

    def status(self) -> Status:
        return parse_status(self.run("outbox", "status").out)

    def send(self, *args: str, expect: int | None = 0) -> Result:
        return self.run("outbox", "send", *args, expect=expect)


# ---- files -----------------------------------------------------------------------------------


def vevent(
    uid: str,
    start: str,
    end: str,
    summary: str = "Rust workshop",
    tzid: str = "Europe/Berlin",
    location: str = "Kiezhaus, Raum 2",
    extra: tuple[str, ...] = (),
) -> str:
    """A VEVENT; `start`/`end` as 20271110T180000 (wall-clock time in `tzid`)."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART;TZID={tzid}:{start}",
        f"DTEND;TZID={tzid}:{end}",
        f"SUMMARY:{summary}",
        f"LOCATION:{location}",
        *extra,
        "END:VEVENT",
    ]
    return "\r\n".join(lines)


def calendar(*vevents: str) -> str:
    """A VCALENDAR without VTIMEZONE: the TZIDs are IANA names."""
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Guildhall tests//EN", *vevents, "END:VCALENDAR", ""])


# ---- reading what arrived --------------------------------------------------------------------


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def leaves(message: EmailMessage) -> dict[str, EmailMessage]:
    """The leaf parts by content type (each type once in our mails)."""
    found = {}
    for part in message.walk():
        if not part.is_multipart():
            assert part.get_content_type() not in found, part.get_content_type()
            found[part.get_content_type()] = part
    return found


def calendar_bytes(raw: bytes) -> bytes:
    return leaves(parse(raw))["text/calendar"].get_payload(decode=True)


def icaljs(ics: bytes, scratch: Path, n: int = 50) -> dict:
    """What Mozilla ical.js reads in an iTIP calendar (tests/interop/js/read_itip.mjs)."""
    scratch.mkdir(parents=True, exist_ok=True)
    path = scratch / f"itip-{len(list(scratch.iterdir()))}.ics"
    path.write_bytes(ics)
    out = subprocess.run(["node", str(READ_ITIP), str(path), str(n)], check=True, capture_output=True, cwd=ROOT)
    return json.loads(out.stdout)
