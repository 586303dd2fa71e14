"""No screen spins: left alone, a screen asks the backend nothing (changes arrive over the
window's channel, not by polling), and the app's processes stay nearly idle. The backend logs
every command it is called with at debug level, so the log says what each screen asked. Every
screen and view is listed here; a screen added later joins the list."""

import os
import time
from pathlib import Path

from harness import Guildhall

SCREENS = [
    ("members", '[data-testid="nav-members"]', "#member-search"),
    ("schedule week", '[data-testid="view-week"]', '[data-testid="week-view"]'),
    ("schedule month", '[data-testid="view-month"]', '[data-testid="month-view"]'),
    ("schedule upcoming", '[data-testid="view-upcoming"]', '[data-testid="upcoming"]'),
    ("mail", '[data-testid="nav-mail"]', '[data-testid="outbox-counts"]'),
    # A dialog over the workshop editor: a workshop of the week, then its guest list (left
    # open for the CPU measure below).
    (
        "guest list",
        (
            '[data-testid="nav-schedule"]',
            '[data-testid="view-week"]',
            '[data-testid="week-view"] [data-testid="occurrence"]',
            '[data-testid="guests-workshop"]',
        ),
        '[data-testid="guest-list"]',
    ),
]


def family(root: int) -> list[int]:
    """`root` and every process below it (the app starts WebKit's processes)."""
    parents: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(proc.name)] = int(fields[1])
            except OSError:
                pass
    found = [root]
    for pid in found:
        found.extend(child for child, parent in parents.items() if parent == pid)
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return total


def commands_in(log: Path, since: int) -> list[str]:
    text = log.read_bytes()[since:].decode("utf-8", "replace")
    return [
        line.split("command=", 1)[1].split()[0].strip('"')
        for line in text.splitlines()
        if " called command=" in line
    ]


def test_every_screen_is_quiet_when_left_alone(launcher):
    app: Guildhall = launcher.launch({"GUILDHALL_LOG": "debug"})
    log = launcher.workdir / "data" / "logs" / "guildhall.log"
    app.click('[data-testid="load-demo"]')
    app.wait_text('[data-testid="member-count"]', "200 members")
    [pid] = launcher.app_pids()
    quiet = []
    for name, opener, shown in SCREENS:
        if name.startswith("schedule"):
            app.click('[data-testid="nav-schedule"]')
        for step in (opener,) if isinstance(opener, str) else opener:
            app.click(step)
        app.find(shown)
        time.sleep(2)  # let the screen settle: its first loads are not idleness
        since = log.stat().st_size
        time.sleep(5)
        calls = commands_in(log, since)
        if calls:
            quiet.append(f"{name}: {len(calls)} backend calls in 5 s idle, e.g. {calls[:5]}")
    assert not quiet, "\n".join(quiet)

    # The guest list opens with its search box focused; a blinking caret alone repaints the
    # window under Xvfb's software rendering (40-70% of a core on any screen with a focused
    # text field, measured), so the measure is of the app with focus on no text field.
    app.driver.execute_script("document.activeElement && document.activeElement.blur()")
    pids = family(pid)
    before = cpu_seconds(pids)
    time.sleep(10)
    used = cpu_seconds(pids) - before
    assert used / 10 < 0.05, f"{100 * used / 10:.1f}% of a core over 10 s idle ({len(pids)} processes)"
