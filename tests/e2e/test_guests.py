"""The guest list through the real window: invite a tag (mail through a real SMTP server on
127.0.0.1), open the guest list from the invitations, see nobody has answered, drop a calendar
REPLY as a mail program would hand it over (a File in a DataTransfer, dragenter/dragover/drop
on the list), see it applied; a reply sent by someone else for a guest is held until confirmed;
an answer set by hand, a count that filters, a person added who waits for a place and is given
one, the list exported as CSV."""

import base64
import csv
import os
import sqlite3
import subprocess
import time
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from harness import ROOT, Guildhall
from test_invitations import mails

CLI = os.environ.get("GUILDHALL_CLI", str(ROOT / "target/debug/guildhall"))
SHOTS = ROOT / "target" / "e2e-artifacts" / "layout"
ORGANIZER = "group@example.org"

# Held in window.__guestDrop between the scripts, so the overlay can be seen between dragover and
# the drop, as it is while the organizer's pointer hovers.
DRAG = """
const [selector, name, b64] = arguments;
const raw = atob(b64);
const bytes = new Uint8Array(raw.length);
for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
const data = new DataTransfer();
data.items.add(new File([bytes], name, { type: name.endsWith('.ics') ? 'text/calendar' : 'message/rfc822' }));
const zone = document.querySelector(selector);
window.__guestDrop = { zone, data };
for (const type of ['dragenter', 'dragover']) {
  zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
}
return { types: Array.from(data.types), files: data.files.length, size: data.files[0] && data.files[0].size };
"""
DROP = """
const { zone, data } = window.__guestDrop;
const drop = new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data });
zone.dispatchEvent(drop);
delete window.__guestDrop;
return drop.defaultPrevented;
"""
ROWS = """
return [...document.querySelectorAll('[data-testid="guest-row"]')].map(r => ({
  name: r.querySelector('[data-testid="guest-name"]').textContent.trim(),
  email: r.dataset.email,
  answer: r.querySelector('[data-testid="guest-answer"]').textContent.trim(),
  came: r.querySelector('[data-testid="guest-came"]').textContent.trim(),
  promote: r.querySelector('[data-testid="guest-promote"]') !== null,
}));
"""


def utc(stored: str) -> str:
    """A stored instant (RFC 3339, UTC) as an iCalendar UTC time."""
    return datetime.fromisoformat(stored.replace("Z", "+00:00")).strftime("%Y%m%dT%H%M%SZ")


def calendar_reply(session: dict, attendee: str, name: str, partstat: str, sender: str, comment: str = "") -> bytes:
    """The mail a calendar client sends when `attendee` presses Yes (or No, or Maybe): the
    invitation's event echoed back with their PARTSTAT."""
    uid = session["uid"]
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    ics = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "PRODID:-//Some Calendar//EN",
            "VERSION:2.0",
            "METHOD:REPLY",
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc(session['start'])}",
            f"DTEND:{utc(session['end'])}",
            "SEQUENCE:0",
            f"ORGANIZER:mailto:{ORGANIZER}",
            f"ATTENDEE;PARTSTAT={partstat};CN={name}:mailto:{attendee}",
            *([f"COMMENT:{comment}"] if comment else []),
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = ORGANIZER
    mail["Subject"] = f"{partstat.title()}: Ownership, slowly"
    mail["Date"] = formatdate()
    mail["Message-ID"] = make_msgid(domain="client.test")
    mail.set_content(f"{name} has accepted.")
    mail.add_alternative(ics.encode(), maintype="text", subtype="calendar", params={"method": "REPLY"})
    return bytes(mail)


def text_of(app: Guildhall, css: str) -> str:
    # textContent: WebKitWebDriver reports no visible text for an ellipsised span.
    return app.driver.execute_script(f"return document.querySelector('{css}')?.textContent ?? ''")


def rows(app: Guildhall) -> dict[str, dict]:
    return {r["email"]: r for r in app.driver.execute_script(ROWS)}


def drop(app: Guildhall, name: str, content: bytes, shot: str = "") -> None:
    carried = app.driver.execute_script(
        DRAG, '[data-testid="guest-list"]', name, base64.b64encode(content).decode()
    )
    assert carried["files"] == 1 and "Files" in carried["types"], f"the DataTransfer carries {carried}"
    assert carried["size"] == len(content)
    app.find('[data-testid="drop-overlay"]')
    assert "Drop replies here" in app.find('[data-testid="drop-overlay"]').text
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        time.sleep(1)  # screenshots lag the page under Xvfb
        app.driver.save_screenshot(str(SHOTS / shot))
    assert app.driver.execute_script(DROP), "the guest list took the drop"
    app.wait(lambda _: not app.all('[data-testid="drop-overlay"]'))


def session_of(tmp_path: Path, title: str) -> dict:
    """The workshop's one session as the database has it: its calendar UID and its times."""
    with sqlite3.connect(tmp_path / "data" / "guildhall.sqlite3") as conn:
        uid, start, end = conn.execute(
            "SELECT s.ical_uid, s.starts_at, s.ends_at FROM session s"
            " JOIN workshop w ON w.id = s.workshop_id WHERE w.title = ?",
            (title,),
        ).fetchone()
    return {"uid": uid, "start": start, "end": end}


def test_answers_arrive_by_drop_by_hand_and_leave_as_csv(launch, tmp_path, smtp):
    port, out = smtp
    members = tmp_path / "members.csv"
    members.write_text(
        "name,email,tags,email_consent\n"
        "Ada Lovelace,ada@example.org,rust,yes\n"
        "Grace Hopper,grace@example.org,rust,yes\n"
        "Linus Torvalds,linus@example.org,rust,yes\n"
        "Margaret Hamilton,margaret@example.org,apollo,yes\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [CLI, "--data-dir", str(tmp_path / "data"), "import", "members", str(members)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    exported = tmp_path / "guests.csv"
    app: Guildhall = launch({"GUILDHALL_DIALOG_SAVE_PATH": str(exported)})
    app.click('[data-testid="nav-mail"]')
    app.fill('[data-testid="smtp-host"]', "127.0.0.1")
    app.set_value('[data-testid="smtp-port"]', str(port))
    app.set_value('[data-testid="smtp-security"]', "none")
    app.fill('[data-testid="from-name"]', "Rust Study Group")
    app.fill('[data-testid="from-address"]', ORGANIZER)
    app.click('[data-testid="save-mail"]')
    app.wait_text('[data-testid="toast"]', "Mail settings saved")

    # A workshop next week with two places, invited by tag.
    day = date.today() + timedelta(days=7)
    app.click('[data-testid="nav-schedule"]')
    app.click('[data-testid="new-workshop"]')
    app.set_value("#workshop-title", "Ownership, slowly")
    app.set_value("#workshop-zone", "Europe/Berlin")
    app.set_value('[aria-label="Session 1 date"]', day.isoformat())
    app.set_value('[aria-label="Session 1 start"]', "18:30")
    app.set_value('[aria-label="Session 1 end"]', "20:00")
    app.set_value("#workshop-capacity", "2")
    app.click('[data-testid="save-workshop"]')
    app.wait_text('[data-testid="toast"]', "Created")
    app.click('[data-testid="invite-workshop"]')
    app.fill('[data-testid="audience-tags"]', "rust")
    app.wait_text('[data-testid="audience-count"]', "3 people will be invited")
    app.click('[data-testid="send-invitations"]')
    app.wait_text('[data-testid="toast"]', "are in the outbox")
    app.wait(lambda _: len(mails(out)) == 3)

    # The guest list, from the invited list: nobody has answered.
    app.click('[data-testid="open-guest-list"]')
    app.wait(lambda _: len(rows(app)) == 3)
    guests = rows(app)
    assert [g["name"] for g in guests.values()] == ["Ada Lovelace", "Grace Hopper", "Linus Torvalds"]
    assert {g["answer"] for g in guests.values()} == {"no answer"}
    assert {g["came"] for g in guests.values()} == {""}
    counts = app.find('[data-testid="guest-counts"]').text
    assert "0 going of 2 places" in counts and "3 no answer" in counts, counts

    # Ada's calendar says yes; the mail is dropped onto the list.
    session = session_of(tmp_path, "Ownership, slowly")
    yes = calendar_reply(
        session, "ada@example.org", "Ada Lovelace", "ACCEPTED", "Ada Lovelace <ada@example.org>",
        comment="Bringing <b>snacks</b>",
    )
    drop(app, "reply.eml", yes, shot="guests-drop.png")
    app.wait(lambda _: "Ada Lovelace: going" in text_of(app, '[data-testid="drop-results"]'))
    assert "applied" in text_of(app, '[data-testid="drop-results"]')
    app.wait(lambda _: rows(app)["ada@example.org"]["answer"] == "going")
    assert rows(app)["ada@example.org"]["came"].startswith("by calendar reply · ")
    # What she wrote, as text: never markup.
    comment = app.driver.execute_script(
        "const c = document.querySelector('[data-email=\"ada@example.org\"] [data-testid=\"guest-comment\"]');"
        "return c && [c.textContent, c.querySelector('b') !== null]"
    )
    assert comment == ["“Bringing <b>snacks</b>”", False], comment
    app.wait_text('[data-testid="count-accepted"]', "1 going of 2 places")
    app.wait_text('[data-testid="count-needsAction"]', "2 no answer")

    # The same mail again changes nothing.
    drop(app, "reply.eml", yes)
    app.wait_text('[data-testid="drop-results"]', "already read")
    assert rows(app)["ada@example.org"]["answer"] == "going"

    # Someone else answers for Linus: held, named, until the organizer confirms it.
    drop(app, "linus.eml", calendar_reply(session, "linus@example.org", "Linus Torvalds", "ACCEPTED", "mallory@evil.example"))
    held = app.wait_text('[data-testid="held-replies"]', "Linus Torvalds")
    assert "mallory@evil.example" in held.text and "not by them" in held.text, held.text
    assert rows(app)["linus@example.org"]["answer"] == "no answer"
    app.click('[data-testid="confirm-reply"]')
    app.wait(lambda _: not app.all('[data-testid="held-replies"]'))
    app.wait(lambda _: "confirmed by you" in text_of(app, '[data-testid="drop-results"]'))
    app.wait(lambda _: rows(app)["linus@example.org"]["answer"] == "going")

    # Grace told the organizer in the hallway.
    app.set_value('[data-testid="guest-row"][data-email="grace@example.org"] [data-testid="guest-set-answer"]', "declined")
    app.wait(lambda _: rows(app)["grace@example.org"]["answer"] == "can't come")
    assert rows(app)["grace@example.org"]["came"].startswith("by you · ")
    assert rows(app)["grace@example.org"]["promote"]
    app.wait_text('[data-testid="count-accepted"]', "2 going of 2 places")
    app.wait_text('[data-testid="count-declined"]', "1 can't come")

    # A count filters the list (no backend call needed), and again shows everyone.
    app.click('[data-testid="count-accepted"]')
    app.wait(lambda _: set(rows(app)) == {"ada@example.org", "linus@example.org"})
    app.click('[data-testid="count-accepted"]')
    app.wait(lambda _: len(rows(app)) == 3)

    # Someone not in the tag, added by hand: their invitation goes out.
    app.click('[data-testid="add-guest"]')
    app.fill("#guest-add", "Marg")
    app.click('[data-testid="member-match"]')
    app.wait_text('[data-testid="toast"]', "Margaret Hamilton is invited")
    app.wait(lambda _: "margaret@example.org" in rows(app))
    app.wait(lambda _: len(mails(out)) == 4)

    # The workshop is full: a going set by hand waits for a place.
    app.set_value('[data-testid="guest-row"][data-email="margaret@example.org"] [data-testid="guest-set-answer"]', "accepted")
    app.wait_text('[data-testid="toast"]', "Margaret Hamilton waits for a place")
    app.wait(lambda _: rows(app)["margaret@example.org"]["answer"] == "waitlisted")
    assert rows(app)["margaret@example.org"]["promote"]
    app.wait_text('[data-testid="count-waitlisted"]', "1 waiting")

    SHOTS.mkdir(parents=True, exist_ok=True)
    time.sleep(1)  # screenshots lag the page under Xvfb
    app.driver.save_screenshot(str(SHOTS / "guests-answers.png"))
    # The same at the narrowest window the app allows.
    app.driver.set_window_size(900, 700)
    app.wait(lambda _: app.driver.execute_script("return window.innerWidth") == 900)
    time.sleep(1)
    app.driver.save_screenshot(str(SHOTS / "guests-answers-900.png"))

    # A place for Margaret after all, over the capacity: asked first, then given (a mail says so).
    app.click('[data-testid="guest-row"][data-email="margaret@example.org"] [data-testid="guest-promote"]')
    app.wait(
        lambda d: d.execute_script(
            "return [...document.querySelectorAll('dialog[open]')].some(x => x.textContent.includes(arguments[0]))",
            "The workshop is full (2 of 2)",
        )
    )
    app.click('dialog[open] [data-testid="confirm"]')
    app.wait(lambda _: rows(app)["margaret@example.org"]["answer"] == "going")
    app.wait_text('[data-testid="count-accepted"]', "3 going of 2 places")
    app.wait(lambda _: len(mails(out)) == 6)  # Margaret's invitation, waitlist note, promotion

    # The list as CSV, where the save dialog answered.
    app.click('[data-testid="export-guests"]')
    app.wait_text('[data-testid="toast"]', str(exported))
    with exported.open(encoding="utf-8", newline="") as f:
        table = {row["email"]: row for row in csv.DictReader(f)}
    assert set(table) == {"ada@example.org", "grace@example.org", "linus@example.org", "margaret@example.org"}
    assert table["ada@example.org"]["answer"] == "going"
    assert table["ada@example.org"]["answered_by"] == "calendar"
    assert table["linus@example.org"]["answer"] == "going"
    assert table["margaret@example.org"]["answer"] == "going"
    assert table["grace@example.org"]["answer"] == "can't come"
    assert table["grace@example.org"]["answered_by"] == "manual"
    assert table["ada@example.org"]["comment"] == "Bringing <b>snacks</b>"

    app.click('[data-testid="close-guests"]')
    app.wait(lambda _: len(app.all("dialog[open]")) == 2)  # the invitations, over the editor
