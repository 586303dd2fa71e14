"""Workshops through the real app window: plan one with two sessions, see it in the week view,
export its calendar file and read it with Python icalendar; import a calendar file and see its
events. Native file dialogs are answered through GUILDHALL_DIALOG_SAVE_PATH / _OPEN_PATH."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar

from harness import Guildhall

BERLIN = ZoneInfo("Europe/Berlin")


def this_week(weekday: int) -> date:
    """The day of the current week (Monday = 0) on this machine's calendar, as the app shows."""
    today = date.today()
    return today - timedelta(days=today.weekday()) + timedelta(days=weekday)


def cards(app: Guildhall) -> list[str]:
    return [
        c.get_attribute("textContent")
        for c in app.all('[data-testid="week-view"] [data-testid="occurrence"]')
    ]


def test_plan_a_two_session_workshop_see_it_in_the_week_and_export_it(launch, tmp_path):
    out = tmp_path / "workshop.ics"
    app: Guildhall = launch({"GUILDHALL_DIALOG_SAVE_PATH": str(out)})
    tuesday, thursday = this_week(1), this_week(3)
    title = 'Pairing night, with "quotes"; 🦀'

    app.click('[data-testid="nav-schedule"]')
    app.find('[data-testid="week-view"]')
    app.click('[data-testid="new-workshop"]')
    # WebKitWebDriver cannot type characters outside the BMP (the crab): set the value instead.
    app.set_value("#workshop-title", title)
    app.set_value("#workshop-zone", "Europe/Berlin")
    app.set_value('[aria-label="Session 1 title"]', "Part 1")
    app.set_value('[aria-label="Session 1 date"]', tuesday.isoformat())
    app.set_value('[aria-label="Session 1 start"]', "18:30")
    app.set_value('[aria-label="Session 1 end"]', "20:00")
    app.click('[data-testid="add-session"]')
    app.set_value('[aria-label="Session 2 title"]', "Part 2")
    app.set_value('[aria-label="Session 2 date"]', thursday.isoformat())
    app.set_value('[aria-label="Session 2 start"]', "18:30")
    app.set_value('[aria-label="Session 2 end"]', "20:00")
    app.set_value("#workshop-venue", "Kiezhaus, Raum 2")
    app.click('[data-testid="save-workshop"]')
    app.wait_text('[data-testid="toast"]', "Created")

    # Both sessions in this week's view, on their days, at Berlin time.
    app.wait(lambda _: len([c for c in cards(app) if "Pairing night" in c]) == 2)
    found = [c for c in cards(app) if "Pairing night" in c]
    assert "Part 1" in found[0] and "18:30–20:00" in found[0]
    assert "Part 2" in found[1] and "Europe/Berlin" in found[1]

    app.click('[data-testid="export-workshop"]')
    app.click('[data-testid="calendar-export-save"]')
    app.wait_text('[data-testid="toast"]', "Exported 1 workshop (2 calendar events)")

    cal = icalendar.Calendar.from_ical(out.read_bytes())
    events = sorted(cal.walk("VEVENT"), key=lambda e: e["DTSTART"].dt)
    assert [str(e["SUMMARY"]) for e in events] == [f"{title} · Part 1", f"{title} · Part 2"]
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    want = [datetime.combine(d, datetime.min.time()).replace(hour=18, minute=30, tzinfo=BERLIN)
            for d in (tuesday, thursday)]
    assert [e["DTSTART"].dt.astimezone(timezone.utc) for e in events] == [
        w.astimezone(timezone.utc) for w in want
    ]
    assert all(str(e["LOCATION"]) == "Kiezhaus, Raum 2" for e in events)
    assert len({str(e["UID"]) for e in events}) == 2


def write_calendar(path, day: date, broken: bool = False) -> None:
    stamp = day.strftime("%Y%m%d")
    start = "DTSTART:not-a-time" if broken else f"DTSTART;TZID=Europe/Berlin:{stamp}T190000"
    path.write_bytes(
        (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
            "BEGIN:VEVENT\r\nUID:series-1@google.com\r\nDTSTAMP:20260101T000000Z\r\n"
            f"{start}\r\nDTEND;TZID=Europe/Berlin:{stamp}T210000\r\n"
            "RRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Imported study group\\, weekly\r\n"
            "LOCATION:c-base\\, Berlin\r\nEND:VEVENT\r\n"
            "BEGIN:VEVENT\r\nUID:talk-2@google.com\r\nDTSTAMP:20260101T000000Z\r\n"
            f"DTSTART:{stamp}T080000Z\r\nDURATION:PT1H\r\nSUMMARY:Imported breakfast talk\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n"
        ).encode()
    )


def test_import_a_calendar_file_and_see_its_events(launch, tmp_path):
    file = tmp_path / "google.ics"
    write_calendar(file, this_week(2))
    app: Guildhall = launch({"GUILDHALL_DIALOG_OPEN_PATH": str(file)})
    app.click('[data-testid="nav-schedule"]')
    app.click('[data-testid="calendar-import"]')
    preview = app.wait_text('[data-testid="calendar-preview"]', "2 events")
    assert "2 new" in preview.get_attribute("textContent")
    app.click('[data-testid="calendar-import-confirm"]')
    app.wait_text('[data-testid="toast"]', "Imported 2 calendar events: 2 new")
    app.wait(lambda _: any("Imported study group, weekly" in c for c in cards(app)))
    assert any("Imported breakfast talk" in c for c in cards(app))

    # The same file again updates instead of adding: still one card each.
    app.click('[data-testid="calendar-import"]')
    app.wait_text('[data-testid="calendar-preview"]', "2 already up to date")
    app.click('[data-testid="calendar-import-confirm"]')
    app.wait_text('[data-testid="toast"]', "0 new")
    assert len([c for c in cards(app) if "Imported study group" in c]) == 1


def test_a_malformed_calendar_file_says_where_and_imports_nothing(launch, tmp_path):
    file = tmp_path / "broken.ics"
    write_calendar(file, this_week(2), broken=True)
    app: Guildhall = launch({"GUILDHALL_DIALOG_OPEN_PATH": str(file)})
    app.click('[data-testid="nav-schedule"]')
    app.click('[data-testid="calendar-import"]')
    error = app.wait_text('[data-testid="calendar-error"]', "line 7")
    assert "Nothing was imported" in error.get_attribute("textContent")
    assert not app.find('[data-testid="calendar-import-confirm"]').is_enabled()


def test_a_weekly_series_with_a_skipped_date(launch):
    app: Guildhall = launch()
    tuesday = this_week(1)
    app.click('[data-testid="nav-schedule"]')
    app.click('[data-testid="new-workshop"]')
    app.fill("#workshop-title", "Weekly kata")
    app.set_value('[aria-label="Session 1 date"]', tuesday.isoformat())
    app.set_value("#workshop-repeat", "weekly")
    app.set_value("#workshop-ends", "after")
    app.set_value('[aria-label="Number of times"]', "4")
    app.click('[data-testid="save-workshop"]')
    app.wait_text('[data-testid="toast"]', "Created")

    # The saved series lists its dates in the editor; skip the second one.
    app.wait(lambda _: len(app.all('[data-testid="series-date"]')) == 4)
    second = app.all('[data-testid="series-date"]')[1]
    second.find_element("xpath", ".//button[text()='Skip']").click()
    app.wait(lambda _: "skipped" in app.all('[data-testid="series-date"]')[1].get_attribute("textContent"))
    app.click('dialog[open] .actions button:not(.primary)')  # Close

    def weekly_cards() -> int:
        return len([c for c in cards(app) if "Weekly kata" in c])

    app.wait(lambda _: weekly_cards() == 1)  # this week
    app.click('button[aria-label="Next"]')
    app.wait(lambda _: "Weekly kata" not in "".join(cards(app)))  # skipped
    app.click('button[aria-label="Next"]')
    app.wait(lambda _: weekly_cards() == 1)  # the third date
