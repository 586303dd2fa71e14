"""Answers read from the organizer's inbox through the real window: invitations sent (the CLI
and the test SMTP server), a member's calendar reply waiting in a real IMAP inbox (Dovecot on
127.0.0.1, started here), the inbox set up on the Mail screen, read by the inbox service, then
a second answer read with "Check now"; the guest list has both."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from harness import ROOT, Guildhall

sys.path.insert(0, str(ROOT / "tests" / "mail"))
sys.path.insert(0, str(ROOT / "tests" / "servers"))

from imap_server import ImapServer  # noqa: E402
from mailkit import SmtpServer, calendar, vevent  # noqa: E402
from replykit import MEMBERS, arrived, calendar_reply, follow, links  # noqa: E402

CLI = os.environ.get("GUILDHALL_CLI", str(ROOT / "target/debug/guildhall"))
UID = "answers@guildhall.test"
SHOTS = ROOT / "target" / "e2e-artifacts" / "layout"


def cli(data: Path, *args: str) -> str:
    done = subprocess.run([CLI, "--data-dir", str(data), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def servers(tmp_path: Path):
    smtp = SmtpServer(tmp_path / "smtp")
    imap = ImapServer(tmp_path / "imap")
    yield smtp, imap
    imap.stop()
    smtp.stop()


def answers(data: Path, workshop: str) -> dict[str, str]:
    lines = cli(data, "guests", workshop).splitlines()[1:]
    return {line.split("\t")[2]: line.split("\t")[0] for line in lines}


def test_the_inbox_set_up_in_the_window_fills_the_guest_list(launch, tmp_path, servers):
    smtp, imap = servers
    data = tmp_path / "data"
    members = tmp_path / "members.csv"
    members.write_text(
        "name,email,email_consent\n" + "".join(f"{m['name']},{m['email']},yes\n" for m in MEMBERS),
        encoding="utf-8",
    )
    cli(data, "import", "members", str(members))
    ics = tmp_path / "workshop.ics"
    ics.write_text(calendar(vevent(UID, "20271110T180000", "20271110T200000")), encoding="utf-8")
    cli(data, "import", "calendar", str(ics))
    cli(data, "settings", "smtp", "--host", "127.0.0.1", "--port", str(smtp.port), "--security", "none",
        "--from", "Rust Group <group@example.org>")
    db = sqlite3.connect(f"file:{data / 'guildhall.sqlite3'}?mode=ro", uri=True)
    ((workshop,),) = db.execute("SELECT DISTINCT workshop_id FROM session WHERE ical_uid = ?", (UID,)).fetchall()
    db.close()
    cli(data, "invite", workshop, "--all")
    cli(data, "outbox", "send")
    imap.append(calendar_reply(arrived(smtp, "ada@example.org"), "ada@example.org", "ACCEPTED", "ada@example.org"))

    app: Guildhall = launch(extra_env={"GUILDHALL_IMAP_PASSWORD": imap.password})
    app.click('[data-testid="nav-mail"]')
    app.fill('[data-testid="imap-host"]', "127.0.0.1")
    app.set_value('[data-testid="imap-port"]', str(imap.port))
    app.set_value('[data-testid="imap-security"]', "none")
    app.fill('[data-testid="imap-user"]', imap.user)
    app.click('[data-testid="save-inbox"]')
    app.wait_text('[data-testid="toast"]', "Inbox saved")
    # The inbox service reads it at once.
    app.wait(lambda _: answers(data, workshop).get("ada@example.org") == "going")
    assert "$GuildhallApplied" in imap.messages()[0].flags

    imap.append(follow(links(arrived(smtp, "grace@example.org"))["Maybe"], "grace@example.org"))
    app.click('[data-testid="check-inbox"]')
    app.wait_text('[data-testid="inbox-result"]', "Read 1: 1 applied.")
    assert answers(data, workshop)["grace@example.org"] == "maybe"
    SHOTS.mkdir(parents=True, exist_ok=True)
    app.driver.save_screenshot(str(SHOTS / "mail-inbox.png"))
