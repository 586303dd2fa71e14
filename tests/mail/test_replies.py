"""Answers to the invitations Guildhall really sent, made the way members' programs make them,
then read back with `guildhall import replies` and shown by `guildhall guests`:

- a calendar client's REPLY, built by Python icalendar from the invite.ics that arrived (the
  same UID, METHOD:REPLY, the one ATTENDEE with its PARTSTAT), mailed by Python's `email`;
- a reply-link answer: the mailto: link that arrived in the HTML part, followed as a mail
  program follows it (To and Subject from the link);
- the same mail again, and a reply from someone who is not the attendee it speaks for.
"""

import re
from urllib.parse import parse_qs, unquote, urlsplit

from replykit import MEMBERS, arrived, calendar_reply, follow, guests, invited, links
from mailkit import leaves


def test_answers_to_the_sent_invitations_fill_the_guest_list(gh, smtp, tmp_path):
    wks = invited(gh, smtp)
    ada = arrived(smtp, "ada@example.org")
    grace = arrived(smtp, "grace@example.org")
    linus = arrived(smtp, "linus@example.org")

    files = tmp_path / "replies"
    files.mkdir()
    (files / "ada.eml").write_bytes(calendar_reply(ada, "ada@example.org", "ACCEPTED", "Ada <ada@example.org>"))
    grace_links = links(grace)
    assert list(grace_links) == ["Going", "Maybe", "Can't come"]
    (files / "grace.eml").write_bytes(follow(grace_links["Maybe"], "grace@example.org"))
    # Linus's answer arrives from someone else's address: held, not applied.
    (files / "forged.eml").write_bytes(calendar_reply(linus, "linus@example.org", "DECLINED", "eve@example.net"))

    done = gh.run("import", "replies", *(str(files / n) for n in ("ada.eml", "grace.eml", "forged.eml")))
    lines = done.out.splitlines()
    assert lines[0].endswith("ada.eml: applied: Ada Lovelace: going (Rust workshop)"), done
    assert lines[1].endswith("grace.eml: applied: Grace Hopper: maybe (Rust workshop)"), done
    assert ": held: Linus Torvalds: can't come (Rust workshop), sent by “eve@example.net”" in lines[2], done
    held = re.search(r"guildhall import confirm (rpl_\w+)", done.err)
    assert held, done

    assert guests(gh, wks) == {
        "ada@example.org": "going",
        "grace@example.org": "maybe",
        "linus@example.org": "no answer",
    }
    summary = gh.run("guests", wks).out.splitlines()[0]
    assert summary == "Rust workshop: going 1, maybe 1, can't come 0, no answer 1, waitlisted 0"

    # The same mail again changes nothing; the organizer confirms the held one.
    again = gh.run("import", "replies", str(files / "ada.eml"))
    assert ": already read: " in again.out, again
    gh.run("import", "confirm", held.group(1))
    assert guests(gh, wks)["linus@example.org"] == "can't come"
    assert gh.run("import", "confirm", held.group(1), expect=1).err

    # The CSV says the same, with how each answer came.
    rows = gh.run("guests", wks, "--format", "csv").out.splitlines()
    assert rows[0] == '"name","email","role","answer","answered_at","answered_by","comment","bounced"'
    by_email = {r.split(",")[1].strip('"'): r.split(",") for r in rows[1:]}
    assert by_email["ada@example.org"][5] == '"calendar"'
    assert by_email["grace@example.org"][5] == '"link"'


def test_a_reply_link_carries_only_its_own_invitations_token(gh, smtp):
    invited(gh, smtp)
    tokens = set()
    for member in MEMBERS:
        for label, link in links(arrived(smtp, member["email"])).items():
            url = urlsplit(link)
            assert unquote(url.path) == "group@example.org"
            subject = parse_qs(url.query)["subject"][0]
            token = re.fullmatch(r"RSVP (going|maybe|can't come) \[gh-([a-z0-9]{26})\]", subject)
            assert token, subject
            tokens.add(token.group(2))
    assert len(tokens) == len(MEMBERS), "one token per invitation, the same in its three links"
    # The plain-text part carries the same links.
    text = leaves(arrived(smtp, "ada@example.org"))["text/plain"].get_content()
    assert "Going: mailto:group@example.org?subject=RSVP%20going%20%5Bgh-" in text
