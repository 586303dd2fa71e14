"""Invitations through the real window: set up SMTP (a real server on 127.0.0.1, started here),
send a test mail and see what the server said, invite a tag, see who is left out and the mail's
preview, send, watch the outbox count them, then move the workshop and send the update."""

import email
import email.policy
import os
import subprocess
from datetime import date, timedelta
from pathlib import Path

from harness import ROOT, Guildhall

CLI = os.environ.get("GUILDHALL_CLI", str(ROOT / "target/debug/guildhall"))
SHOTS = ROOT / "target" / "e2e-artifacts" / "layout"


# `smtp` (a real SMTP server on 127.0.0.1 that keeps each mail as a file) is in conftest.py.


def mails(out: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted(out.glob("*.eml"), key=lambda p: int(p.stem))
    ]


def calendar_of(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return part.get_content()


def test_set_up_mail_invite_a_tag_and_send_the_update(launch, tmp_path, smtp):
    port, out = smtp
    members = tmp_path / "members.csv"
    members.write_text(
        "name,email,tags,email_consent\n"
        "Ada Lovelace,ada@example.org,rust,yes\n"
        "<b>Grace</b> Hopper,grace@example.org,rust,yes\n"
        "Bob Quiet,bob@example.org,rust,no\n"
        "Linus Other,linus@example.org,kernel,yes\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [CLI, "--data-dir", str(tmp_path / "data"), "import", "members", str(members)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    app: Guildhall = launch()
    app.click('[data-testid="nav-mail"]')
    app.fill('[data-testid="smtp-host"]', "127.0.0.1")
    app.set_value('[data-testid="smtp-port"]', str(port))
    app.set_value('[data-testid="smtp-security"]', "none")
    app.fill('[data-testid="from-name"]', "Rust Study Group")
    app.fill('[data-testid="from-address"]', "group@example.org")
    app.click('[data-testid="save-mail"]')
    app.wait_text('[data-testid="toast"]', "Mail settings saved")
    app.click('[data-testid="test-mail"]')
    result = app.wait_text('[data-testid="test-result"]', "250")
    assert "Sent to group@example.org" in result.text
    app.wait(lambda _: len(mails(out)) == 1)
    assert mails(out)[0]["Subject"] == "Guildhall test mail"

    # A workshop next week, one evening in Berlin.
    day = date.today() + timedelta(days=7)
    app.click('[data-testid="nav-schedule"]')
    app.click('[data-testid="new-workshop"]')
    app.set_value("#workshop-title", "Ownership, slowly")
    app.set_value("#workshop-zone", "Europe/Berlin")
    app.set_value('[aria-label="Session 1 date"]', day.isoformat())
    app.set_value('[aria-label="Session 1 start"]', "18:30")
    app.set_value('[aria-label="Session 1 end"]', "20:00")
    app.set_value("#workshop-venue", "Kiezhaus, Raum 2")
    app.click('[data-testid="save-workshop"]')
    app.wait_text('[data-testid="toast"]', "Created")

    app.click('[data-testid="invite-workshop"]')
    app.fill('[data-testid="audience-tags"]', "rust")
    app.wait_text('[data-testid="audience-count"]', "2 people will be invited")
    app.wait_text('[data-testid="audience-left-out"]', "1 left out: did not agree to receive mail")
    app.wait_text('[data-testid="preview-subject"]', "Invitation: Ownership, slowly")
    # Her mail's text, with her name shown as she typed it.
    # The mail as it arrives, in a frame that runs nothing; her name shown as she typed it.
    frame = app.find('[data-testid="preview-html"]')
    app.driver.switch_to.frame(frame)
    app.wait(lambda d: "Hello <b>Grace</b>," in d.find_element("tag name", "body").text)
    app.driver.switch_to.default_content()
    app.click('[data-testid="preview-plain"]')
    app.wait_text('[data-testid="preview-text"]', "Hello <b>Grace</b>,")
    app.click('[data-testid="preview-plain"]')
    app.find('[data-testid="preview-html"]')
    SHOTS.mkdir(parents=True, exist_ok=True)
    app.driver.save_screenshot(str(SHOTS / "invitations.png"))
    app.click('[data-testid="send-invitations"]')
    app.wait_text('[data-testid="toast"]', "are in the outbox")
    app.wait(lambda _: len(mails(out)) == 3)
    invited = {m["To"].addresses[0].addr_spec: m for m in mails(out)[1:]}
    assert set(invited) == {"ada@example.org", "grace@example.org"}
    grace = invited["grace@example.org"]
    html = next(p for p in grace.walk() if p.get_content_type() == "text/html").get_content()
    # Her name as she typed it, shown, never markup.
    assert "<b>Grace" not in html and "Hello &lt;b&gt;Grace&lt;/b&gt;," in html
    assert "METHOD:REQUEST" in calendar_of(grace) and "SEQUENCE:0" in calendar_of(grace)
    app.wait_text('[data-testid="invited-list"]', "Ada Lovelace")
    app.click('[data-testid="close-invitations"]')

    # The outbox counted them (the test mail too).
    app.click('[data-testid="close-workshop"]')
    app.click('[data-testid="nav-mail"]')
    app.wait_text('[data-testid="count-sent"]', "3")
    app.driver.save_screenshot(str(SHOTS / "mail.png"))

    # The workshop moves by half an hour: the dialog offers the update, old and new side by side.
    app.click('[data-testid="nav-schedule"]')
    app.click('button[aria-label="Next"]')
    app.wait(lambda _: app.all('[data-testid="occurrence"]'))
    app.all('[data-testid="occurrence"]')[0].click()
    app.set_value('[aria-label="Session 1 start"]', "19:00")
    app.set_value('[aria-label="Session 1 end"]', "20:30")
    app.click('[data-testid="save-workshop"]')
    app.wait_text('[data-testid="toast"]', "Saved")
    app.click('[data-testid="invite-workshop"]')
    banner = app.wait_text('[data-testid="update-banner"]', "2 invited people have the old time")
    assert "18:30" in banner.text and "19:00" in banner.text
    app.click('[data-testid="send-update"]')
    app.wait(lambda _: len(mails(out)) == 5)
    for update in mails(out)[3:]:
        assert update["Subject"].startswith("Updated: ")
        cal = calendar_of(update)
        assert "SEQUENCE:1" in cal and "T190000" in cal
    app.wait(lambda _: not app.all('[data-testid="update-banner"]'))
