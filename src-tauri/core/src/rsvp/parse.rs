//! What a mail (or a dropped .ics file) says, before anything is looked up: calendar replies
//! (iTIP REPLY in a text/calendar or .ics part, however deep in the MIME tree and however
//! encoded), a reply link's answer (the token in the subject), or a delivery failure report
//! (RFC 3464). Nothing here touches the database; nothing in the mail is trusted yet.

use crate::invitations::links::{self, TOKEN_PREFIX};
use guildhall_ical::read::{read_itip, EventTime};
use mailparse::{MailHeaderMap, ParsedMail};
use sha2::{Digest, Sha256};

/// An answer to an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Answer {
    Accepted,
    Tentative,
    Declined,
}

impl Answer {
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Accepted => "accepted",
            Answer::Tentative => "tentative",
            Answer::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Answer::Accepted, Answer::Tentative, Answer::Declined]
            .into_iter()
            .find(|a| a.as_str() == s)
    }

    /// The words shown for it (and those of a reply link's subject).
    pub fn words(self) -> &'static str {
        match self {
            Answer::Accepted => "going",
            Answer::Tentative => "maybe",
            Answer::Declined => "can't come",
        }
    }

    fn from_partstat(partstat: &str) -> Option<Self> {
        match partstat {
            "ACCEPTED" => Some(Answer::Accepted),
            "TENTATIVE" => Some(Answer::Tentative),
            "DECLINED" => Some(Answer::Declined),
            _ => None,
        }
    }
}

/// One attendee's answer in a calendar reply.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarAnswer {
    pub uid: String,
    /// The one ATTENDEE's address, as written.
    pub attendee: String,
    pub answer: Answer,
    /// RECURRENCE-ID: the one date of a series this answers.
    pub occurrence: Option<EventTime>,
    pub comment: Option<String>,
}

/// A recipient a delivery report says failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub recipient: String,
    /// The status and the server's words, e.g. `5.1.1 smtp; 550 … User unknown`.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Calendar(Vec<CalendarAnswer>),
    /// A reply link's answer: the token from the subject.
    Link {
        token: String,
        answer: Answer,
    },
    /// A delivery failure report; `invitation` is the `X-Guildhall-Mail` of the mail that
    /// failed, when the report quotes its headers.
    Bounce {
        failed: Vec<Failure>,
        invitation: Option<String>,
    },
    /// A delivery report that reports no failure (delayed, relayed, delivered).
    Report,
    /// Neither a reply nor a report (left alone), or a calendar part that cannot be read.
    Other {
        why: String,
    },
}

/// A mail or file, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// Its Message-ID, or a hash of its bytes: the same mail is applied once.
    pub fingerprint: String,
    /// The From address (lower-cased); `None` for a bare .ics file.
    pub sender: Option<String>,
    pub subject: String,
    pub incoming: Incoming,
}

/// Reads a whole mail (RFC 5322 bytes). A mail that cannot be parsed at all is `Other`.
pub fn mail(raw: &[u8]) -> Parsed {
    let hash = fingerprint_of(raw);
    let Ok(parsed) = mailparse::parse_mail(raw) else {
        return Parsed {
            fingerprint: hash,
            sender: None,
            subject: String::new(),
            incoming: Incoming::Other {
                why: "not a mail Guildhall can read".into(),
            },
        };
    };
    let headers = parsed.get_headers();
    let fingerprint = headers
        .get_first_value("Message-ID")
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .map_or(hash, |id| format!("mid:{id}"));
    let sender = headers
        .get_first_value("From")
        .and_then(|from| address_of(&from));
    let subject = headers.get_first_value("Subject").unwrap_or_default();
    let incoming = if let Some(report) = find(&parsed, &is_delivery_report) {
        delivery_report(report)
    } else if let Some(link) = link_in(&subject) {
        link
    } else {
        calendar_parts(&parsed)
    };
    Parsed {
        fingerprint,
        sender,
        subject,
        incoming,
    }
}

/// Reads a bare .ics file (dropped by the organizer).
pub fn ics(raw: &[u8]) -> Parsed {
    Parsed {
        fingerprint: fingerprint_of(raw),
        sender: None,
        subject: String::new(),
        incoming: calendar(raw),
    }
}

fn fingerprint_of(raw: &[u8]) -> String {
    let digest = Sha256::digest(raw);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The address of a From header (`Name <a@b>` or a bare address), lower-cased.
fn address_of(value: &str) -> Option<String> {
    let list = mailparse::addrparse(value).ok()?;
    list.iter().find_map(|a| match a {
        mailparse::MailAddr::Single(s) => Some(s.addr.trim().to_lowercase()),
        mailparse::MailAddr::Group(g) => g.addrs.first().map(|s| s.addr.trim().to_lowercase()),
    })
}

fn find<'a>(
    part: &'a ParsedMail<'a>,
    matches: &dyn Fn(&ParsedMail<'_>) -> bool,
) -> Option<&'a ParsedMail<'a>> {
    if matches(part) {
        return Some(part);
    }
    part.subparts.iter().find_map(|p| find(p, matches))
}

fn is_delivery_report(part: &ParsedMail<'_>) -> bool {
    part.ctype.mimetype.eq_ignore_ascii_case("multipart/report")
        && part
            .ctype
            .params
            .get("report-type")
            .is_some_and(|t| t.eq_ignore_ascii_case("delivery-status"))
}

/// RFC 3464: the per-recipient fields of the `message/delivery-status` part; the failed mail's
/// own headers from its `text/rfc822-headers` or `message/rfc822` part.
fn delivery_report(report: &ParsedMail<'_>) -> Incoming {
    let mut failed = Vec::new();
    let mut invitation = None;
    for part in &report.subparts {
        let kind = part.ctype.mimetype.to_ascii_lowercase();
        let Ok(body) = part.get_body_raw() else {
            continue;
        };
        match kind.as_str() {
            "message/delivery-status" => failed.extend(failures(&body)),
            "text/rfc822-headers" | "message/rfc822" | "message/rfc822-headers" => {
                if let Ok((headers, _)) = mailparse::parse_headers(&body) {
                    invitation = headers
                        .get_first_value("X-Guildhall-Mail")
                        .and_then(|v| v.split_whitespace().nth(1).map(str::to_owned));
                }
            }
            _ => {}
        }
    }
    if failed.is_empty() {
        Incoming::Report
    } else {
        Incoming::Bounce { failed, invitation }
    }
}

/// The recipients whose `Action:` is `failed`, from the blank-line separated field groups.
fn failures(body: &[u8]) -> Vec<Failure> {
    let text = String::from_utf8_lossy(body).replace("\r\n", "\n");
    let mut out = Vec::new();
    for group in text.split("\n\n") {
        let Ok((fields, _)) = mailparse::parse_headers(group.trim_start().as_bytes()) else {
            continue;
        };
        let action = fields.get_first_value("Action").unwrap_or_default();
        if !action.trim().eq_ignore_ascii_case("failed") {
            continue;
        }
        let recipient = fields
            .get_first_value("Final-Recipient")
            .or_else(|| fields.get_first_value("Original-Recipient"))
            .map(|r| {
                // `rfc822; bob@example.org`
                r.rsplit(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .trim_matches(['<', '>'])
                    .to_lowercase()
            })
            .filter(|r| r.contains('@'));
        let Some(recipient) = recipient else {
            continue;
        };
        let status = fields.get_first_value("Status").unwrap_or_default();
        let diagnostic = fields
            .get_first_value("Diagnostic-Code")
            .unwrap_or_default();
        let reason = format!("{} {}", status.trim(), diagnostic.trim())
            .trim()
            .to_owned();
        out.push(Failure {
            recipient,
            reason: crate::text::one_line(&reason, 300),
        });
    }
    out
}

/// A reply link's subject, e.g. `RSVP going [gh-TOKEN]` (clients may add `Re: `).
pub fn link_subject(answer: Answer, token: &str) -> String {
    links::subject(answer.words(), token)
}

fn link_in(subject: &str) -> Option<Incoming> {
    let lower = subject.to_lowercase();
    let start = lower.find(TOKEN_PREFIX)? + TOKEN_PREFIX.len();
    let end = start + lower[start..].find(']')?;
    let token = lower[start..end].trim().to_owned();
    if token.len() < 20 || !token.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let words = lower[..start].replace('\u{2019}', "'");
    let answer = if words.contains("can't come") || words.contains("cant come") {
        Answer::Declined
    } else if words.contains("maybe") {
        Answer::Tentative
    } else if words.contains("going") {
        Answer::Accepted
    } else {
        return None;
    };
    Some(Incoming::Link { token, answer })
}

fn is_calendar(part: &ParsedMail<'_>) -> bool {
    let mime = part.ctype.mimetype.to_ascii_lowercase();
    mime == "text/calendar"
        || mime == "application/ics"
        || (mime == "application/octet-stream"
            && part
                .get_content_disposition()
                .params
                .get("filename")
                .is_some_and(|f| f.to_ascii_lowercase().ends_with(".ics")))
}

/// Every calendar part's REPLY answers, each once (Thunderbird and Google send the same
/// calendar twice: inline and as invite.ics).
fn calendar_parts(mail: &ParsedMail<'_>) -> Incoming {
    let mut parts = Vec::new();
    collect(mail, &mut parts);
    if parts.is_empty() {
        return Incoming::Other {
            why: "no calendar reply, reply link or delivery report in it".into(),
        };
    }
    let mut answers: Vec<CalendarAnswer> = Vec::new();
    let mut problem = None;
    for part in parts {
        let body = match part.get_body_raw() {
            Ok(body) => body,
            Err(e) => {
                problem = Some(format!("its calendar part cannot be decoded ({e})"));
                continue;
            }
        };
        match calendar(&body) {
            Incoming::Calendar(found) => {
                for answer in found {
                    if !answers.contains(&answer) {
                        answers.push(answer);
                    }
                }
            }
            Incoming::Other { why } => problem = Some(why),
            _ => {}
        }
    }
    if answers.is_empty() {
        Incoming::Other {
            why: problem.unwrap_or_else(|| "its calendar is not a reply".into()),
        }
    } else {
        Incoming::Calendar(answers)
    }
}

fn collect<'a>(part: &'a ParsedMail<'a>, out: &mut Vec<&'a ParsedMail<'a>>) {
    if is_calendar(part) {
        out.push(part);
    }
    for sub in &part.subparts {
        collect(sub, out);
    }
}

/// A calendar's REPLY answers: each VEVENT's one ATTENDEE with an answer. A calendar with
/// another METHOD, or one that cannot be read, is `Other` with why.
fn calendar(bytes: &[u8]) -> Incoming {
    let itip = match read_itip(bytes) {
        Ok(itip) => itip,
        Err(e) => {
            return Incoming::Other {
                why: format!("its calendar cannot be read: {e}"),
            }
        }
    };
    if itip.method.as_deref() != Some("REPLY") {
        return Incoming::Other {
            why: format!(
                "its calendar is {}, not a reply",
                itip.method.as_deref().unwrap_or("without a METHOD")
            ),
        };
    }
    let mut answers = Vec::new();
    for event in itip.events {
        // RFC 5546 §3.2.3: a REPLY carries the one attendee who answers.
        let [attendee] = event.attendees.as_slice() else {
            continue;
        };
        let (Some(email), Some(answer)) = (
            attendee.email.clone(),
            attendee.partstat.as_deref().and_then(Answer::from_partstat),
        ) else {
            continue;
        };
        answers.push(CalendarAnswer {
            uid: event.uid,
            attendee: email,
            answer,
            occurrence: event.recurrence_id,
            comment: event.comment,
        });
    }
    if answers.is_empty() {
        return Incoming::Other {
            why: "its reply names no one attendee with an answer".into(),
        };
    }
    Incoming::Calendar(answers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_links_subject_gives_its_answer_and_token() {
        let token = "abcdefghijklmnopqrstuvwxyz";
        for answer in [Answer::Accepted, Answer::Tentative, Answer::Declined] {
            let subject = format!("Re: {}", link_subject(answer, token));
            assert_eq!(
                link_in(&subject),
                Some(Incoming::Link {
                    token: token.into(),
                    answer
                }),
                "{subject}"
            );
        }
        assert_eq!(link_in("RSVP going [gh-short]"), None);
        assert_eq!(link_in("RSVP going"), None);
        assert_eq!(link_in(&format!("Hello [gh-{token}]")), None);
    }

    #[test]
    fn a_mail_that_is_not_one_is_other() {
        assert!(matches!(mail(b"\xff\xfe").incoming, Incoming::Other { .. }));
        let plain = b"From: Ada <ada@example.org>\r\nSubject: Can I bring a friend?\r\n\r\nHi!\r\n";
        let read = mail(plain);
        assert_eq!(read.sender.as_deref(), Some("ada@example.org"));
        assert!(matches!(read.incoming, Incoming::Other { .. }));
        assert!(read.fingerprint.starts_with("sha256:"));
    }
}
