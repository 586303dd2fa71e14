"""Answers as members' programs make them, to the invitations Guildhall really sent: a calendar
client's REPLY built by Python icalendar from the invite.ics that arrived, and the mail a mail
program writes from a reply link. Shared by the tests that read answers from files and from
the IMAP inbox."""

import re
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit

import icalendar

from mailkit import calendar, leaves, parse, vevent

UID = "answers@guildhall.test"
MEMBERS = [
    {"name": "Ada Lovelace", "email": "ada@example.org"},
    {"name": "Grace Hopper", "email": "grace@example.org"},
    {"name": "Linus Torvalds", "email": "linus@example.org"},
]


def invited(gh, smtp):
    gh.import_members(MEMBERS)
    gh.import_calendar(calendar(vevent(UID, "20271110T180000", "20271110T200000")))
    gh.use_server(smtp.port)
    wks = gh.workshop_id(UID)
    assert gh.invite(wks, "--all").mails == 3
    gh.send()
    return wks


def arrived(smtp, to: str) -> EmailMessage:
    (mail,) = smtp.messages_to(to)
    return parse(mail.raw)


def calendar_reply(invitation: EmailMessage, attendee: str, partstat: str, sender: str) -> bytes:
    """What a calendar client sends when `attendee` presses Yes/Maybe/No."""
    request = icalendar.Calendar.from_ical(leaves(invitation)["application/ics"].get_payload(decode=True))
    (event,) = request.walk("VEVENT")
    assert str(event["ATTENDEE"]).lower() == f"mailto:{attendee}"
    reply = icalendar.Calendar()
    reply.add("prodid", "-//Some Client//EN")
    reply.add("version", "2.0")
    reply.add("method", "REPLY")
    answer = icalendar.Event()
    for name in ("UID", "SEQUENCE", "DTSTART", "DTEND", "ORGANIZER"):
        answer[name] = event[name]
    answer.add("dtstamp", event["DTSTAMP"].dt)
    person = icalendar.vCalAddress(f"mailto:{attendee}")
    person.params["PARTSTAT"] = partstat
    answer.add("attendee", person)
    reply.add_component(answer)
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = invitation["From"]
    mail["Subject"] = f"{partstat.title()}: {invitation['Subject']}"
    mail["Date"] = formatdate()
    mail["Message-ID"] = make_msgid(domain="client.test")
    mail.set_content("My answer.")
    mail.add_alternative(reply.to_ical(), maintype="text", subtype="calendar", params={"method": "REPLY"})
    return bytes(mail)


def links(invitation: EmailMessage) -> dict[str, str]:
    """The reply links of the HTML part, by label."""
    html = leaves(invitation)["text/html"].get_content()
    return {unescape(label): unescape(href) for href, label in re.findall(r'<a href="(mailto:[^"]+)">([^<]+)</a>', html)}


def follow(link: str, sender: str) -> bytes:
    """The mail a mail program writes from a mailto: link, sent unchanged."""
    url = urlsplit(link)
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = unquote(url.path)
    mail["Subject"] = parse_qs(url.query)["subject"][0]
    mail["Date"] = formatdate()
    mail["Message-ID"] = make_msgid(domain="client.test")
    mail.set_content("")
    return bytes(mail)


def guests(gh, wks) -> dict[str, str]:
    out = gh.run("guests", wks).out.splitlines()
    return {line.split("\t")[2]: line.split("\t")[0] for line in out[1:]}
