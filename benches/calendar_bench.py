"""Calendar export speed: every workshop of a 10,000-session community schedule as one .ics file,
written by Guildhall's export against Python icalendar writing the same events, in the same
run. Target (the issue): ours at least 10x faster, both outputs valid.

What is timed, on both sides in process (no process start, no imports), median of 5 runs:

- ours: `export(conn, &CalendarScope::All, now, &mut IcsWriter)` as the app runs it, reading
  every workshop from the SQLite database *and* writing the text (examples/calendar_bench.rs);
- Python: building an `icalendar.Calendar` from the same events, already in memory as Python
  values (datetimes with their ZoneInfo, RRULEs parsed, people and categories as lists; the
  JSON the example dumps is read and converted before the clock starts), adding the VTIMEZONEs
  with `add_missing_timezones()` (ours writes them too) and serializing with `to_ical()`.

So Python gets the favourable side of the comparison: no database read, no parsing of stamps.

Both outputs must be valid, or the bench exits non-zero: each is parsed back with
`icalendar.Calendar.from_ical` and must hold one VEVENT per session with the same UIDs, summaries
and start times as the other; ours is also read by Mozilla ical.js (tests/interop/js). Speed is
printed, never asserted.

Usage: python benches/calendar_bench.py path/to/calendar_bench [sessions]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vRecur, vText

RUNS = 5
ROOT = Path(__file__).resolve().parent.parent
READ_ICS = ROOT / "tests" / "interop" / "js" / "read_ics.mjs"
PRODID = "-//Guildhall//icalendar baseline//EN"


def prepare(events: list[dict]) -> list[dict]:
    """The JSON events as the Python values icalendar takes (not timed)."""
    zones: dict[str, ZoneInfo] = {}
    out = []
    for e in events:
        tz = zones.setdefault(e["tzid"], ZoneInfo(e["tzid"]))
        out.append(
            {
                **e,
                "dtstart": datetime.fromisoformat(e["dtstart"]).replace(tzinfo=tz),
                "dtend": datetime.fromisoformat(e["dtend"]).replace(tzinfo=tz),
                "exdates": [datetime.fromisoformat(x).replace(tzinfo=tz) for x in e["exdates"]],
                "rrule": vRecur.from_ical(e["rrule"]) if e["rrule"] else None,
            }
        )
    return out


def person(p: dict, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{p['email']}")
    address.params["CN"] = vText(p["name"])
    for name, value in params.items():
        address.params[name.upper()] = value
    return address


def icalendar_calendar(events: list[dict], dtstamp: datetime, tz_from: date, tz_until: date) -> bytes:
    """The baseline: the same VEVENTs (and VTIMEZONEs) through icalendar (timed)."""
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    for e in events:
        ev = Event()
        ev.add("uid", e["uid"])
        ev.add("dtstamp", dtstamp)
        ev.add("sequence", e["sequence"])
        ev.add("dtstart", e["dtstart"])
        ev.add("dtend", e["dtend"])
        if e["rrule"] is not None:
            ev.add("rrule", e["rrule"])
            for x in e["exdates"]:
                ev.add("exdate", x)
        ev.add("summary", e["summary"])
        if e["description"]:
            ev.add("description", e["description"])
        if e["location"]:
            ev.add("location", e["location"])
        if e["url"]:
            ev.add("url", e["url"], parameters={"VALUE": "URI"})
        ev.add("status", e["status"])
        for tag in e["categories"]:
            ev.add("categories", [tag])
        people = e["facilitators"]
        if people:
            ev.add("organizer", person(people[0]))
        for p in people:
            ev.add("attendee", person(p, role="CHAIR", partstat="ACCEPTED"))
        cal.add_component(ev)
    cal.add_missing_timezones(first_date=tz_from, last_date=tz_until)
    return cal.to_ical()


def vevents(text: bytes, who: str, sessions: int) -> list[tuple[str, str, str]]:
    """(UID, SUMMARY, DTSTART) of every VEVENT, after checking the file parses and has one per
    session."""
    try:
        cal = Calendar.from_ical(text)
    except Exception as e:  # noqa: BLE001 - any parse failure means the output is invalid
        sys.exit(f"calendar bench: icalendar cannot read {who}'s calendar: {e}")
    found = [
        (str(ev["UID"]), str(ev["SUMMARY"]), ev.decoded("DTSTART").isoformat())
        for ev in cal.walk("VEVENT")
    ]
    if len(found) != sessions:
        sys.exit(f"calendar bench: {who}'s calendar has {len(found)} VEVENTs, not {sessions}")
    if not cal.walk("VTIMEZONE"):
        sys.exit(f"calendar bench: {who}'s calendar has no VTIMEZONE")
    return found


def main() -> None:
    example = Path(sys.argv[1]).resolve()
    sessions = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        # The first call fills the database; the second, a fresh process as the app would be,
        # times the export.
        subprocess.run([str(example), str(data), str(sessions), "1"], check=True, stdout=subprocess.DEVNULL)
        ours = json.loads(
            subprocess.run(
                [str(example), str(data), str(sessions), str(RUNS)], check=True, capture_output=True, text=True
            ).stdout
        )
        ours_ics = Path(ours["ics"]).read_bytes()

        dump = json.loads(Path(ours["events_json"]).read_text(encoding="utf-8"))
        events = prepare(dump["events"])
        dtstamp = datetime.fromisoformat(dump["dtstamp"].replace("Z", "+00:00"))
        # The span our VTIMEZONEs are right for: a year before the first session to a few
        # years after the furthest an open series reaches (ten years from now).
        tz_from = date(min(e["dtstart"] for e in events).year - 1, 1, 1)
        tz_until = date(dtstamp.year + 15, 1, 1)
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            theirs_ics = icalendar_calendar(events, dtstamp, tz_from, tz_until)
            times.append(time.perf_counter() - start)
        (Path(tmp) / "icalendar.ics").write_bytes(theirs_ics)

        ours_events = vevents(ours_ics, "Guildhall", sessions)
        theirs_events = vevents(theirs_ics, "icalendar", sessions)
        if sorted(ours_events) != sorted(theirs_events):
            sys.exit("calendar bench: the two calendars do not hold the same events")
        js = subprocess.run(
            ["node", str(READ_ICS), ours["ics"], "1"], check=True, capture_output=True, text=True
        )
        js_events = len(json.loads(js.stdout)["events"])
        if js_events != sessions:
            sys.exit(f"calendar bench: ical.js reads {js_events} events in ours, not {sessions}")

    o, p = ours["median_seconds"], statistics.median(times)
    ratio = p / o
    print(
        f"calendar bench: {sessions} sessions in {ours['workshops']} workshops, median of {RUNS} runs, "
        "in process (no process start or imports)"
    )
    print(
        f"  guildhall export, SQLite read + write  {o:7.3f} s  ({len(ours_ics) / 1e6:.1f} MB; "
        f"min {ours['min_seconds']:.3f} s)"
    )
    print(
        f"  python icalendar, build + to_ical()    {p:7.3f} s  ({len(theirs_ics) / 1e6:.1f} MB; "
        f"min {min(times):.3f} s)"
    )
    print(
        f"  valid: icalendar reads {len(ours_events)} / {len(theirs_events)} VEVENTs (same UIDs, "
        f"summaries, starts), ical.js reads {js_events} in ours"
    )
    print(f"  ratio {ratio:.1f}x faster (target >= 10x: {'met' if ratio >= 10 else 'NOT met'})")


if __name__ == "__main__":
    main()
