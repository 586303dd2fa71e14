"""Guildhall's VTIMEZONEs, evaluated by parsers we did not write, against the tz database.

The Rust example writes one calendar with a VTIMEZONE and one VEVENT per zone; this test reads it
with Python icalendar (whose VTIMEZONE-to-tzinfo goes through dateutil) and with Mozilla ical.js
(tests/interop/js/read_ics.mjs, under Node), and compares the UTC offset each of them derives from
the file with the one Python's zoneinfo reads from /usr/share/zoneinfo, the same files jiff reads.
Run from the repository root after `make interop-js-deps`:

    .venv/bin/pytest tests/interop/test_vtimezone.py

Samples: every 6 hours through the range, plus one minute and one second before, at, and one
minute after every transition zoneinfo knows in the range. A second calendar covers 2000-2019,
where most of these zones changed their rules, so the explicit (RDATE) observances get exercised
as well as the yearly ones.
"""

import json
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from zones import ZONES

ROOT = Path(__file__).resolve().parents[2]
READ_ICS = ROOT / "tests" / "interop" / "js" / "read_ics.mjs"
OUT = ROOT / "target" / "interop"

RANGES = [(2020, 2035), (2000, 2019)]
STEP = timedelta(hours=6)
UTC = timezone.utc


def write_calendar(first: int, last: int) -> Path:
    if not (READ_ICS.parent / "node_modules" / "ical.js").is_dir():
        pytest.fail(
            "ical.js is not installed: run `make interop-js-deps` (npm ci in tests/interop/js)",
            pytrace=False,
        )
    ics = subprocess.run(
        ["cargo", "run", "--quiet", "-p", "guildhall-ical", "--example", "vtimezone", "--",
         str(first), str(last), *ZONES],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"vtimezone-{first}-{last}.ics"
    path.write_bytes(ics)
    return path


@pytest.fixture(scope="module", params=RANGES, ids=lambda r: f"{r[0]}-{r[1]}")
def calendar(request) -> tuple[Path, int, int]:
    first, last = request.param
    return write_calendar(first, last), first, last


def transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """Every instant in [start, end] where zoneinfo's offset changes, to the second."""

    def offset(t: datetime) -> timedelta:
        return t.astimezone(zone).utcoffset()

    found = []
    t = start
    while t < end:
        nxt = t + STEP
        if offset(t) != offset(nxt):
            lo, hi = t, nxt  # offset(lo) != offset(hi): the change is in (lo, hi]
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0)
                if offset(mid) == offset(lo):
                    lo = mid
                else:
                    hi = mid
            found.append(hi)
        t = nxt
    return found


def samples(zone: ZoneInfo, first: int, last: int) -> list[datetime]:
    start = datetime(first, 1, 1, tzinfo=UTC)
    end = datetime(last, 12, 31, 23, 59, 59, tzinfo=UTC)
    times = set()
    t = start
    while t <= end:
        times.add(t)
        t += STEP
    for change in transitions(zone, start, end):
        for delta in (-60, -1, 0, 60):
            times.add(change + timedelta(seconds=delta))
    return sorted(times)


def iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def first_mismatch(name: str, zone: str, got: dict[str, int | None],
                   want: dict[str, int]) -> str | None:
    for key, seconds in want.items():
        if got.get(key) != seconds:
            return (f"{name}: {zone} at {key} gives offset {got.get(key)} s, "
                    f"the tz database {seconds} s")
    return None


@pytest.fixture(scope="module")
def parsed(calendar):
    path, first, last = calendar
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    vtimezones = {str(c["TZID"]): c for c in cal.walk("VTIMEZONE")}
    vevents = {str(e["DTSTART"].params["TZID"]): e for e in cal.walk("VEVENT")}
    js_events = json.loads(
        subprocess.run(["node", str(READ_ICS), str(path)], check=True, capture_output=True,
                       text=True).stdout
    )["events"]
    return path, first, last, vtimezones, vevents, {e["dtstart_tzid"]: e for e in js_events}


@pytest.mark.parametrize("zone", ZONES)
def test_offsets_match_the_tz_database(parsed, zone: str) -> None:
    path, first, last, vtimezones, _, _ = parsed
    truth = ZoneInfo(zone)
    times = samples(truth, first, last)
    want = {iso(t): int(t.astimezone(truth).utcoffset().total_seconds()) for t in times}

    # (a) Python icalendar: the VTIMEZONE as a tzinfo, not the zone looked up by name.
    tz = vtimezones[zone].to_tz(lookup_tzid=False)
    python = {iso(t): int(t.astimezone(tz).utcoffset().total_seconds()) for t in times}

    # (b) ical.js: the transitions it expands from the same VTIMEZONE.
    js = json.loads(
        subprocess.run(["node", str(READ_ICS), "offsets-at", str(path), zone],
                       input="\n".join(want), check=True, capture_output=True,
                       text=True).stdout
    )["offsets"]

    problems = [m for m in (first_mismatch("icalendar", zone, python, want),
                            first_mismatch("ical.js", zone, js, want)) if m]
    print(f"{zone} {first}-{last}: {len(want)} samples compared with icalendar "
          f"and {len(js)} with ical.js")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("zone", ZONES)
def test_event_start_resolves_through_the_vtimezone(parsed, zone: str) -> None:
    _, _, _, vtimezones, vevents, js_events = parsed
    local = vevents[zone]["DTSTART"].dt.replace(tzinfo=None)
    want = local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)

    ours = local.replace(tzinfo=vtimezones[zone].to_tz(lookup_tzid=False)).astimezone(UTC)
    assert iso(ours) == iso(want), f"icalendar: {zone} DTSTART {local} -> {iso(ours)}"

    js = js_events.get(zone)
    assert js is not None, f"ical.js did not resolve TZID={zone} to its VTIMEZONE"
    assert js["dtstart"] == iso(want), f"ical.js: {zone} DTSTART {local} -> {js['dtstart']}"
