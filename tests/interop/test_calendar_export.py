"""Guildhall's calendar exports, read by parsers we did not write.

The core example `calendar_fixtures` makes workshops through the core's API in a temporary
database and writes the app's own exports (target/interop/calendars/*.ics). This test reads them
with Python icalendar + recurring-ical-events and with Mozilla ical.js (tests/interop/js), and
checks each yields exactly the values written down here, computed independently (instants from
wall-clock times with Python's zoneinfo). Run from the repository root after
`make interop-js-deps`:

    .venv/bin/pytest tests/interop/test_calendar_export.py
"""

import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from zones import ZONES

ROOT = Path(__file__).resolve().parents[2]
READ_ICS = ROOT / "tests" / "interop" / "js" / "read_ics.mjs"
OUT = ROOT / "target" / "interop" / "calendars"
UTC = timezone.utc

SUMMARY = "Rust, SQL; and \\ backslashes 🦀"
DESCRIPTION = "Line one, with a comma; and a semicolon.\nLine two: ünïcödé ✓\n\nLine four \\ end"
LOCATION = "Kiezhaus, Raum 2, Weserstraße 12, 12047 Berlin"
URL = "https://meet.example.org/rust?room=2&lang=de"
PEOPLE = [("Zoë \"Zed\" Müller", "mailto:zoe@example.org"), ("Chen, Mei: PhD; Dr", "mailto:mei@example.net")]


def at(local: str, zone: str) -> str:
    """The UTC instant of a wall-clock time in a zone, as zoneinfo computes it."""
    t = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone))
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def berlin(local: str) -> str:
    return at(local, "Europe/Berlin")


# The weekly series: Tuesdays 18:30-20:00 Berlin from 9 March to 13 April 2027, across the DST
# change of 28 March; 23 March skipped; 6 April moved to Thursday 8 April 19:00-20:30; an extra
# date on Saturday 24 April at 10:00 (as long as the others).
SERIES = [
    (berlin("2027-03-09T18:30"), berlin("2027-03-09T20:00")),
    (berlin("2027-03-16T18:30"), berlin("2027-03-16T20:00")),
    (berlin("2027-03-30T18:30"), berlin("2027-03-30T20:00")),
    (berlin("2027-04-08T19:00"), berlin("2027-04-08T20:30")),
    (berlin("2027-04-13T18:30"), berlin("2027-04-13T20:00")),
    (berlin("2027-04-24T10:00"), berlin("2027-04-24T11:30")),
]


@pytest.fixture(scope="module")
def files() -> Path:
    if not (READ_ICS.parent / "node_modules" / "ical.js").is_dir():
        pytest.fail("ical.js is not installed: run `make interop-js-deps`", pytrace=False)
    subprocess.run(
        ["cargo", "run", "--quiet", "-p", "guildhall-core", "--example", "calendar_fixtures", "--", str(OUT)],
        cwd=ROOT,
        check=True,
    )
    return OUT


def python_calendar(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def icaljs(path: Path, n: int = 50) -> list[dict]:
    out = subprocess.run(["node", str(READ_ICS), str(path), str(n)], check=True, capture_output=True)
    return json.loads(out.stdout)["events"]


def iso(t) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("name", ["text.ics", "series.ics", "weekends.ics", "cancelled.ics", "all.ics"])
def test_the_file_is_well_formed_rfc_5545(files: Path, name: str):
    raw = (files / name).read_bytes()
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines), "every line ends CRLF"
    assert all(len(line) <= 75 for line in lines), "folded at 75 octets"
    for line in lines:
        line.decode("utf-8")  # a fold never splits a character
    unfolded = raw.replace(b"\r\n ", b"").split(b"\r\n")
    assert sum(line.startswith(b"PRODID:") for line in unfolded) == 1
    assert sum(line.startswith(b"VERSION:") for line in unfolded) == 1
    cal = python_calendar(files / name)
    used = {str(c["DTSTART"].params["TZID"]) for c in cal.walk("VEVENT") if "TZID" in c["DTSTART"].params}
    defined = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    assert sorted(defined) == sorted(used), "one VTIMEZONE for every TZID, and only those"
    for tz in cal.walk("VTIMEZONE"):
        assert "UID" not in tz and "DTSTAMP" not in tz
    for event in cal.walk("VEVENT"):
        assert event["DTSTAMP"].dt.tzinfo is not None and event["DTSTAMP"].dt.utcoffset().total_seconds() == 0
        assert "SEQUENCE" in event and "UID" in event


def test_text_survives_escaping_in_both_parsers(files: Path):
    (event,) = python_calendar(files / "text.ics").walk("VEVENT")
    assert str(event["SUMMARY"]) == SUMMARY
    assert str(event["DESCRIPTION"]) == DESCRIPTION
    assert str(event["LOCATION"]) == LOCATION
    assert str(event["URL"]) == URL
    assert (str(event["ORGANIZER"].params["CN"]), str(event["ORGANIZER"])) == PEOPLE[0]
    assert [(str(a.params["CN"]), str(a)) for a in event["ATTENDEE"]] == PEOPLE
    assert iso(event["DTSTART"].dt) == berlin("2027-05-04T18:30")

    (js,) = icaljs(files / "text.ics")
    assert js["summary"] == SUMMARY
    assert js["description"] == DESCRIPTION
    assert js["location"] == LOCATION
    assert (js["organizer"]["cn"], js["organizer"]["value"]) == PEOPLE[0]
    assert [(a["cn"], a["value"]) for a in js["attendees"]] == PEOPLE
    assert js["dtstart"] == berlin("2027-05-04T18:30")


def test_a_series_across_dst_gives_exactly_the_right_instants(files: Path):
    cal = python_calendar(files / "series.ics")
    found = recurring_ical_events.of(cal).between(datetime(2027, 1, 1), datetime(2028, 1, 1))
    python = sorted((iso(e["DTSTART"].dt), iso(e["DTEND"].dt)) for e in found)
    assert python == SERIES

    (js,) = icaljs(files / "series.ics")
    assert [(o["start"], o["end"]) for o in js["occurrences"]] == SERIES
    # The moved date keeps its identity: RECURRENCE-ID names the date the rule gives.
    assert [o["recurrence_id"] for o in js["occurrences"]][3] == berlin("2027-04-06T18:30")


def test_all_day_series_and_multi_session_series(files: Path):
    cal = python_calendar(files / "weekends.ics")
    hike = next(e for e in cal.walk("VEVENT") if str(e["SUMMARY"]) == "Saturday hike")
    # Beside a DATE DTSTART, UNTIL is a DATE too (RFC 5545 §3.3.10).
    assert hike["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20270515"
    found = recurring_ical_events.of(cal).between(datetime(2027, 1, 1), datetime(2028, 1, 1))
    # The file is the upcoming scope: it holds the other workshops of this database too.
    ours = ("Saturday hike", "Weekend sprint")
    days = sorted((str(e["SUMMARY"]), str(e["DTSTART"].dt)[:16]) for e in found if str(e["SUMMARY"]).startswith(ours))
    assert days == [
        ("Saturday hike", "2027-05-01"),
        ("Saturday hike", "2027-05-08"),
        ("Saturday hike", "2027-05-15"),
        ("Weekend sprint · Saturday", "2027-05-01 10:00"),
        ("Weekend sprint · Saturday", "2027-05-08 10:00"),
        ("Weekend sprint · Sunday", "2027-05-02 10:00"),
        ("Weekend sprint · Sunday", "2027-05-09 10:00"),
    ]
    js = {e["summary"]: [o["start"] for o in e["occurrences"]] for e in icaljs(files / "weekends.ics")}
    assert js["Saturday hike"] == ["2027-05-01", "2027-05-08", "2027-05-15"]
    assert js["Weekend sprint · Saturday"] == [berlin("2027-05-01T10:00"), berlin("2027-05-08T10:00")]
    assert js["Weekend sprint · Sunday"] == [berlin("2027-05-02T10:00"), berlin("2027-05-09T10:00")]


def test_a_cancelled_workshop_says_so_with_a_higher_sequence(files: Path):
    (event,) = python_calendar(files / "cancelled.ics").walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    (js,) = icaljs(files / "cancelled.ics")
    assert (js["status"], js["sequence"]) == ("CANCELLED", 1)
    assert js["dtstart"] == at("2027-10-30T18:00", "Europe/London")


@pytest.mark.parametrize("zone", ZONES)
def test_sessions_in_every_zone_resolve_to_the_right_instant(files: Path, zone: str):
    want = sorted([
        (at("2027-07-01T09:30", zone), at("2027-07-01T11:00", zone)),
        (at("2027-12-01T09:30", zone), at("2027-12-01T11:00", zone)),
    ])
    cal = python_calendar(files / "all.ics")
    python = sorted(
        (iso(e["DTSTART"].dt), iso(e["DTEND"].dt))
        for e in cal.walk("VEVENT")
        if str(e["SUMMARY"]).startswith(f"Meetup in {zone} ·")
    )
    assert python == want
    js = sorted(
        (e["dtstart"], e["dtend"]) for e in icaljs(files / "all.ics") if e["summary"].startswith(f"Meetup in {zone} ·")
    )
    assert js == want
