"""Answers read from the organizer's real IMAP inbox (Dovecot on 127.0.0.1, started by the
test): `guildhall inbox check` applies the replies that arrived, puts $GuildhallApplied on
them, leaves them unseen and everything else untouched, and reads nothing twice."""

from pathlib import Path

from replykit import arrived, calendar_reply, follow, guests, invited, links

FIXTURES = Path(__file__).resolve().parents[2] / "src-tauri" / "core" / "tests" / "fixtures" / "replies"
APPLIED = "$GuildhallApplied"


def use_inbox(gh, imap):
    gh.run("settings", "imap", "--host", "127.0.0.1", "--port", str(imap.port), "--security", "none", "--user", imap.user)


def check(gh, imap, expect=0):
    return gh.run("inbox", "check", expect=expect, env={"GUILDHALL_IMAP_PASSWORD": imap.password})


def test_the_inbox_check_applies_the_answers_and_marks_only_them(gh, smtp, imap):
    wks = invited(gh, smtp)
    use_inbox(gh, imap)
    ada = arrived(smtp, "ada@example.org")
    grace = arrived(smtp, "grace@example.org")
    accepted = imap.append(calendar_reply(ada, "ada@example.org", "ACCEPTED", "Ada <ada@example.org>"))
    maybe = imap.append(follow(links(grace)["Maybe"], "grace@example.org"))
    personal = imap.append((FIXTURES / "not_a_reply.eml").read_bytes())
    forged = imap.append(calendar_reply(arrived(smtp, "linus@example.org"), "linus@example.org", "DECLINED", "eve@example.net"))

    done = check(gh, imap)
    assert done.out.strip() == "read 4: applied 2, held 1, unmatched 0, left alone 1", done
    assert guests(gh, wks) == {
        "ada@example.org": "going",
        "grace@example.org": "maybe",
        "linus@example.org": "no answer",
    }
    flags = {m.uid: m.flags for m in imap.messages()}
    assert APPLIED in flags[accepted] and APPLIED in flags[maybe]
    # Not applied: not marked. And nothing was marked seen: the organizer's unread stays unread.
    assert APPLIED not in flags[personal] and APPLIED not in flags[forged]
    assert all("\\Seen" not in f for f in flags.values()), flags

    # Nothing new: nothing read. A new answer: only it is read.
    assert check(gh, imap).out.strip() == "read 0: applied 0, held 0, unmatched 0, left alone 0"
    linus = imap.append(follow(links(arrived(smtp, "linus@example.org"))["Can't come"], "linus@example.org"))
    assert check(gh, imap).out.strip() == "read 1: applied 1, held 0, unmatched 0, left alone 0"
    assert guests(gh, wks)["linus@example.org"] == "can't come"
    assert APPLIED in {m.uid: m.flags for m in imap.messages()}[linus]
    assert len(imap.messages()) == 5, "nothing is ever deleted"


def test_a_wrong_password_or_no_server_is_said_and_changes_nothing(gh, smtp, imap):
    wks = invited(gh, smtp)
    use_inbox(gh, imap)
    imap.append(calendar_reply(arrived(smtp, "ada@example.org"), "ada@example.org", "ACCEPTED", "ada@example.org"))
    wrong = gh.run("inbox", "check", expect=1, env={"GUILDHALL_IMAP_PASSWORD": "not-it"})
    assert "refused the login" in wrong.err, wrong
    assert guests(gh, wks)["ada@example.org"] == "no answer"
    imap.stop()
    down = check(gh, imap, expect=1)
    assert "Could not reach 127.0.0.1" in down.err, down
