"""Guildhall's calendar import reads what other libraries write (issue 4).

Python icalendar 7 and Mozilla ical.js (tests/interop/js/write_ics.mjs) each write a calendar
with their own APIs: text that needs escaping, an organizer whose name needs quoting, zoned, UTC,
all-day and DURATION events, and a weekly series across a DST change with EXDATE, RDATE and a
RECURRENCE-ID override. `guildhall import calendar` reads each file into a temporary data folder;
`guildhall export calendar -` writes it back, and Python icalendar + recurring-ical-events read
that export. The texts must be the ones written, and every occurrence (start and end, in UTC) the
one the writing library expands from its own file. Run from the repository root after
`make interop-js-deps`:

    .venv/bin/pytest tests/interop/test_calendar_import.py
"""

import json
import os
import re
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "tests" / "interop" / "js"
GUILDHALL = ROOT / "target" / "debug" / "guildhall"
UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
# The window the occurrences are compared in: every event of both files falls inside it.
FROM, UNTIL = datetime(2027, 1, 1), datetime(2028, 6, 1)

SUMMARY = "Rust, SQL; and \\ backslashes 🦀"
DESCRIPTION = "Line one, with a comma; and a semicolon.\nLine two: ünïcödé ✓\n\nLine four \\ end"
LOCATION = "Kiezhaus, Raum 2, Weserstraße 12, 12047 Berlin"
ORGANIZER_CN = 'Zoë "Zed" Müller, PhD: Chair; Berlin'
ORGANIZER_EMAIL = "zoe@example.org"


@pytest.fixture(scope="module")
def guildhall_bin() -> Path:
    if not (JS / "node_modules" / "ical.js").is_dir():
        pytest.fail("ical.js is not installed: run `make interop-js-deps`", pytrace=False)
    subprocess.run(["cargo", "build", "--quiet", "-p", "guildhall-cli"], cwd=ROOT, check=True)
    return GUILDHALL


def run(guildhall_bin: Path, data: Path, *args: str) -> subprocess.CompletedProcess:
    # A zone far from UTC for the laptop's clock: floating and all-day times are read in it.
    env = {**os.environ, "TZ": "Pacific/Auckland"}
    env.pop("GUILDHALL_DATA_DIR", None)
    return subprocess.run(
        [str(guildhall_bin), "--data-dir", str(data), *args], capture_output=True, text=True, env=env
    )


def export(guildhall_bin: Path, data: Path) -> str:
    out = run(guildhall_bin, data, "export", "calendar", "-")
    assert out.returncode == 0, out.stderr
    return out.stdout


def without_stamps(ics: str) -> list[str]:
    """The export's lines without DTSTAMP (the time of the export itself). The CLI's output is
    read as text, so its CRLFs arrive as newlines: split on any line end."""
    lines = [line for line in ics.splitlines() if not line.startswith("DTSTAMP:")]
    assert len(lines) > 10, "the export has its lines"
    return lines


# --- the two source files ------------------------------------------------------------------------


def python_file() -> bytes:
    """A calendar written by Python icalendar's API (no hand-written lines)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Guildhall interop tests//icalendar//EN")
    cal.add("version", "2.0")
    stamp = datetime(2027, 1, 1, 12, tzinfo=UTC)

    def event(uid: str, summary: str) -> icalendar.Event:
        e = icalendar.Event()
        e.add("uid", uid)
        e.add("dtstamp", stamp)
        e.add("summary", summary)
        cal.add_component(e)
        return e

    text = event("py-text@guildhall.test", SUMMARY)
    text.add("description", DESCRIPTION)
    text.add("location", LOCATION)
    text.add("dtstart", datetime(2027, 5, 4, 18, 30, tzinfo=BERLIN))
    text.add("dtend", datetime(2027, 5, 4, 20, 0, tzinfo=BERLIN))
    organizer = icalendar.vCalAddress(f"mailto:{ORGANIZER_EMAIL}")
    organizer.params["cn"] = icalendar.vText(ORGANIZER_CN)
    text.add("organizer", organizer)

    utc = event("py-utc@guildhall.test", "Breakfast on UTC time")
    utc.add("dtstart", datetime(2027, 6, 1, 9, 0, tzinfo=UTC))
    utc.add("dtend", datetime(2027, 6, 1, 10, 30, tzinfo=UTC))

    all_day = event("py-all-day@guildhall.test", "Winter retreat (all day)")
    all_day.add("dtstart", date(2027, 12, 24))
    all_day.add("dtend", date(2027, 12, 26))

    lasting = event("py-duration@guildhall.test", "Walk that lasts PT1H45M")
    lasting.add("dtstart", datetime(2027, 7, 10, 14, 0, tzinfo=BERLIN))
    lasting.add("duration", timedelta(hours=1, minutes=45))

    # Thursdays 18:00-19:30 New York from 14 October 2027, across the end of DST (7 November):
    # 28 October skipped, 11 November moved to Friday 12 November 19:00-20:30.
    series = event("py-series@guildhall.test", "Thursday evenings in New York")
    series.add("dtstart", datetime(2027, 10, 14, 18, 0, tzinfo=NEW_YORK))
    series.add("dtend", datetime(2027, 10, 14, 19, 30, tzinfo=NEW_YORK))
    series.add("rrule", {"freq": "weekly", "count": 6})
    series.add("exdate", datetime(2027, 10, 28, 18, 0, tzinfo=NEW_YORK))
    moved = event("py-series@guildhall.test", "Thursday evenings in New York")
    moved.add("recurrence-id", datetime(2027, 11, 11, 18, 0, tzinfo=NEW_YORK))
    moved.add("dtstart", datetime(2027, 11, 12, 19, 0, tzinfo=NEW_YORK))
    moved.add("dtend", datetime(2027, 11, 12, 20, 30, tzinfo=NEW_YORK))

    cal.add_missing_timezones()
    return cal.to_ical()


def icaljs_file() -> bytes:
    texts = {
        "summary": SUMMARY,
        "description": DESCRIPTION,
        "location": LOCATION,
        "organizer": {"cn": ORGANIZER_CN, "email": ORGANIZER_EMAIL},
    }
    out = subprocess.run(
        ["node", str(JS / "write_ics.mjs")], input=json.dumps(texts).encode(), check=True, capture_output=True
    )
    return out.stdout


WRITERS = {"icalendar": python_file, "icaljs": icaljs_file}
# Events in each file, as the importer counts them: UIDs (a series and its override are one).
EVENTS = 5


@pytest.fixture(params=sorted(WRITERS))
def source(request, tmp_path: Path) -> Path:
    path = tmp_path / f"{request.param}.ics"
    path.write_bytes(WRITERS[request.param]())
    return path


# --- reading ------------------------------------------------------------------------------------


def when(t) -> str:
    """An instant in UTC, or a date as it is (all-day)."""
    if isinstance(t, datetime):
        return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return t.isoformat()


def occurrences(ics: bytes | str) -> dict[str, list[tuple[str, str]]]:
    """Every occurrence in the window, by UID, as recurring-ical-events expands it."""
    cal = icalendar.Calendar.from_ical(ics)
    found: dict[str, list[tuple[str, str]]] = {}
    for e in recurring_ical_events.of(cal).between(FROM, UNTIL):
        found.setdefault(str(e["UID"]), []).append((when(e["DTSTART"].dt), when(e["DTEND"].dt)))
    return {uid: sorted(times) for uid, times in found.items()}


def icaljs_occurrences(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Every occurrence by UID, as ical.js expands it (tests/interop/js/read_ics.mjs)."""
    out = subprocess.run(["node", str(JS / "read_ics.mjs"), str(path)], check=True, capture_output=True)
    events = json.loads(out.stdout)["events"]
    return {e["uid"]: sorted((o["start"], o["end"]) for o in e["occurrences"]) for e in events}


def texts(ics: str) -> dict[str, tuple[str, str | None, str | None]]:
    """(SUMMARY, DESCRIPTION, LOCATION) by UID, from the events that are not overrides."""
    cal = icalendar.Calendar.from_ical(ics)
    return {
        str(e["UID"]): (
            str(e["SUMMARY"]),
            str(e["DESCRIPTION"]) if "DESCRIPTION" in e else None,
            str(e["LOCATION"]) if "LOCATION" in e else None,
        )
        for e in cal.walk("VEVENT")
        if "RECURRENCE-ID" not in e
    }


# --- the tests ----------------------------------------------------------------------------------


def test_the_writers_wrote_what_the_tests_expect(source: Path):
    """The reference itself: the writing library reads back its own file as intended."""
    want_series = {
        "icalendar": [
            (datetime(2027, 10, 14, 18, 0, tzinfo=NEW_YORK), timedelta(minutes=90)),
            (datetime(2027, 10, 21, 18, 0, tzinfo=NEW_YORK), timedelta(minutes=90)),
            (datetime(2027, 11, 4, 18, 0, tzinfo=NEW_YORK), timedelta(minutes=90)),
            (datetime(2027, 11, 12, 19, 0, tzinfo=NEW_YORK), timedelta(minutes=90)),
            (datetime(2027, 11, 18, 18, 0, tzinfo=NEW_YORK), timedelta(minutes=90)),
        ],
        "icaljs": [
            (datetime(2027, 10, 12, 18, 30, tzinfo=BERLIN), timedelta(minutes=90)),
            (datetime(2027, 10, 19, 18, 30, tzinfo=BERLIN), timedelta(minutes=90)),
            (datetime(2027, 11, 2, 18, 30, tzinfo=BERLIN), timedelta(minutes=90)),
            (datetime(2027, 11, 11, 19, 0, tzinfo=BERLIN), timedelta(minutes=90)),
            (datetime(2027, 11, 16, 18, 30, tzinfo=BERLIN), timedelta(minutes=90)),
            (datetime(2027, 11, 20, 10, 0, tzinfo=BERLIN), timedelta(minutes=90)),
        ],
    }[source.stem]
    found = occurrences(source.read_bytes())
    assert len(found) == EVENTS
    series = next(times for uid, times in found.items() if "series" in uid)
    assert series == [(when(s), when(s + d)) for s, d in want_series]
    prefix = {"icalendar": "py", "icaljs": "icaljs"}[source.stem]
    assert texts(source.read_text())[f"{prefix}-text@guildhall.test"] == (SUMMARY, DESCRIPTION, LOCATION)
    if source.stem == "icaljs":
        # ical.js expands its own file the same way (RDATE included).
        assert icaljs_occurrences(source) == found


def test_import_then_export_keeps_texts_and_every_occurrence(guildhall_bin: Path, source: Path, tmp_path: Path):
    data = tmp_path / "data"
    out = run(guildhall_bin, data, "import", "calendar", str(source))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"imported {EVENTS} events: {EVENTS} new, 0 updated, 0 unchanged, 0 skipped"

    ours = export(guildhall_bin, data)
    assert texts(ours) == texts(source.read_text())
    assert occurrences(ours) == occurrences(source.read_bytes())


def test_importing_the_same_file_again_changes_nothing(guildhall_bin: Path, source: Path, tmp_path: Path):
    data = tmp_path / "data"
    assert run(guildhall_bin, data, "import", "calendar", str(source)).returncode == 0
    first = export(guildhall_bin, data)

    out = run(guildhall_bin, data, "import", "calendar", str(source))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"imported {EVENTS} events: 0 new, 0 updated, {EVENTS} unchanged, 0 skipped"
    again = export(guildhall_bin, data)
    assert again.count("BEGIN:VEVENT") == first.count("BEGIN:VEVENT")
    assert without_stamps(again) == without_stamps(first)


def test_a_dry_run_writes_nothing(guildhall_bin: Path, source: Path, tmp_path: Path):
    data = tmp_path / "data"
    out = run(guildhall_bin, data, "import", "calendar", str(source), "--dry-run")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"would import {EVENTS} events: {EVENTS} new, 0 updated, 0 unchanged, 0 skipped"
    assert "BEGIN:VEVENT" not in export(guildhall_bin, data)


def test_a_corrupted_dtstart_imports_nothing_and_names_the_line(guildhall_bin: Path, source: Path, tmp_path: Path):
    data = tmp_path / "data"
    assert run(guildhall_bin, data, "import", "calendar", str(source)).returncode == 0
    before = export(guildhall_bin, data)

    # The same file with a changed title (which would be an update) and one DTSTART made invalid.
    lines = source.read_bytes().decode().split("\r\n")
    broken = next(i for i, line in enumerate(lines) if line.startswith("DTSTART;TZID=Europe/Berlin:20270710T"))
    lines[broken] = re.sub(r":\d{8}T", ":2027-07-10T", lines[broken])
    lines = [line.replace("Breakfast on UTC time", "Brunch on UTC time") for line in lines]
    bad = tmp_path / f"broken-{source.name}"
    bad.write_bytes("\r\n".join(lines).encode())

    out = run(guildhall_bin, data, "import", "calendar", str(bad))
    assert out.returncode == 1
    assert out.stdout == ""
    assert out.stderr.startswith(f"guildhall: {bad}:{broken + 1}: "), out.stderr
    assert "DTSTART" in out.stderr and out.stderr.rstrip().endswith("nothing was imported"), out.stderr
    assert without_stamps(export(guildhall_bin, data)) == without_stamps(before)
