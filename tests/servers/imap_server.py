"""A real IMAP server for Guildhall's tests: Debian's Dovecot (package dovecot-imapd) on
127.0.0.1, in the foreground, with a configuration of its own and one user.

    python tests/servers/imap_server.py --port 0 --user USER --password PASSWORD [--dir DIR]
        [--tls-cert CERT --tls-key KEY [--implicit-tls]] [--append MAIL ...]

Prints `READY <port>` on stdout once a LOGIN works; stops Dovecot cleanly on SIGTERM or SIGINT.
DIR (a temporary folder when not given, removed after) receives dovecot.conf, dovecot.log and
dovecot.stderr. From Python, use the class instead:

    server = ImapServer(folder, user="organizer@example.org", password="secret")
    server.append(raw)             # -> its UID; server.messages() -> [(uid, flags, raw), ...]
    server.stop()

Plaintext LOGIN and AUTHENTICATE PLAIN/LOGIN without TLS (ssl = no), maildir storage; or, given
a certificate and its key (PEM files), TLS required: STARTTLS before any login, or TLS from the
first byte (--implicit-tls, as on port 993); Dovecot's
own capabilities (IDLE, UIDPLUS, MOVE, CONDSTORE, ...) and keywords (PERMANENTFLAGS has \\*). The
hierarchy separator is "/". The Debian package's own service (port 143, /etc/dovecot) is not used
and need not run: every path and the port are in our configuration.

Where things are, and why not all in `folder`: as root (CI), Dovecot runs its login processes as
`dovenull` and its auth and mail processes as `dovecot`, and those cannot enter pytest's tmp_path
(/tmp/pytest-of-root is 0700). Its sockets' paths must also stay under 108 bytes. So the sockets,
the password file and the Maildir go to a short folder of their own, /tmp/guildhall-imap-*,
owned by `dovecot` and removed by stop() (left behind only by a run that was killed: Dovecot is
not, it is sent SIGTERM when its starter dies); the configuration and the logs (read and written by
Dovecot's root processes) go to `folder`. As any other user, every process runs as that user.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import ctypes
import grp
import imaplib
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterable, NamedTuple

DOVECOT = "/usr/sbin/dovecot"
HOST = "127.0.0.1"

# How long Dovecot may take to accept a LOGIN, and to stop; guards against hanging.
READY_WITHIN = 30
STOP_WITHIN = 15
# What dovecot says on stderr (exiting with 89) when its port is taken: our free one was taken
# since; another is tried, up to BIND_ATTEMPTS times.
ADDRESS_IN_USE = "Address already in use"
BIND_ATTEMPTS = 5

CONFIG = """\
# Written by tests/servers/imap_server.py; nothing here comes from /etc/dovecot.
# Dovecot does not expand environment variables here: every path is absolute.
protocols = imap
listen = {host}
base_dir = {run}
state_dir = {state}
log_path = {log}
auth_verbose = yes

# Who Dovecot's processes run as. As root, imap-login refuses to start unless the login and
# internal users are dovenull and dovecot and first_valid_uid is the mail user's (dovecot's).
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = {uid}

{tls}
auth_mechanisms = plain login

# One user, password and home in one file (user:{{PLAIN.B64}}password:uid:gid::home).
passdb {{
  driver = passwd-file
  args = {passwd}
}}
userdb {{
  driver = passwd-file
  args = {passwd}
}}

mail_location = maildir:~/Maildir
# IDLE hears of new mail through inotify; without it (some sandboxes), within a second anyway.
mailbox_idle_check_interval = 1 secs
namespace inbox {{
  inbox = yes
  separator = /
}}

# No chroot: the Debian default (login/ under base_dir) needs a root-owned tree we do not make.
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {host}
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = {host}
    port = {imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""


# LOGIN in the clear on 127.0.0.1: what most tests use.
PLAIN = """\
ssl = no
disable_plaintext_auth = no"""

# TLS required (no login before it), with the test's own certificate.
TLS = """\
ssl = required
disable_plaintext_auth = yes
ssl_cert = <{cert}
ssl_key = <{key}"""


class Message(NamedTuple):
    """One message as the server holds it."""

    uid: int
    flags: tuple[str, ...]
    raw: bytes


class ImapServer:
    """Dovecot on a free port of 127.0.0.1 (or `port`) with one user, started here and ready
    (a LOGIN worked) when the constructor returns. `folder` receives dovecot.conf, dovecot.log
    and dovecot.stderr. Start it from a thread that outlives it (pytest's main thread): Dovecot
    is sent SIGTERM when that thread ends, so that it never outlives a test run that died."""

    def __init__(
        self,
        folder: Path,
        user: str = "organizer@example.org",
        password: str = "organizer-password",
        port: int = 0,
        tls: tuple[Path, Path] | None = None,
        implicit_tls: bool = False,
    ):
        """`tls`: (certificate, key) PEM files: TLS is required, by STARTTLS or (`implicit_tls`)
        from the first byte."""
        if not os.access(DOVECOT, os.X_OK):
            raise RuntimeError(f"no {DOVECOT}: `make test-system-deps` installs dovecot-imapd")
        if not user or re.search(r"[\s:]", user):
            raise ValueError(f"an IMAP test user without spaces or colons, not {user!r}")
        self.folder = Path(folder).resolve()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.user = user
        self.password = password
        self.tls = tuple(Path(p).resolve() for p in tls) if tls else None
        self.implicit_tls = implicit_tls and self.tls is not None
        self.host = HOST
        self.config = self.folder / "dovecot.conf"
        self.log = self.folder / "dovecot.log"
        self.stderr = self.folder / "dovecot.stderr"
        self.process: subprocess.Popen | None = None

        # The short folder Dovecot's unprivileged processes work in (see the module's docstring).
        self.runtime = Path(tempfile.mkdtemp(prefix="guildhall-imap-"))
        self.home = self.runtime / "home"
        self.maildir = self.home / "Maildir"
        _running.add(self)
        try:
            self._prepare()
            self._start(port)
        except BaseException:
            self.stop()
            raise

    # ---- starting and stopping ---------------------------------------------------------------

    def _prepare(self) -> None:
        """Who Dovecot's processes run as, and the runtime folder they can all enter."""
        if os.geteuid() == 0:
            login_user, mail_user = pwd.getpwnam("dovenull"), pwd.getpwnam("dovecot")
        else:
            login_user = mail_user = pwd.getpwuid(os.geteuid())
        self._ids = (mail_user.pw_uid, mail_user.pw_gid)
        mail_group = grp.getgrgid(mail_user.pw_gid).gr_name
        self._names = (login_user.pw_name, mail_user.pw_name, mail_group)
        # Modes set whatever the umask: the login processes reach their sockets through run/,
        # only the mail user reads the password file and the home.
        modes = {"run": 0o755, "state": 0o755, "home": 0o700}
        for name, mode in modes.items():
            (self.runtime / name).mkdir()
            (self.runtime / name).chmod(mode)
        self.runtime.chmod(0o755)
        passwd = self.runtime / "passwd"
        secret = base64.b64encode(self.password.encode()).decode()
        # Dovecot looks the name up lowercased (auth_username_format = %Lu); the password in
        # base64, so that any character (":" too) may be in it.
        uid, gid = self._ids
        passwd.write_text(f"{self.user.lower()}:{{PLAIN.B64}}{secret}:{uid}:{gid}::{self.home}\n")
        passwd.chmod(0o600)
        if os.geteuid() == 0:
            for path in [self.runtime, *self.runtime.iterdir()]:
                os.chown(path, *self._ids)

    def _start(self, port: int) -> None:
        for _ in range(1 if port else BIND_ATTEMPTS):
            self.port = port or free_port()
            self._write_config()
            self._spawn()
            if self._wait_ready():
                return
            # It bound nothing: the port is taken (our free one went to someone else in between).
        raise RuntimeError(f"Dovecot could not listen on 127.0.0.1:{self.port}\n{self.logs()}")

    def _write_config(self) -> None:
        login_user, internal_user, internal_group = self._names
        self.config.write_text(
            CONFIG.format(
                host=HOST,
                imap_port=0 if self.implicit_tls else self.port,
                imaps_port=self.port if self.implicit_tls else 0,
                tls=TLS.format(cert=self.tls[0], key=self.tls[1]) if self.tls else PLAIN,
                run=self.runtime / "run",
                state=self.runtime / "state",
                log=self.log,
                passwd=self.runtime / "passwd",
                login_user=login_user,
                internal_user=internal_user,
                internal_group=internal_group,
                uid=self._ids[0],
            )
        )

    def _spawn(self) -> None:
        with self.stderr.open("ab") as err:
            # A session of its own: its process group holds Dovecot's every process (stop() ends
            # them all). And it is sent SIGTERM should we die without stopping it.
            self.process = subprocess.Popen(
                [DOVECOT, "-F", "-c", str(self.config)],
                stdin=subprocess.DEVNULL,
                stdout=err,
                stderr=err,
                start_new_session=True,
                preexec_fn=_terminate_with_parent,
            )

    def _wait_ready(self) -> bool:
        """True once a LOGIN works; False when Dovecot exited because the port was taken; raises
        with its logs when it exited for another reason or is not ready in time."""
        deadline = time.monotonic() + READY_WITHIN
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if ADDRESS_IN_USE in self.stderr.read_text(errors="replace"):
                    self.stderr.write_text("")
                    return False
                status = self.process.returncode
                raise RuntimeError(f"Dovecot exited with status {status}\n{self.logs()}")
            try:
                with self._open(timeout=5) as conn:
                    conn.login(self.user, self.password)
                if self.process.poll() is None:
                    return True
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.05)
        raise RuntimeError(f"Dovecot did not accept a LOGIN within {READY_WITHIN} s\n{self.logs()}")

    def stop(self) -> None:
        """Stops Dovecot: SIGTERM to every process of its group, as systemd does (the master alone
        takes a second and leaves a connected client's imap process behind), SIGKILL to what is
        left after STOP_WITHIN; then removes the Maildir. Does nothing the second time."""
        _running.discard(self)
        if self.process is not None:
            self._signal_group(signal.SIGTERM)
            if not self._group_ended(STOP_WITHIN):
                self._signal_group(signal.SIGKILL)
                if not self._group_ended(STOP_WITHIN):
                    raise RuntimeError(f"Dovecot's processes {self.processes()} outlived SIGKILL")
        shutil.rmtree(self.runtime, ignore_errors=True)

    def _signal_group(self, sig: signal.Signals) -> None:
        # The master's pid is the group's id (start_new_session): the whole group while the
        # master runs; once it is gone, each process still in that group.
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
        else:
            for pid in self.processes():
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass

    def _group_ended(self, within: float) -> bool:
        """Whether the master (reaped here) and every other process of its group are gone."""
        deadline = time.monotonic() + within
        while self.process.poll() is None or self.processes():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def processes(self) -> list[int]:
        """The live processes (zombies aside) of Dovecot's process group: the master and its
        children while running, none once stopped."""
        if self.process is None:
            return []
        pgid = self.process.pid
        found = []
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
            state, _ppid, pgrp = stat[stat.rindex(")") + 2 :].split()[:3]
            if int(pgrp) == pgid and state != "Z":
                found.append(int(entry.name))
        return found

    def logs(self) -> str:
        """What Dovecot wrote on stderr and in its log, for error messages."""
        parts = []
        for path in (self.stderr, self.log):
            text = path.read_text(errors="replace") if path.exists() else ""
            parts.append(f"--- {path}:\n{text[-4000:]}")
        return "\n".join(parts)

    def __enter__(self) -> ImapServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- what the tests do through IMAP ------------------------------------------------------

    def connect(self) -> imaplib.IMAP4:
        """A new connection, logged in (`with server.connect() as imap:` logs out after)."""
        conn = self._open(timeout=30)
        try:
            conn.login(self.user, self.password)
        except BaseException:
            conn.shutdown()
            raise
        return conn

    def _open(self, timeout: float) -> imaplib.IMAP4:
        """A connection, over TLS when the server requires it (its certificate is our own test
        one: not verified here; the client under test is the one that must verify it)."""
        if not self.tls:
            return imaplib.IMAP4(HOST, self.port, timeout=timeout)
        context = ssl.create_default_context(cafile=str(self.tls[0]))
        context.check_hostname = False
        if self.implicit_tls:
            return imaplib.IMAP4_SSL(HOST, self.port, ssl_context=context, timeout=timeout)
        conn = imaplib.IMAP4(HOST, self.port, timeout=timeout)
        conn.starttls(ssl_context=context)
        return conn

    def create(self, mailbox: str) -> None:
        """Creates the mailbox (ASCII names; "/" separates levels); nothing if it exists."""
        with self.connect() as conn:
            typ, data = conn.create(quote(mailbox))
            if typ != "OK" and b"[ALREADYEXISTS]" not in data[0]:
                raise imaplib.IMAP4.error(f"CREATE {mailbox}: {data}")

    def append(self, raw: bytes, mailbox: str = "INBOX", flags: Iterable[str] = ()) -> int:
        """Stores a message with these flags (e.g. "\\\\Seen", "$GuildhallApplied"), creating the
        mailbox if needed, and returns its UID. imaplib turns bare LF into CRLF, as IMAP has it:
        give CRLF line ends to get the very bytes back from messages()."""
        flag_list = f"({' '.join(flags)})" if flags else None
        with self.connect() as conn:
            typ, data = conn.append(quote(mailbox), flag_list, None, raw)
            if typ != "OK" and b"[TRYCREATE]" in data[0]:
                self.create(mailbox)
                typ, data = conn.append(quote(mailbox), flag_list, None, raw)
            if typ != "OK":
                raise imaplib.IMAP4.error(f"APPEND to {mailbox}: {data}")
        found = re.search(rb"\[APPENDUID \d+ (\d+)\]", data[0])
        return int(found.group(1))

    def messages(self, mailbox: str = "INBOX") -> list[Message]:
        """Every message of the mailbox, by UID: (uid, flags, raw bytes), flags as stored (not
        \\Recent). Reads without marking anything \\Seen (EXAMINE, BODY.PEEK)."""
        with self.connect() as conn:
            typ, data = conn.select(quote(mailbox), readonly=True)
            if typ != "OK":
                raise imaplib.IMAP4.error(f"EXAMINE {mailbox}: {data}")
            if int(data[0]) == 0:
                return []
            typ, data = conn.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")
            if typ != "OK":
                raise imaplib.IMAP4.error(f"FETCH in {mailbox}: {data}")
        found = []
        # imaplib gives each message as (b'n (UID u FLAGS (...) BODY[] {size}', raw), b')', the
        # items after the literal (none, with Dovecot) in that b')'.
        for i, item in enumerate(data):
            if not isinstance(item, tuple):
                continue
            after = data[i + 1] if i + 1 < len(data) and isinstance(data[i + 1], bytes) else b""
            head = item[0] + b" " + after
            uid = re.search(rb"\bUID (\d+)", head)
            flags = re.search(rb"\bFLAGS \(([^)]*)\)", head).group(1).decode().split()
            # \Recent says this session is the first to see it: not a flag anyone can store.
            flags = tuple(f for f in flags if f != "\\Recent")
            found.append(Message(int(uid.group(1)), flags, item[1]))
        return sorted(found)


def quote(mailbox: str) -> str:
    """A mailbox name as an IMAP quoted string (imaplib sends arguments as they are)."""
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def free_port() -> int:
    """A port of 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _terminate_with_parent() -> None:
    """In the child before exec: SIGTERM when the thread that started it ends (Linux's
    PR_SET_PDEATHSIG; Dovecot's other processes end with its master)."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


# Servers not stopped yet, stopped when the interpreter exits.
_running: set[ImapServer] = set()


@atexit.register
def _stop_all() -> None:
    for server in list(_running):
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--user", default="organizer@example.org")
    parser.add_argument("--password", default="organizer-password")
    parser.add_argument("--dir", help="for dovecot.conf and the logs (default: a temporary folder)")
    parser.add_argument("--tls-cert", help="PEM certificate: TLS required (STARTTLS)")
    parser.add_argument("--tls-key", help="PEM key of --tls-cert")
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte")
    parser.add_argument("--append", nargs="*", default=[], help="mails put in INBOX before READY")
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    tls = (Path(args.tls_cert), Path(args.tls_key)) if args.tls_cert else None

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with tempfile.TemporaryDirectory(prefix="guildhall-imap-cli-") as scratch:
        folder = Path(args.dir or scratch)
        with ImapServer(
            folder, args.user, args.password, args.port, tls=tls, implicit_tls=args.implicit_tls
        ) as server:
            for mail in args.append:
                server.append(Path(mail).read_bytes())
            print(f"READY {server.port}", flush=True)
            while not stop.wait(1):
                if server.process.poll() is not None:
                    status = server.process.returncode
                    sys.exit(f"Dovecot exited with status {status}\n{server.logs()}")


if __name__ == "__main__":
    main()
    sys.exit(0)
