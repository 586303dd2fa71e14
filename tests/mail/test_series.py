"""A weekly series in Berlin across the start of summer time (28 March 2027): the invitation's
calendar gives six evenings at 18:00 Berlin time, whose UTC offset changes from +01:00 to +02:00,
in Python (icalendar + recurring-ical-events) and in Mozilla ical.js."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from mailkit import calendar, calendar_bytes, icaljs, vevent

BERLIN = ZoneInfo("Europe/Berlin")
UID = "series@guildhall.test"
# 10 March 2027 and the five Wednesdays after it, 18:00-20:00 wall-clock time.
DAYS = [datetime(2027, 3, 10, 18, 0, tzinfo=BERLIN) + timedelta(weeks=w) for w in range(6)]
EXPECTED = [(d.astimezone(timezone.utc), (d + timedelta(hours=2)).astimezone(timezone.utc)) for d in DAYS]


def iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_expected_instants_cross_the_change():
    # The reference itself: three evenings at +01:00, three at +02:00.
    assert [d.utcoffset() for d in DAYS] == [timedelta(hours=1)] * 3 + [timedelta(hours=2)] * 3
    assert iso(EXPECTED[0][0]) == "2027-03-10T17:00:00Z" and iso(EXPECTED[3][0]) == "2027-03-31T16:00:00Z"


def test_a_weekly_series_across_dst_stays_at_six_in_the_evening(gh, smtp, tmp_path):
    gh.import_members([{"name": "Ada Lovelace", "email": "ada@example.org"}])
    series = vevent(UID, "20270310T180000", "20270310T200000", summary="Rust evenings", extra=("RRULE:FREQ=WEEKLY;COUNT=6",))
    gh.import_calendar(calendar(series))
    gh.use_server(smtp.port)
    queued = gh.invite(gh.workshop_id(UID), "--all")
    assert (queued.mails, queued.people) == (1, 1), "one mail: the series is one calendar entry"
    gh.send()
    (mail,) = smtp.messages()
    ics = calendar_bytes(mail.raw)

    cal = icalendar.Calendar.from_ical(ics)
    (event,) = cal.walk("VEVENT")
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Berlin"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    found = recurring_ical_events.of(cal).between(datetime(2026, 1, 1), datetime(2029, 1, 1))
    python = sorted(found, key=lambda e: e["DTSTART"].dt)
    assert [(iso(e["DTSTART"].dt), iso(e["DTEND"].dt)) for e in python] == [(iso(s), iso(e)) for s, e in EXPECTED]
    # 18:00 Berlin time each evening; the UTC offset changes after 28 March.
    assert [e["DTSTART"].dt.strftime("%Y-%m-%d %H:%M") for e in python] == [d.strftime("%Y-%m-%d 18:00") for d in DAYS]
    assert [e["DTSTART"].dt.utcoffset() for e in python] == [timedelta(hours=1)] * 3 + [timedelta(hours=2)] * 3

    js = icaljs(ics, tmp_path / "js")
    assert js["method"] == "REQUEST" and js["timezones"] == ["Europe/Berlin"]
    (jse,) = js["events"]
    assert jse["uid"] == UID
    occurrences = jse["occurrences"]
    assert [(o["start"]["utc"], o["end"]["utc"]) for o in occurrences] == [(iso(s), iso(e)) for s, e in EXPECTED]
    assert [o["start"]["local"] for o in occurrences] == [d.strftime("%Y-%m-%dT18:00:00") for d in DAYS]
    assert [o["start"]["offset"] for o in occurrences] == [3600] * 3 + [7200] * 3
