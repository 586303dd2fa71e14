"""An invitation as it arrives: its MIME structure, its headers, its bytes on the wire, its
calendar as Python icalendar and Mozilla ical.js read it, and a member's name that tries to be
markup or a header."""

import io
import re
from email.utils import parseaddr, parsedate_to_datetime

import icalendar
import zxingcpp
from PIL import Image

from mailkit import FROM, SENDER, SENDER_NAME, calendar, icaljs, leaves, parse, vevent

SCRIPT_NAME = "<script>alert(1)</script> *stars*"
MEMBERS = [
    {"name": "Ada Lovelace", "email": "ada@example.org", "tags": ["rust", "sql"]},
    {"name": SCRIPT_NAME, "email": "script@example.org", "tags": ["rust"]},
    {"name": 'Zoë "Zed" Müller', "email": "zoe@example.org", "tags": ["rust"]},
    {"name": 'Rob "Bobby" Tables', "email": "rob@example.org", "tags": ["rust"]},
    {"name": "Carl No-Consent", "email": "carl@example.org", "tags": ["rust"], "consent": False},
    {"name": "Dora Python", "email": "dora@example.org", "tags": ["python"]},
]
INVITED = {m["email"]: m["name"] for m in MEMBERS if "rust" in m["tags"] and m.get("consent", True)}
# The To header each gets, byte for byte: ASCII names as quoted strings (quotes escaped), the
# others as RFC 2047 encoded words (checked decoded below).
ASCII_TO = {
    "ada@example.org": '"Ada Lovelace" <ada@example.org>',
    "script@example.org": '"<script>alert(1)</script> *stars*" <script@example.org>',
    "rob@example.org": '"Rob \\"Bobby\\" Tables" <rob@example.org>',
}
BODY = "Hello {name},\n\ncome to **{workshop}**: {when}, {where}.\n"


def raw_header(raw: bytes, name: bytes) -> bytes:
    """The header's value as sent, continuation lines unfolded (CRLF + space kept as space)."""
    head = raw.split(b"\r\n\r\n", 1)[0]
    lines = head.split(b"\r\n")
    for i, line in enumerate(lines):
        if line.lower().startswith(name.lower() + b": "):
            value = [line[len(name) + 2 :]]
            for more in lines[i + 1 :]:
                if not more.startswith((b" ", b"\t")):
                    break
                value.append(more)
            return b"".join(value)
    raise AssertionError(f"no {name!r} header")


def setup(gh, smtp, tmp_path):
    gh.import_members(MEMBERS)
    gh.import_calendar(calendar(vevent("ws1@guildhall.test", "20271110T180000", "20271110T200000")))
    gh.use_server(smtp.port)
    body = tmp_path / "body.md"
    body.write_text(BODY)
    wks = gh.workshop_id("ws1@guildhall.test")
    queued = gh.invite(wks, "--tag", "rust", "--subject", "Come, {first_name}!", "--body-file", str(body))
    return queued


def test_an_invitation_is_one_well_formed_imip_mail_per_person(gh, smtp, tmp_path):
    queued = setup(gh, smtp, tmp_path)
    assert (queued.mails, queued.people, queued.what) == (4, 4, "invitations")
    assert queued.left_out == {"did not agree to receive mail": 1}
    sent = gh.send()
    assert sent.out.strip() == "sent 4, failed 0, unknown 0; waiting to retry 0, still queued 0"

    stored = smtp.messages()
    assert sorted(r for s in stored for r in s.rcpt_to) == sorted(INVITED)
    message_ids, codes = set(), set()
    for s in stored:
        # The envelope: our sender, one recipient.
        assert s.mail_from == SENDER
        (to,) = s.rcpt_to
        raw = s.raw

        # On the wire: CRLF only, no line longer than SMTP allows.
        assert raw.endswith(b"\r\n")
        lines = raw.split(b"\r\n")[:-1]
        for line in lines:
            assert b"\n" not in line and b"\r" not in line, f"a bare CR or LF in {to}'s mail: {line!r}"
            assert len(line) <= 998, f"{len(line)} octets"
        raw.decode("ascii")  # 7bit: every body is base64, every header ASCII

        message = parse(raw)
        # Headers.
        assert message["From"] == FROM
        assert parseaddr(message["From"]) == (SENDER_NAME, SENDER)
        (address,) = message["To"].addresses
        assert (address.display_name, address.addr_spec) == (INVITED[to], to)
        assert len(message.get_all("To")) == 1 and message.get("Cc") is None and message.get("Bcc") is None
        if to in ASCII_TO:
            assert raw_header(raw, b"To").decode() == ASCII_TO[to]
        assert message["Subject"] == f"Come, {INVITED[to].split()[0]}!"
        assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@example.org>")
        message_ids.add(message["Message-ID"])
        assert parsedate_to_datetime(message["Date"]).utcoffset() is not None
        assert message["List-Unsubscribe"] == f"<mailto:{SENDER}?subject=unsubscribe>"
        assert message["MIME-Version"] == "1.0"

        # multipart/mixed > (multipart/alternative > plain, html, calendar), ics, png.
        assert message.get_content_type() == "multipart/mixed"
        alternative, ics, png = message.get_payload()
        assert alternative.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in alternative.get_payload()] == ["text/plain", "text/html", "text/calendar"]
        assert ics.get_content_type() == "application/ics"
        assert ics.get_content_disposition() == "attachment" and ics.get_filename() == "invite.ics"
        assert png.get_content_type() == "image/png"
        assert png["Content-ID"] == "<check-in@guildhall>"
        assert png.get_content_disposition() == "inline" and png.get_filename() == "check-in.png"
        assert png.get_payload(decode=True).startswith(b"\x89PNG\r\n\x1a\n")
        parts = leaves(message)
        plain, html, cal = parts["text/plain"], parts["text/html"], parts["text/calendar"]
        for part in (plain, html, cal):
            assert part.get_content_charset() == "utf-8"

        # The calendar: the same bytes twice, its method said in the part's type too.
        ics_bytes = cal.get_payload(decode=True)
        assert ics.get_payload(decode=True) == ics_bytes
        parsed = icalendar.Calendar.from_ical(ics_bytes)
        assert cal.get_param("method") == str(parsed["METHOD"]) == "REQUEST"
        ics_lines = ics_bytes.split(b"\r\n")
        assert ics_lines[-1] == b"" and all(len(line) <= 75 for line in ics_lines), "folded at 75 octets"
        (event,) = parsed.walk("VEVENT")
        attendee = event["ATTENDEE"]
        assert isinstance(attendee, str), "exactly one ATTENDEE"
        assert attendee.lower() == f"mailto:{to}"
        assert str(attendee.params["CN"]) == INVITED[to]
        assert attendee.params["RSVP"] == "TRUE" and attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert str(event["ORGANIZER"]).lower() == f"mailto:{SENDER}"
        assert str(event["ORGANIZER"].params["CN"]) == SENDER_NAME
        tzid = str(event["DTSTART"].params["TZID"])
        assert tzid == "Europe/Berlin"
        assert [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")] == [tzid]
        assert event["DTSTART"].dt.isoformat() == "2027-11-10T18:00:00+01:00"
        assert str(event["UID"]) == "ws1@guildhall.test"

        # ical.js reads the same.
        js = icaljs(ics_bytes, tmp_path / "js")
        assert js["method"] == "REQUEST" and js["timezones"] == ["Europe/Berlin"]
        (jse,) = js["events"]
        assert [(a["value"].lower(), a["cn"], a["rsvp"], a["partstat"]) for a in jse["attendees"]] == [
            (f"mailto:{to}", INVITED[to], "TRUE", "NEEDS-ACTION")
        ]
        assert (jse["organizer"]["value"].lower(), jse["organizer"]["cn"]) == (f"mailto:{SENDER}", SENDER_NAME)
        assert jse["start"]["utc"] == "2027-11-10T17:00:00Z"

        # The text parts: the name as typed, never markup.
        text = plain.get_content()
        page = html.get_content()
        assert f"Hello {INVITED[to]}," in text
        assert 'src="cid:check-in@guildhall"' in page
        assert "<script" not in page.lower()

        # The QR image, read by a decoder we did not write, is the code the text shows.
        (code,) = re.findall(r"Your check-in code: (\S+) \(show it at the door\)", text)
        (symbol,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.get_payload(decode=True))))
        assert symbol.format == zxingcpp.BarcodeFormat.QRCode
        assert symbol.text == code
        assert f"<code>{code}</code>" in page
        codes.add(code)
        if to == "script@example.org":
            assert "&lt;script&gt;alert(1)&lt;/script&gt; *stars*" in page, page
            assert "<em>" not in page, page
            assert "<title>Come, &lt;script&gt;alert(1)&lt;/script&gt;!</title>" in page, page

    assert len(message_ids) == len(stored), "every Message-ID is its own"
    assert len(codes) == len(stored), "every member has a check-in code of their own"


def test_no_name_can_add_a_header(gh, smtp, tmp_path):
    """A CSV cell may hold line breaks (quoted); the import makes them spaces, so a name cannot
    start a header of its own: it stays inside the To header's quoted display name."""
    gh.import_members([
        {"name": "Eve\r\nBcc: victim@example.org", "email": "eve@example.org"},
        {"name": "Mal\nX-Evil: 1", "email": "mal@example.org"},
    ])
    assert sorted(gh.query("SELECT name FROM member")) == [("Eve Bcc: victim@example.org",), ("Mal X-Evil: 1",)]
    gh.import_calendar(calendar(vevent("ws1@guildhall.test", "20271110T180000", "20271110T200000")))
    gh.use_server(smtp.port)
    gh.invite(gh.workshop_id("ws1@guildhall.test"), "--all")
    gh.send()
    expected = {
        "eve@example.org": ("Eve Bcc: victim@example.org", b'"Eve Bcc: victim@example.org" <eve@example.org>'),
        "mal@example.org": ("Mal X-Evil: 1", b'"Mal X-Evil: 1" <mal@example.org>'),
    }
    stored = smtp.messages()
    assert sorted(r for s in stored for r in s.rcpt_to) == sorted(expected)
    for s in stored:
        (to,) = s.rcpt_to
        name, header = expected[to]
        assert raw_header(s.raw, b"To") == header
        head = s.raw.split(b"\r\n\r\n", 1)[0]
        names = [line.split(b":", 1)[0].lower() for line in head.split(b"\r\n") if not line.startswith((b" ", b"\t"))]
        assert b"bcc" not in names and b"x-evil" not in names, head
        message = parse(s.raw)
        assert message.get("Bcc") is None and message.get("X-Evil") is None
        assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [(name, to)]
