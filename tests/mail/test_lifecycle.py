"""One workshop's life in its invited people's calendars: the invitation (REQUEST), the update
after it moved (REQUEST, same UID, higher SEQUENCE, the new time), the cancellation (CANCEL,
STATUS:CANCELLED), each read by Python icalendar and by Mozilla ical.js; and one person
uninvited."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import icalendar

from mailkit import calendar, calendar_bytes, icaljs, parse, vevent

UID = "life@guildhall.test"
MEMBERS = [
    {"name": "Ada Lovelace", "email": "ada@example.org"},
    {"name": "Grace Hopper", "email": "grace@example.org"},
    {"name": "Linus No-Consent", "email": "linus@example.org", "consent": False},
]
INVITED = ["ada@example.org", "grace@example.org"]


def utc(local: str) -> datetime:
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo("Europe/Berlin")).astimezone(timezone.utc)


def iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def read(raw: bytes, scratch):
    """(content-type method, Python's event and METHOD, ical.js's event and METHOD)."""
    ics = calendar_bytes(raw)
    part = [p for p in parse(raw).walk() if p.get_content_type() == "text/calendar"][0]
    cal = icalendar.Calendar.from_ical(ics)
    (event,) = cal.walk("VEVENT")
    js = icaljs(ics, scratch)
    (jse,) = js["events"]
    return part.get_param("method"), str(cal["METHOD"]), event, js["method"], jse


def test_request_update_cancel_keep_the_uid_and_raise_the_sequence(gh, smtp, tmp_path):
    gh.import_members(MEMBERS)
    gh.import_calendar(calendar(vevent(UID, "20271110T180000", "20271110T200000")))
    gh.use_server(smtp.port)
    wks = gh.workshop_id(UID)
    invited = gh.invite(wks, "--all")
    assert (invited.mails, invited.people) == (2, 2)
    assert invited.left_out == {"did not agree to receive mail": 1}
    gh.send()
    first_sequence = gh.sequence(wks)

    # Nothing changed yet: no update to send.
    nothing = gh.run("update", wks)
    assert nothing.out.strip() == "queued 0 mails to 0 people (updates)"

    # The workshop moves a week later and an hour later (re-imported: same UID, new times).
    moved = gh.import_calendar(calendar(vevent(UID, "20271117T190000", "20271117T210000")))
    assert moved.out.strip() == "imported 1 events: 0 new, 1 updated, 0 unchanged, 0 skipped"
    assert gh.sequence(wks) > first_sequence
    update = gh.run("update", wks)
    assert update.out.strip() == "queued 2 mails to 2 people (updates)", update
    again = gh.run("update", wks)
    assert again.out.strip() == "queued 0 mails to 0 people (updates)", again
    gh.send()

    cancel = gh.run("cancel", wks)
    assert cancel.out.strip() == "queued 2 mails to 2 people (cancellations)", cancel
    gh.send()
    assert gh.status().counts == {
        "queued": 0, "sending": 0, "retry": 0, "sent": 6, "failed": 0, "unknown": 0, "cancelled": 0,
    }

    for to in INVITED:
        mails = smtp.messages_to(to)
        assert len(mails) == 3, f"{to}: request, update, cancel"
        for m in mails:
            assert m.rcpt_to == [to]
        subjects = [m.message["Subject"] for m in mails]
        assert subjects == ["Invitation: Rust workshop", "Updated: Invitation: Rust workshop", "Cancelled: Invitation: Rust workshop"]
        (req_type, req_m, req, req_js_m, req_js), (upd_type, upd_m, upd, upd_js_m, upd_js), (
            can_type, can_m, can, can_js_m, can_js
        ) = [read(m.raw, tmp_path / "js") for m in mails]

        assert [req_type, upd_type, can_type] == ["REQUEST", "REQUEST", "CANCEL"]
        assert [req_m, upd_m, can_m] == ["REQUEST", "REQUEST", "CANCEL"]
        assert [req_js_m, upd_js_m, can_js_m] == ["REQUEST", "REQUEST", "CANCEL"]

        assert {str(e["UID"]) for e in (req, upd, can)} == {UID}
        assert [j["uid"] for j in (req_js, upd_js, can_js)] == [UID] * 3
        sequences = [int(e["SEQUENCE"]) for e in (req, upd, can)]
        assert sequences[0] < sequences[1] < sequences[2], sequences
        assert [j["sequence"] for j in (req_js, upd_js, can_js)] == sequences

        # The times: the first as imported, the update's and the cancellation's the new one.
        assert iso(req["DTSTART"].dt) == iso(utc("2027-11-10T18:00")) == req_js["start"]["utc"]
        for event, js in ((upd, upd_js), (can, can_js)):
            assert iso(event["DTSTART"].dt) == iso(utc("2027-11-17T19:00")) == js["start"]["utc"]
            assert iso(event["DTEND"].dt) == iso(utc("2027-11-17T21:00")) == js["end"]["utc"]
            assert js["start"]["local"] == "2027-11-17T19:00:00" and js["start"]["tzid"] == "Europe/Berlin"

        assert str(req["STATUS"]) == str(upd["STATUS"]) == "CONFIRMED"
        assert str(can["STATUS"]) == can_js["status"] == "CANCELLED"
        # Each still names its one attendee.
        for event in (req, upd, can):
            assert str(event["ATTENDEE"]).lower() == f"mailto:{to}"

    # A cancelled workshop sends no more updates.
    refused = gh.run("update", wks, expect=1)
    assert "cancelled" in refused.err, refused


def test_uninviting_one_person_cancels_their_calendar_alone(gh, smtp, tmp_path):
    gh.import_members(MEMBERS)
    gh.import_calendar(calendar(vevent(UID, "20271110T180000", "20271110T200000")))
    gh.use_server(smtp.port)
    wks = gh.workshop_id(UID)
    gh.invite(wks, "--all")
    gh.send()
    grace = gh.member_ids()["grace@example.org"]
    out = gh.run("uninvite", wks, grace)
    assert out.out.strip() == "queued 1 mails to 1 people (cancellation)", out
    gh.send()
    assert len(smtp.messages_to("ada@example.org")) == 1, "Ada keeps her invitation, nothing more"
    request, cancel = smtp.messages_to("grace@example.org")
    _, _, req, _, _ = read(request.raw, tmp_path / "js")
    method, _, can, js_method, can_js = read(cancel.raw, tmp_path / "js")
    assert method == js_method == "CANCEL"
    assert str(can["UID"]) == str(req["UID"]) == UID
    assert int(can["SEQUENCE"]) > int(req["SEQUENCE"])
    assert str(can["STATUS"]) == can_js["status"] == "CANCELLED"
    assert str(can["ATTENDEE"]).lower() == "mailto:grace@example.org"
    # Invited again, she gets a new REQUEST above the CANCEL her calendar has.
    back = gh.invite(wks, "--member", grace)
    assert (back.mails, back.people) == (1, 1)
    gh.send()
    *_, again = smtp.messages_to("grace@example.org")
    method, _, event, _, _ = read(again.raw, tmp_path / "js")
    assert method == "REQUEST"
    assert int(event["SEQUENCE"]) > int(can["SEQUENCE"])
