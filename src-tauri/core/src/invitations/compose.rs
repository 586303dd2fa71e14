//! One person's mail for one session of a workshop, as bytes (RFC 6047 iMIP):
//!
//! ```text
//! multipart/mixed
//! ├── multipart/alternative
//! │   ├── text/plain
//! │   ├── text/html                (refers to the QR image by cid:)
//! │   └── text/calendar; method=REQUEST|CANCEL
//! ├── application/ics  invite.ics  (the same bytes as the calendar part)
//! └── image/png        check-in.png (inline, the member's check-in code)
//! ```
//!
//! To: that person alone; their ATTENDEE alone in the calendar; the sender as ORGANIZER.

use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::model::{InvitationMail, InviteRole, Rsvp};
use super::template::{self, html_escape, markdown_literal, plain, Template};
use super::{links, qr};
use crate::calendar::export::{itip_calendar, Itip};
use crate::error::Result;
use crate::mime::{self, Part};
use crate::outbox::{MailKind, NewMail};
use crate::settings::MailSettings;
use crate::time::{parse_stamp, zone};
use crate::workshops::{series, Session, Workshop};

/// The person a mail is for.
#[derive(Debug, Clone)]
pub struct Recipient<'a> {
    pub member_id: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub check_in_code: &'a str,
    pub role: InviteRole,
    pub rsvp: Rsvp,
    /// The invitation's id, for the idempotency key.
    pub invitation_id: &'a str,
    /// The word in the subject of its reply links (see `rsvp::link_subject`).
    pub reply_token: &'a str,
}

/// What the mail says about the workshop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invitation,
    Update,
    Cancel,
    Reminder,
    /// The workshop is full: "you are on the waitlist" (no calendar part: no place yet).
    Waitlisted,
    /// A place came free: the calendar invitation, accepted.
    Promoted,
    /// One date of a series is full (the date's original start, RECURRENCE-ID): "you wait
    /// for a place on that date". No calendar part: the series' invitation stays as it is.
    WaitlistedOn(Timestamp),
    /// A place came free on one date of a series; no calendar part either.
    PromotedOn(Timestamp),
    /// "We have your answer" (the organizer chose to confirm answers): the answer, and the
    /// series date it was for. No calendar part, no reply links.
    Confirmed(Rsvp, Option<Timestamp>),
}

impl Purpose {
    fn kind(self) -> MailKind {
        match self {
            Purpose::Invitation => MailKind::Invitation,
            Purpose::Update => MailKind::Update,
            Purpose::Cancel => MailKind::Cancel,
            Purpose::Reminder => MailKind::Reminder,
            Purpose::Waitlisted | Purpose::WaitlistedOn(_) => MailKind::Waitlist,
            Purpose::Promoted | Purpose::PromotedOn(_) => MailKind::Promotion,
            Purpose::Confirmed(..) => MailKind::Confirmation,
        }
    }

    /// Whether the mail carries the calendar (text/calendar and invite.ics).
    pub fn has_calendar(self) -> bool {
        !matches!(
            self,
            Purpose::Waitlisted
                | Purpose::WaitlistedOn(_)
                | Purpose::PromotedOn(_)
                | Purpose::Confirmed(..)
        )
    }

    /// Whether it can happen again for the same invitation and sequence (joining the waitlist
    /// twice, promoted twice): its idempotency key then names its action too.
    pub fn repeats(self) -> bool {
        matches!(
            self,
            Purpose::Waitlisted
                | Purpose::Promoted
                | Purpose::WaitlistedOn(_)
                | Purpose::PromotedOn(_)
                | Purpose::Confirmed(..)
        )
    }
}

/// "Tuesday 8 December 2026, 18:00–20:00 (Europe/Berlin)"; a series says how it repeats.
/// One date of a series, `at` its original start: "Tuesday 3 March 2027, 18:30 (Europe/Berlin)".
fn date_text(workshop: &Workshop, at: Timestamp) -> Result<String> {
    let tz = zone(&workshop.time_zone)?;
    let day = at.to_zoned(tz).strftime("%A %-d %B %Y, %H:%M").to_string();
    Ok(format!("{day} ({})", workshop.time_zone))
}

pub fn when_text(workshop: &Workshop, session: &Session) -> Result<String> {
    let tz = zone(&workshop.time_zone)?;
    let start = parse_stamp(&session.start)?.to_zoned(tz.clone());
    let end = parse_stamp(&session.end)?.to_zoned(tz.clone());
    let day = start.strftime("%A %-d %B %Y").to_string();
    let mut text = if session.all_day {
        day
    } else if start.date() == end.date() {
        format!(
            "{day}, {}–{}",
            start.strftime("%H:%M"),
            end.strftime("%H:%M")
        )
    } else {
        format!(
            "{day}, {} – {}",
            start.strftime("%H:%M"),
            end.strftime("%A %-d %B %Y, %H:%M")
        )
    };
    if let Some(s) = &workshop.series {
        text = format!(
            "{} from {text}",
            series::describe(&s.rule, start.datetime(), &tz)
        );
    }
    if !session.all_day {
        text.push_str(&format!(" ({})", workshop.time_zone));
    }
    Ok(text)
}

/// "Old Town Library, Room 2" / "Online" / both.
pub fn where_text(workshop: &Workshop) -> String {
    match (&workshop.venue, &workshop.online_url) {
        (Some(v), Some(_)) => format!("{v} (and online)"),
        (Some(v), None) => v.clone(),
        (None, Some(_)) => "Online".to_owned(),
        (None, None) => "to be announced".to_owned(),
    }
}

/// What calendars show of the workshop, in one line: every session's time, and the place. Two
/// different summaries mean the invited people's calendars need the update.
pub fn summary(workshop: &Workshop) -> Result<String> {
    let times = workshop
        .sessions
        .iter()
        .map(|s| when_text(workshop, s))
        .collect::<Result<Vec<_>>>()?;
    Ok(format!("{} · {}", times.join("; "), where_text(workshop)))
}

/// At most one empty line in a row (an empty placeholder leaves no hole), no trailing spaces.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut empty = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            empty += 1;
            if empty > 1 {
                continue;
            }
        } else {
            empty = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_owned()
}

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

fn value(
    workshop: &Workshop,
    session: &Session,
    to: &Recipient,
    from_name: &str,
    name: &str,
) -> Result<String> {
    Ok(match name {
        "first_name" => first_name(to.name).to_owned(),
        "name" => to.name.to_owned(),
        "workshop" => workshop.title.clone(),
        "when" => when_text(workshop, session)?,
        "where" => where_text(workshop),
        "online_link" => workshop.online_url.clone().unwrap_or_default(),
        "agenda" => {
            let mut lines = Vec::new();
            for (i, s) in workshop.sessions.iter().enumerate() {
                let title = if s.title.is_empty() {
                    format!("Part {}", i + 1)
                } else {
                    s.title.clone()
                };
                lines.push(format!("{title}: {}", when_text(workshop, s)?));
            }
            lines.join("\n")
        }
        "description" => workshop.description.clone(),
        "organizer" => from_name.to_owned(),
        "check_in_code" => to.check_in_code.to_owned(),
        _ => String::new(),
    })
}

/// The checked templates of a saved (or default) mail.
pub fn templates(mail: &InvitationMail) -> Result<(Template, Template)> {
    template::check(&mail.subject, &mail.body)
}

/// The rendered parts of one mail, before they become bytes (the preview shows them).
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub calendar: String,
    /// The check-in code's QR image, shown by the HTML as `cid:check-in@guildhall`.
    pub qr: qr::Image,
}

#[allow(clippy::too_many_arguments)]
pub fn render(
    workshop: &Workshop,
    session_index: usize,
    to: &Recipient,
    (subject_t, body_t): &(Template, Template),
    settings: &MailSettings,
    purpose: Purpose,
    sequence: u32,
    now: Timestamp,
) -> Result<Rendered> {
    let session = &workshop.sessions[session_index];
    let parts = workshop.sessions.len();
    // Every value is computed once; errors (a zone the system lost) surface here.
    let mut values = std::collections::HashMap::new();
    for (name, _) in template::PLACEHOLDERS {
        values.insert(
            *name,
            value(workshop, session, to, &settings.from_name, name)?,
        );
    }
    let get = |name: &str| values.get(name).cloned().unwrap_or_default();

    let mut subject = subject_t.fill(&get, plain);
    let prefix = match purpose {
        Purpose::Invitation => "",
        Purpose::Update => "Updated: ",
        Purpose::Cancel => "Cancelled: ",
        Purpose::Reminder => "Reminder: ",
        Purpose::Waitlisted | Purpose::WaitlistedOn(_) => "Waitlist: ",
        Purpose::Promoted | Purpose::PromotedOn(_) => "A place for you: ",
        Purpose::Confirmed(..) => "Your answer: ",
    };
    subject = format!("{prefix}{subject}");
    if parts > 1 && purpose.has_calendar() {
        subject.push_str(&format!(" (part {} of {parts})", session_index + 1));
    }

    // The lines Guildhall adds around the organizer's text, in Markdown with every value
    // escaped.
    let mut head = Vec::new();
    match purpose {
        Purpose::Update => head.push(format!(
            "**The workshop changed.** It is now: {}, {}.",
            markdown_literal(&get("when")),
            markdown_literal(&get("where"))
        )),
        Purpose::Cancel => head.push(format!(
            "**{} is cancelled**: it will not take place on {}. It is taken off your calendar.",
            markdown_literal(&workshop.title),
            markdown_literal(&get("when"))
        )),
        Purpose::Reminder => head.push(format!(
            "A reminder: **{}** is coming up, {}, {}.",
            markdown_literal(&workshop.title),
            markdown_literal(&get("when")),
            markdown_literal(&get("where"))
        )),
        Purpose::Waitlisted => head.push(format!(
            "**{} is full.** You are on the waitlist, first come, first served: if a place \
             frees up, it is yours and you get a mail with the calendar invitation.",
            markdown_literal(&workshop.title)
        )),
        Purpose::Promoted => head.push(format!(
            "**A place came free for you** at {}: {}, {}. It is in the calendar invitation \
             with this mail; if you cannot come after all, say so and it goes to the next person.",
            markdown_literal(&workshop.title),
            markdown_literal(&get("when")),
            markdown_literal(&get("where"))
        )),
        Purpose::WaitlistedOn(at) => head.push(format!(
            "**{} is full on {}.** You are on the waitlist for that date, first come, first \
             served: if a place frees up, it is yours and you get a mail saying so. Your other \
             dates stay as they are.",
            markdown_literal(&workshop.title),
            markdown_literal(&date_text(workshop, at)?)
        )),
        Purpose::PromotedOn(at) => head.push(format!(
            "**A place came free for you** at {} on {}. If you cannot come after all, decline \
             that date in your calendar or reply to this mail, and it goes to the next person.",
            markdown_literal(&workshop.title),
            markdown_literal(&date_text(workshop, at)?)
        )),
        Purpose::Confirmed(answer, on) => {
            let words = match answer {
                Rsvp::Accepted => "going",
                Rsvp::Tentative => "maybe",
                Rsvp::Declined => "can't come",
                Rsvp::NeedsAction | Rsvp::Waitlisted => "no answer yet",
            };
            let on = match on {
                Some(at) => format!(" on {}", markdown_literal(&date_text(workshop, at)?)),
                None => String::new(),
            };
            head.push(format!(
                "**We have your answer: {words}**, for {}{on}. Thank you! If it changes, \
                 answer again in your calendar or reply to this mail.",
                markdown_literal(&workshop.title)
            ));
        }
        Purpose::Invitation => {}
    }
    if parts > 1 && purpose.has_calendar() {
        head.push(format!(
            "This mail is part {} of {parts}: one for each session, so each has its own place in your calendar.",
            session_index + 1
        ));
    }
    if to.role == InviteRole::Facilitator && purpose != Purpose::Cancel {
        head.push("You are **facilitating** this workshop.".to_owned());
    }
    let no_body = matches!(
        purpose,
        Purpose::Cancel | Purpose::Waitlisted | Purpose::WaitlistedOn(_) | Purpose::Confirmed(..)
    );
    let body_md = if no_body {
        String::new()
    } else {
        body_t.fill(&get, markdown_literal)
    };
    let body_text = if no_body {
        String::new()
    } else {
        tidy(&body_t.fill(&get, plain))
    };
    // Reply links, for clients that send no calendar reply; not in a cancellation.
    let reply_address = settings
        .reply_to
        .as_deref()
        .unwrap_or(&settings.from_address);
    // A date's own mail has none: they answer for the whole series.
    let links: Vec<(&str, String)> = if no_body || matches!(purpose, Purpose::PromotedOn(_)) {
        Vec::new()
    } else {
        links::LINKS
            .iter()
            .map(|(label, words)| {
                let subject = links::subject(words, to.reply_token);
                (*label, links::mailto(reply_address, &subject))
            })
            .collect()
    };
    let links_md = if links.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = links
            .iter()
            .map(|(label, url)| format!("[{label}]({url})"))
            .collect();
        format!("Can you come? Answer with one click: {}", list.join(" · "))
    };
    let links_text = if links.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = links
            .iter()
            .map(|(label, url)| format!("{label}: {url}"))
            .collect();
        format!(
            "Can you come? Answer with one click (your mail program opens a reply):\n{}",
            list.join("\n")
        )
    };
    let code = to.check_in_code;
    let foot_md = format!(
        "Your check-in code: `{code}`, show it at the door.\n\n\
         You get this mail because you are a member of {}. To get no more mail, reply with \
         \"unsubscribe\".",
        markdown_literal(&settings.from_name)
    );
    let head_md = head.join("\n\n");
    let markdown = [
        head_md.as_str(),
        body_md.as_str(),
        links_md.as_str(),
        foot_md.as_str(),
    ]
    .into_iter()
    .filter(|p| !p.is_empty())
    .collect::<Vec<_>>()
    .join("\n\n");
    let qr = qr::image(code)?;
    let qr_side = qr.side;
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body>\n{body}\n<p><img src=\"cid:check-in@guildhall\" alt=\"Check-in code {code}\" \
         width=\"{qr_side}\" height=\"{qr_side}\"></p>\n</body></html>\n",
        title = html_escape(&subject),
        body = template::to_html(&markdown),
    );
    let plain_head = head
        .iter()
        .map(|h| h.replace("**", "").replace('\\', ""))
        .collect::<Vec<_>>()
        .join("\n\n");
    let plain_foot = format!(
        "Your check-in code: {code} (show it at the door).\n\n\
         You get this mail because you are a member of {}. To get no more mail, reply with \
         \"unsubscribe\".",
        plain(&settings.from_name)
    );
    let text = [
        plain_head.as_str(),
        body_text.as_str(),
        links_text.as_str(),
        plain_foot.as_str(),
    ]
    .into_iter()
    .filter(|p| !p.is_empty())
    .collect::<Vec<_>>()
    .join("\n\n");

    let itip = Itip {
        session_id: &session.id,
        sequence,
        cancel: purpose == Purpose::Cancel,
        organizer_name: &settings.from_name,
        organizer_email: &settings.from_address,
        attendee_name: to.name,
        attendee_email: to.email,
        chair: to.role == InviteRole::Facilitator,
        partstat: to.rsvp.partstat(),
    };
    let calendar = itip_calendar(workshop, &itip, now)?;
    Ok(Rendered {
        subject,
        text,
        html,
        calendar,
        qr,
    })
}

/// The whole mail, ready for the outbox.
#[allow(clippy::too_many_arguments)]
pub fn mail(
    workshop: &Workshop,
    session_index: usize,
    to: &Recipient,
    templates: &(Template, Template),
    settings: &MailSettings,
    purpose: Purpose,
    sequence: u32,
    now: Timestamp,
) -> Result<NewMail> {
    let r = render(
        workshop,
        session_index,
        to,
        templates,
        settings,
        purpose,
        sequence,
        now,
    )?;
    let method = if purpose == Purpose::Cancel {
        "CANCEL"
    } else {
        "REQUEST"
    };
    let message_id = message_id(settings);
    let calendar_bytes = r.calendar.into_bytes();
    let png = Part::bytes(
        "image/png; name=\"check-in.png\"",
        vec![
            ("Content-ID".into(), "<check-in@guildhall>".into()),
            (
                "Content-Disposition".into(),
                "inline; filename=\"check-in.png\"".into(),
            ),
        ],
        r.qr.png,
    );
    let mut alternative = vec![
        Part::text("text/plain; charset=utf-8", &r.text),
        Part::text("text/html; charset=utf-8", &r.html),
    ];
    let mut parts = Vec::new();
    if purpose.has_calendar() {
        alternative.push(Part::bytes(
            &format!("text/calendar; charset=utf-8; method={method}"),
            Vec::new(),
            calendar_bytes.clone(),
        ));
        parts.push(Part::Multipart {
            subtype: "alternative",
            parts: alternative,
        });
        parts.push(Part::bytes(
            "application/ics; name=\"invite.ics\"",
            vec![(
                "Content-Disposition".into(),
                "attachment; filename=\"invite.ics\"".into(),
            )],
            calendar_bytes,
        ));
    } else {
        parts.push(Part::Multipart {
            subtype: "alternative",
            parts: alternative,
        });
    }
    parts.push(png);
    let root = Part::Multipart {
        subtype: "mixed",
        parts,
    };
    let unsubscribe = format!(
        "<mailto:{}?subject=unsubscribe>",
        settings
            .reply_to
            .as_deref()
            .unwrap_or(&settings.from_address)
    );
    let mut headers = vec![
        ("Date", mime::date(now)),
        (
            "From",
            mime::mailbox(&settings.from_name, &settings.from_address),
        ),
        ("To", mime::mailbox(to.name, to.email)),
    ];
    if let Some(reply_to) = &settings.reply_to {
        headers.push(("Reply-To", mime::mailbox("", reply_to)));
    }
    headers.extend([
        ("Subject", mime::unstructured(&r.subject)),
        ("Message-ID", format!("<{message_id}>")),
        ("List-Unsubscribe", unsubscribe),
        ("Auto-Submitted", "auto-generated".to_owned()),
    ]);
    let kind = purpose.kind();
    headers.push((
        "X-Guildhall-Mail",
        format!("{} {}", kind.as_str(), to.invitation_id),
    ));
    let seed = crate::ids::message_token().to_ascii_uppercase();
    let message = mime::message(&headers, &root, &seed);
    let occurrence = match purpose {
        Purpose::Reminder => format!(":{}", workshop.sessions[session_index].start),
        _ => String::new(),
    };
    Ok(NewMail {
        kind,
        workshop_id: Some(workshop.id.clone()),
        member_id: Some(to.member_id.to_owned()),
        sender: settings.from_address.clone(),
        recipient: to.email.to_owned(),
        subject: r.subject,
        message,
        idempotency_key: format!(
            "{}:{}:{}:{sequence}{occurrence}",
            kind.as_str(),
            to.invitation_id,
            workshop.sessions[session_index].id
        ),
        message_id,
    })
}

/// A new Message-ID (without the angle brackets), in the sender's domain.
fn message_id(settings: &MailSettings) -> String {
    let domain = settings
        .from_address
        .rsplit_once('@')
        .map_or("guildhall.invalid", |(_, d)| d);
    format!("{}@{domain}", crate::ids::message_token())
}

/// The organizer's test mail: plain text, to themselves.
pub fn test_mail(settings: &MailSettings, now: Timestamp) -> NewMail {
    let message_id = message_id(settings);
    let subject = "Guildhall test mail".to_owned();
    let text = format!(
        "This is a test mail from Guildhall, sent {} through {}:{}.\n\nIf you can read it, \
         invitations will reach your members the same way.",
        now.to_zoned(TimeZone::UTC).strftime("%-d %B %Y, %H:%M UTC"),
        settings.host,
        settings.port
    );
    let root = Part::text("text/plain; charset=utf-8", &text);
    let headers = vec![
        ("Date", mime::date(now)),
        (
            "From",
            mime::mailbox(&settings.from_name, &settings.from_address),
        ),
        (
            "To",
            mime::mailbox(&settings.from_name, &settings.from_address),
        ),
        ("Subject", mime::unstructured(&subject)),
        ("Message-ID", format!("<{message_id}>")),
    ];
    let seed = crate::ids::message_token().to_ascii_uppercase();
    NewMail {
        kind: MailKind::Test,
        workshop_id: None,
        member_id: None,
        sender: settings.from_address.clone(),
        recipient: settings.from_address.clone(),
        subject,
        message: mime::message(&headers, &root, &seed),
        idempotency_key: format!("test:{message_id}"),
        message_id,
    }
}
