"""Answers read from an IMAP folder: 10,000 calendar replies (one per invitation of a workshop
of 10,000 invited members) waiting in a real Dovecot on 127.0.0.1, read and applied by
`guildhall inbox check`, against Python's imaplib fetching the same messages (UID FETCH
BODY.PEEK[], 200 at a time) and doing nothing with them, in the same run, from the same server.

Prints both rates and the ratio; asserts nothing (it exits non-zero only when Guildhall did
not apply every reply). Not a test: pytest does not collect it.

Usage: python tests/mail/bench_inbox.py path/to/guildhall [N]
"""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "servers"))

from imap_server import ImapServer  # noqa: E402

UID = "bench@guildhall.test"
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Guildhall bench//EN\r\nBEGIN:VEVENT\r\n"
    f"UID:{UID}\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART;TZID=Europe/Berlin:20271110T180000\r\nDTEND;TZID=Europe/Berlin:20271110T200000\r\n"
    "SUMMARY:Rust workshop\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def guildhall(binary: str, data: Path, *args: str, env: dict | None = None) -> str:
    done = subprocess.run(
        [binary, "--data-dir", str(data), *args], capture_output=True, text=True,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        sys.exit(f"guildhall {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def reply(i: int) -> bytes:
    """A Thunderbird-like REPLY from member i, accepting."""
    email = f"member{i:05d}@example.org"
    ics = (
        "BEGIN:VCALENDAR\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\n"
        "VERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
        f"UID:{UID}\r\nSEQUENCE:0\r\nDTSTAMP:20271101T100000Z\r\n"
        "DTSTART;TZID=Europe/Berlin:20271110T180000\r\nDTEND;TZID=Europe/Berlin:20271110T200000\r\n"
        "ORGANIZER;CN=Rust Group:mailto:group@example.org\r\n"
        f"ATTENDEE;CN=Member {i:05d};PARTSTAT=ACCEPTED:mailto:{email}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    return (
        f"From: Member {i:05d} <{email}>\r\nTo: group@example.org\r\n"
        f"Subject: Accepted: Rust workshop\r\nDate: Mon, 01 Nov 2027 10:00:00 +0000\r\n"
        f"Message-ID: <reply-{i}@client.test>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n"
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nI will come.\r\n"
        "--b\r\nContent-Type: text/calendar; charset=utf-8; method=REPLY\r\n\r\n"
        f"{ics}--b--\r\n"
    ).encode()


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = str(Path(sys.argv[1]).resolve())
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    with tempfile.TemporaryDirectory(prefix="guildhall-bench-inbox-") as tmp:
        tmp = Path(tmp)
        data = tmp / "data"
        members = tmp / "members.csv"
        with members.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["name", "email", "email_consent"])
            for i in range(n):
                w.writerow([f"Member {i:05d}", f"member{i:05d}@example.org", "yes"])
        (tmp / "workshop.ics").write_text(ICS)
        guildhall(binary, data, "import", "members", str(members))
        guildhall(binary, data, "import", "calendar", str(tmp / "workshop.ics"))
        guildhall(binary, data, "settings", "smtp", "--host", "127.0.0.1", "--port", "25",
                  "--security", "none", "--from", "Rust Group <group@example.org>")
        db = sqlite3.connect(data / "guildhall.sqlite3")
        ((workshop,),) = db.execute("SELECT DISTINCT workshop_id FROM session WHERE ical_uid = ?", (UID,))
        db.close()
        guildhall(binary, data, "invite", workshop, "--all")
        with ImapServer(tmp / "imap") as imap:
            print(f"appending {n} replies to the IMAP folder…", file=sys.stderr)
            with imap.connect() as c:
                for i in range(n):
                    c.append("INBOX", None, None, reply(i))
            # Baseline: the same messages fetched by imaplib, nothing done with them; once
            # untimed first, so Dovecot's caches are as warm for it as for Guildhall after it.
            def fetch_all() -> int:
                with imap.connect() as c:
                    c.select("INBOX", readonly=True)
                    _, found = c.uid("SEARCH", None, "ALL")
                    uids = found[0].split()
                    fetched = 0
                    for k in range(0, len(uids), 200):
                        chunk = b",".join(uids[k:k + 200]).decode()
                        _, parts = c.uid("FETCH", chunk, "(BODY.PEEK[])")
                        fetched += sum(1 for p in parts if isinstance(p, tuple))
                    return fetched

            fetch_all()
            t0 = time.perf_counter()
            fetched = fetch_all()
            base = time.perf_counter() - t0
            if fetched != n:
                sys.exit(f"imaplib fetched {fetched}, not {n}")
            guildhall(binary, data, "settings", "imap", "--host", "127.0.0.1", "--port", str(imap.port),
                      "--security", "none", "--user", imap.user)
            t0 = time.perf_counter()
            out = guildhall(binary, data, "inbox", "check", env={"GUILDHALL_IMAP_PASSWORD": imap.password})
            ours = time.perf_counter() - t0
        if not out.startswith(f"read {n}: applied {n},"):
            sys.exit(f"guildhall did not apply every reply: {out}")
        summary = guildhall(binary, data, "guests", workshop).splitlines()[0]
    print(f"reading {n} calendar replies from an IMAP folder (Dovecot on 127.0.0.1)")
    print(f"  baseline  imaplib UID FETCH BODY.PEEK[], 200 at a time, nothing applied: {base:.2f} s = {n / base:.0f} msg/s")
    print(f"  guildhall inbox check (fetch, parse, match, apply, mark): {ours:.2f} s = {n / ours:.0f} msg/s")
    print(f"  ratio {base / ours:.2f}x the baseline's rate; {summary}")


if __name__ == "__main__":
    main()
