"""The shell every screen stands in, through the real window: the layout holds from 900 to 1600
px (nothing scrolls sideways, every button is inside the window and not covered), notes show
above dialogs, focus goes somewhere sensible after save and Esc, the About dialog names the log,
and closing the app stops its services (their last words are in that log)."""

import os
import signal
import time
from pathlib import Path

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.keys import Keys

from harness import ROOT, Guildhall

SHOTS = ROOT / "target" / "e2e-artifacts" / "layout"

# Every button of the screen must be inside the window; these must also be on screen and not
# covered (the others may sit further down a list that scrolls).
MUST_BE_SHOWN = {
    "members": [
        "nav-members", "nav-schedule", "import-open", "export-open", "add-member",
        "save-member", "cancel-edit", "archive-member", "merge-member", "delete-member",
    ],
    "schedule": [
        "nav-members", "nav-schedule", "view-week", "calendar-import", "calendar-export",
        "new-workshop",
    ],
    # The workshop editor (a dialog over the schedule): its bar stays in view.
    "workshop": ["save-workshop", "close-workshop"],
    # A workshop's invitations (a dialog over the editor): sending and closing stay in view.
    "invitations": ["send-invitations", "close-invitations"],
    # A workshop's guest list (a dialog over the editor): its tools and Close stay in view.
    "guests": ["add-guest", "export-guests", "close-guests"],
    "mail": ["nav-mail", "smtp-host", "save-mail", "test-mail"],
}

LAYOUT_PROBLEMS = """
const shown = new Set(arguments[0]);
const w = window.innerWidth, h = window.innerHeight;
const problems = [];
if (document.documentElement.scrollWidth > w) {
  problems.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${w}px window`);
}
for (const b of document.querySelectorAll('button')) {
  const r = b.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;  // not displayed
  const name = b.dataset.testid || b.getAttribute('aria-label') || b.textContent.trim();
  if (r.left < 0 || r.right > w + 0.5) problems.push(`"${name}" is outside the window: ${r.left}..${r.right}`);
  if (!shown.has(b.dataset.testid)) continue;
  if (r.top < 0 || r.bottom > h + 0.5) { problems.push(`"${name}" is off screen: ${r.top}..${r.bottom}`); continue; }
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  if (!hit || !b.contains(hit)) problems.push(`"${name}" is covered by ${hit ? hit.outerHTML.slice(0, 80) : 'nothing'}`);
}
return problems;
"""


def dismiss_toast(app: Guildhall) -> None:
    for button in app.all('[data-testid="toast"] button[aria-label="Dismiss"]'):
        button.click()
    app.wait(lambda _: not app.all('[data-testid="toast"]'))


def test_both_screens_hold_from_900_to_1600_px(launch):
    app: Guildhall = launch()
    app.click('[data-testid="load-demo"]')
    app.wait_text('[data-testid="member-count"]', "200 members")
    dismiss_toast(app)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for width, height in [(900, 700), (1200, 800), (1600, 900)]:
        app.driver.set_window_size(width, height)
        app.wait(lambda _: app.driver.execute_script("return window.innerWidth") == width)

        app.click('[data-testid="nav-members"]')
        app.wait(lambda _: len(app.row_names()) > 3)
        app.open_member(app.row_names()[3])
        time.sleep(1)  # screenshots lag the page under Xvfb
        app.driver.save_screenshot(str(SHOTS / f"members-{width}.png"))
        for p in app.driver.execute_script(LAYOUT_PROBLEMS, MUST_BE_SHOWN["members"]):
            problems.append(f"members at {width}px: {p}")

        app.click('[data-testid="nav-schedule"]')
        app.find('[data-testid="week-view"] [data-testid="occurrence"]')
        time.sleep(1)
        app.driver.save_screenshot(str(SHOTS / f"schedule-{width}.png"))
        for p in app.driver.execute_script(LAYOUT_PROBLEMS, MUST_BE_SHOWN["schedule"]):
            problems.append(f"schedule at {width}px: {p}")

        app.click('[data-testid="week-view"] [data-testid="occurrence"]')
        app.find("dialog[open] #workshop-title")
        time.sleep(1)
        app.driver.save_screenshot(str(SHOTS / f"workshop-{width}.png"))
        for p in app.driver.execute_script(LAYOUT_PROBLEMS, MUST_BE_SHOWN["workshop"]):
            problems.append(f"workshop editor at {width}px: {p}")

        app.click('[data-testid="invite-workshop"]')
        app.find('[data-testid="audience-count"]')
        time.sleep(1)
        app.driver.save_screenshot(str(SHOTS / f"invitations-{width}.png"))
        for p in app.driver.execute_script(LAYOUT_PROBLEMS, MUST_BE_SHOWN["invitations"]):
            problems.append(f"invitations at {width}px: {p}")
        app.click('[data-testid="close-invitations"]')
        app.wait(lambda _: len(app.all("dialog[open]")) == 1)

        if width in (900, 1600):
            app.click('[data-testid="guests-workshop"]')
            app.find('[data-testid="guest-list"] [data-testid="guest-counts"]')
            time.sleep(1)
            app.driver.save_screenshot(str(SHOTS / f"guests-{width}.png"))
            for p in app.driver.execute_script(LAYOUT_PROBLEMS, MUST_BE_SHOWN["guests"]):
                problems.append(f"guest list at {width}px: {p}")
            app.click('[data-testid="close-guests"]')
            app.wait(lambda _: len(app.all("dialog[open]")) == 1)
        app.click('[data-testid="close-workshop"]')
        app.wait(lambda _: not app.all("dialog[open]"))

        app.click('[data-testid="nav-mail"]')
        app.find('[data-testid="outbox-counts"]')
        time.sleep(1)
        app.driver.save_screenshot(str(SHOTS / f"mail-{width}.png"))
        for p in app.driver.execute_script(LAYOUT_PROBLEMS, MUST_BE_SHOWN["mail"]):
            problems.append(f"mail at {width}px: {p}")
    assert not problems, "\n".join(problems)


def test_a_note_shows_above_the_workshop_dialog_and_focus_has_a_place(launch):
    app: Guildhall = launch()
    app.click('[data-testid="nav-schedule"]')
    app.click('[data-testid="new-workshop"]')
    # The dialog opens on its first field, ready to type.
    app.wait(lambda _: app.driver.execute_script("return document.activeElement.id") == "workshop-title")
    app.fill("#workshop-title", "Pairing night")
    app.click('[data-testid="save-workshop"]')
    toast = app.wait_text("dialog[open] [data-testid='toast']", "Created “Pairing night”")
    # Drawn by the dialog itself, so nothing covers it and its buttons can be clicked.
    covered = app.driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
        "return !arguments[0].contains(hit);",
        toast,
    )
    assert not covered
    # After the save, focus is still in the dialog, so Esc closes it ...
    assert app.driver.execute_script(
        "return document.activeElement.closest('dialog[open]') !== null"
    )
    app.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    app.wait(lambda _: not app.all("dialog[open]"))
    # ... and focus goes back to where the organizer was, not to the page body.
    assert app.driver.execute_script(
        "return document.activeElement.dataset.testid"
    ) == "new-workshop"

    app.click('[data-testid="nav-members"]')
    app.add_member("Ada Lovelace")
    assert app.driver.execute_script(
        "return document.activeElement.closest('form.editor') !== null"
    ), "focus stays in the member editor after saving"
    app.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    app.wait(lambda _: not app.all("#member-name"))
    focused = app.driver.execute_script("return document.activeElement.dataset.testid")
    assert focused == "member-row", focused


def wait_for_exit(log: Path, launcher, seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and launcher.app_pids():
        time.sleep(0.1)
    assert not launcher.app_pids(), "the app did not exit"
    return log.read_text(encoding="utf-8")


def assert_stopped_cleanly(text: str) -> None:
    assert 'stopped service="imports"' in text, text
    assert 'stopped service="changes"' in text, text
    assert text.rstrip().endswith("Guildhall exits"), text


def test_about_names_the_log_and_quitting_stops_the_services(launcher):
    app: Guildhall = launcher.launch()
    app.click('[data-testid="about-open"]')
    log = Path(app.find('[data-testid="about-log"]').text)
    assert (log.parent.name, log.name) == ("logs", "guildhall.log")
    text = log.read_text(encoding="utf-8")
    assert "Guildhall starts" in text
    assert 'started service="changes"' in text and 'started service="imports"' in text
    app.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    app.wait(lambda _: not app.all("dialog[open]"))

    # With typed changes, Ctrl+Q asks first; keeping them keeps the app.
    app.click('[data-testid="add-member"]')
    app.fill("#member-name", "Half-typed Person")
    app.find("#member-name").send_keys(Keys.CONTROL, "q")
    app.wait_text("dialog[open]", "Discard your changes?")
    app.click("dialog[open] button:not(.danger)")
    assert launcher.app_pids(), "still running"
    # Discarding quits: the services stop before the process ends.
    app.find("#member-name").send_keys(Keys.CONTROL, "q")
    try:
        app.click('dialog[open] [data-testid="confirm"]')
    except WebDriverException:
        pass  # the app may end before WebDriver hears back from the click
    text = wait_for_exit(log, launcher)
    assert "quit from the window" in text
    assert_stopped_cleanly(text)


def test_a_stop_signal_stops_the_services_before_the_process_ends(launcher):
    app: Guildhall = launcher.launch()
    app.click('[data-testid="about-open"]')
    log = Path(app.find('[data-testid="about-log"]').text)
    [pid] = launcher.app_pids()
    os.kill(pid, signal.SIGTERM)  # logging out, shutting down
    text = wait_for_exit(log, launcher)
    assert "asked to stop (SIGTERM)" in text
    assert_stopped_cleanly(text)
