"""The test IMAP server itself (tests/servers/imap_server.py, Dovecot): what the IMAP tests rely
on works, through imaplib, and stopping it leaves nothing running."""

import imaplib
import os
import re
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from mailkit import READY_WITHIN, ROOT, ImapServer

KEYWORD = "$GuildhallApplied"


def mail(subject: str, body: str = "Hello.") -> bytes:
    """A small message with CRLF line ends, as IMAP keeps it."""
    return (
        f"From: Ada <ada@example.org>\r\nTo: organizer@example.org\r\nSubject: {subject}\r\n"
        f"Message-ID: <{subject.replace(' ', '-')}@example.org>\r\n\r\n{body}\r\n"
    ).encode()


def refused(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_it_logs_in_and_offers_what_the_client_needs(imap):
    with imap.connect() as conn:
        typ, data = conn.capability()
        assert typ == "OK"
        capabilities = data[0].decode().upper().split()
        for needed in ("IMAP4REV1", "IDLE", "UIDPLUS", "MOVE"):
            assert needed in capabilities, capabilities
    with imaplib.IMAP4("127.0.0.1", imap.port) as conn:
        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            conn.login(imap.user, "not the password")


def test_an_appended_message_is_listed_with_its_bytes(imap):
    raw = mail("Réponse: Rust Group", "Zürich, 19:00 — fine.\r\n" + "x" * 900)
    uid = imap.append(raw)
    second = imap.append(mail("second"), flags=["\\Seen"])
    assert second > uid

    (first, other) = imap.messages()
    assert (first.uid, first.flags, first.raw) == (uid, (), raw)
    assert (other.uid, other.flags) == (second, ("\\Seen",))
    # Another mailbox is created on the way; INBOX is not touched by it.
    archived = imap.append(mail("old"), mailbox="Archive/2024")
    assert [(m.uid, m.raw) for m in imap.messages("Archive/2024")] == [(archived, mail("old"))]
    assert len(imap.messages()) == 2


def test_a_keyword_set_with_store_stays(imap):
    uid = imap.append(mail("reply"))
    with imap.connect() as conn:
        typ, _ = conn.select("INBOX")
        assert typ == "OK"
        (permanent,) = conn.response("PERMANENTFLAGS")[1]
        assert b"\\*" in permanent.split(b"(")[1], permanent  # any keyword may be stored
        typ, data = conn.uid("STORE", str(uid), "+FLAGS.SILENT", f"({KEYWORD})")
        assert typ == "OK", data
    # A new session (here: messages()) sees it, and it is not \Seen by it.
    (stored,) = imap.messages()
    assert stored.flags == (KEYWORD,)
    with imap.connect() as conn:
        conn.select("INBOX", readonly=True)
        typ, data = conn.uid("SEARCH", "KEYWORD", KEYWORD)
        assert typ == "OK" and data[0].split() == [str(uid).encode()]


def test_uid_search_unseen_finds_what_was_not_read(imap):
    unread = imap.append(mail("unread"))
    imap.append(mail("read"), flags=["\\Seen"])
    later = imap.append(mail("unread later"))
    with imap.connect() as conn:
        conn.select("INBOX")
        typ, data = conn.uid("SEARCH", "UNSEEN")
        assert typ == "OK"
        assert [int(u) for u in data[0].split()] == [unread, later]
        # Reading the body (not PEEK) marks it \Seen.
        conn.uid("FETCH", str(unread), "(BODY[])")
        typ, data = conn.uid("SEARCH", "UNSEEN")
        assert [int(u) for u in data[0].split()] == [later]


def test_uid_move_answers_with_the_new_uid(imap):
    uid = imap.append(mail("to file"))
    imap.create("Guildhall")
    with imap.connect() as conn:
        conn.select("INBOX")
        typ, data = conn.uid("MOVE", str(uid), "Guildhall")
        assert typ == "OK", data
        # UIDPLUS: [COPYUID validity old-uids new-uids], before the tagged OK.
        (copyuid,) = conn.response("COPYUID")[1]
        _validity, old, new = copyuid.split()
        assert int(old) == uid
    assert imap.messages() == []
    (moved,) = imap.messages("Guildhall")
    assert (moved.uid, moved.raw) == (int(new), mail("to file"))


def test_idle_hears_of_new_mail(imap):
    imap.append(mail("first"))
    with imap.connect() as conn:
        conn.select("INBOX")
        conn.sock.settimeout(15)
        conn.send(b"idle1 IDLE\r\n")
        assert conn.readline().startswith(b"+ "), "IDLE was not accepted"
        imap.append(mail("second"))  # through another connection
        lines = [conn.readline()]
        while not re.match(rb"\* \d+ EXISTS", lines[-1]):
            lines.append(conn.readline())
        assert lines[-1].strip() == b"* 2 EXISTS", lines
        conn.send(b"DONE\r\n")
        while not lines[-1].startswith(b"idle1 "):
            lines.append(conn.readline())
        assert lines[-1].startswith(b"idle1 OK"), lines


def test_stop_closes_the_port_and_leaves_no_process(tmp_path: Path):
    server = ImapServer(tmp_path / "imap", user="someone@example.org", password="pass: with spaces")
    with server.connect() as conn:
        conn.select("INBOX")
        running = server.processes()
        assert server.process.pid in running and len(running) > 1, running
        # A client still connected when it stops: its imap process must end too.
        server.stop()
    assert refused(server.port)
    assert server.processes() == []
    assert not server.runtime.exists()
    server.stop()  # again: nothing happens
    assert "starting up for imap" in server.log.read_text()


def test_the_command_line_prints_ready_and_stops_on_sigterm(tmp_path: Path):
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "servers" / "imap_server.py"), "--port", "0",
         "--user", "cli@example.org", "--password", "cli-pw", "--dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], READY_WITHIN)
        line = process.stdout.readline().decode() if ready else ""
        assert line.startswith("READY "), line
        port = int(line.split()[1])
        with imaplib.IMAP4("127.0.0.1", port) as conn:
            assert conn.login("cli@example.org", "cli-pw")[0] == "OK"
        # Dovecot's master, found by its configuration; its process group is all of Dovecot.
        config = str(tmp_path / "dovecot.conf")
        (master,) = [p for p in pids() if config in cmdline(p)]
        group = os.getpgid(master)
        assert master in alive_in_group(group)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
    assert refused(port)
    assert alive_in_group(group) == []


def pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace")


def alive_in_group(group: int) -> list[int]:
    """The processes of this process group that still run (not zombies waiting for init)."""
    found = []
    for pid in pids():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        state, _ppid, pgrp = stat[stat.rindex(")") + 2 :].split()[:3]
        if int(pgrp) == group and state != "Z":
            found.append(pid)
    return found
