//! The demo community: about two hundred believable members, so that someone opening Guildhall
//! for the first time sees it working. Every demo row has `source = 'demo'`, which is how the UI
//! marks it and how [`remove`] takes it all away again without touching real members. Loading
//! and removing the whole demo (members and workshops) is `crate::demo`'s.
//!
//! The community is generated from a fixed seed, so it is the same on every laptop (and in
//! screenshots), and all addresses use the reserved example domains (RFC 2606).

use rusqlite::{Connection, Transaction};

use super::input::clean;
use super::model::{MemberInput, MemberSource, PracticeLevel, Role};
use crate::clock::Clock;
use crate::error::Result;
use crate::text::fold;

pub const DEMO_SIZE: usize = 200;

/// The demo's first names (also the search benchmark's, which adds a few common ones).
pub const FIRST_NAMES: &[&str] = &[
    "Zoë",
    "Amara",
    "Lukas",
    "Mei",
    "Santiago",
    "Aoife",
    "Kwame",
    "Ingrid",
    "Ravi",
    "Élodie",
    "Tomasz",
    "Yuki",
    "Fatima",
    "Jonas",
    "Priya",
    "Mateo",
    "Hannah",
    "Oluwaseun",
    "Sofia",
    "Bjørn",
    "Leila",
    "Diego",
    "Anika",
    "Chidi",
    "Margaux",
    "Hiroshi",
    "Nadia",
    "Emil",
    "Camila",
    "Tariq",
    "Greta",
    "Arjun",
    "Lucía",
    "Finn",
    "Ama",
    "Søren",
    "Noor",
    "Pablo",
    "Wen",
    "Ilse",
];
pub const LAST_NAMES: &[&str] = &[
    "Müller",
    "Okafor",
    "Nguyễn",
    "García",
    "O'Brien",
    "Kowalski",
    "Tanaka",
    "Haddad",
    "Larsen",
    "Dubois",
    "Mensah",
    "Rossi",
    "Fernández",
    "Novak",
    "Iyer",
    "Schmidt",
    "Costa",
    "Lindqvist",
    "Abebe",
    "Moreau",
    "Yilmaz",
    "Silva",
    "Petrović",
    "Chen",
    "Ward",
    "Kaur",
    "Becker",
    "Ito",
    "Santos",
    "Walsh",
    "Łukasik",
    "Adeyemi",
];
const DOMAINS: &[&str] = &["example.org", "example.com", "example.net"];
pub const TAGS: &[&str] = &[
    "rust",
    "python",
    "data science",
    "design",
    "testing",
    "accessibility",
    "devops",
    "security",
    "machine learning",
    "writing",
    "mentoring",
    "open source",
    "frontend",
    "databases",
];
const NOTES: &[&str] = &[
    "Offered to bring a projector to the next workshop.",
    "Prefers evening sessions; works shifts on Mondays.",
    "Gave a great lightning talk on property testing.",
    "Asked about a beginners' track.",
    "Vegetarian; mention for catered events.",
    "Happy to help at the door.",
];

/// A small deterministic generator (SplitMix64): the same community every time, no dependency.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The demo community as editor inputs, in a fixed order.
pub fn community() -> Vec<MemberInput> {
    let mut dice = Dice(0x6775_696C_6468_616C); // "guildhal"
    let mut taken = std::collections::HashSet::new();
    let mut members = Vec::with_capacity(DEMO_SIZE);
    while members.len() < DEMO_SIZE {
        let (first, last) = (dice.pick(FIRST_NAMES), dice.pick(LAST_NAMES));
        if !taken.insert((first, last)) {
            continue;
        }
        let i = members.len();
        let level = match dice.below(100) {
            0..=49 => PracticeLevel::Newcomer,
            50..=84 => PracticeLevel::Practitioner,
            _ => PracticeLevel::Expert,
        };
        let mut roles = vec![Role::Member];
        if i < 4 {
            roles.push(Role::Organizer);
        }
        if level != PracticeLevel::Newcomer && dice.chance(15) {
            roles.push(Role::Facilitator);
        }
        if dice.chance(12) {
            roles.push(Role::Volunteer);
        }
        let tags = (0..1 + dice.below(3))
            .map(|_| dice.pick(TAGS).to_owned())
            .collect();
        let local: String = fold(&format!("{first}.{last}"))
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();
        let has_email = !dice.chance(4);
        let email_consent = has_email && dice.chance(85);
        let joined = jiff::civil::date(2023, 1, 9)
            .checked_add(jiff::Span::new().days(dice.below(1050) as i64))
            .unwrap_or(jiff::civil::date(2023, 1, 9));
        members.push(MemberInput {
            name: format!("{first} {last}"),
            email: has_email.then(|| format!("{local}@{}", dice.pick(DOMAINS))),
            phone: dice
                .chance(40)
                .then(|| format!("+44 7700 900{:03}", dice.below(1000))),
            practice_level: Some(level),
            roles,
            tags,
            email_consent,
            consent_on: email_consent.then(|| joined.to_string()),
            joined_on: Some(joined.to_string()),
            notes: if dice.chance(10) {
                dice.pick(NOTES).to_owned()
            } else {
                String::new()
            },
        });
    }
    members
}

/// How many demo members there are, and how many the organizer entered or imported themselves.
pub(crate) fn counts(conn: &Connection) -> Result<(u32, u32)> {
    Ok(conn.query_row(
        "SELECT count(*) FILTER (WHERE source = 'demo'), count(*) FILTER (WHERE source <> 'demo')
         FROM member",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Adds the demo community unless it is already there (adding twice is a no-op).
pub(crate) fn insert_community(tx: &Transaction, clock: &Clock) -> Result<()> {
    if counts(tx)?.0 > 0 {
        return Ok(());
    }
    for input in community() {
        let member = clean(&input)?;
        // A real member may already use one of the example addresses; keep theirs.
        match super::store::insert(tx, &member, MemberSource::Demo, clock) {
            Err(crate::CoreError::DuplicateEmail { .. }) => {
                let without_email = super::input::CleanMember {
                    email: None,
                    email_key: None,
                    email_consent: false,
                    consent_on: None,
                    ..member
                };
                super::store::insert(tx, &without_email, MemberSource::Demo, clock)?;
            }
            other => {
                other?;
            }
        }
    }
    Ok(())
}

/// Up to `n` demo members who facilitate, in name order: who runs the demo's workshops.
pub(crate) fn facilitators(conn: &Connection, n: u32) -> Result<Vec<String>> {
    Ok(conn
        .prepare(
            "SELECT m.id FROM member m JOIN member_role r ON r.member_id = m.id
             WHERE m.source = 'demo' AND r.role = 'facilitator' ORDER BY m.name_key LIMIT ?1",
        )?
        .query_map([n], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Removes every demo member and nothing else.
pub(crate) fn remove(tx: &Transaction) -> Result<()> {
    tx.execute("DELETE FROM member WHERE source = 'demo'", [])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_community_is_deterministic_varied_and_valid() {
        let a = community();
        assert_eq!(a, community());
        assert_eq!(a.len(), DEMO_SIZE);
        for m in &a {
            clean(m).unwrap();
        }
        let experts = a
            .iter()
            .filter(|m| m.practice_level == Some(PracticeLevel::Expert))
            .count();
        let volunteers = a
            .iter()
            .filter(|m| m.roles.contains(&Role::Volunteer))
            .count();
        let organizers = a
            .iter()
            .filter(|m| m.roles.contains(&Role::Organizer))
            .count();
        assert!((10..60).contains(&experts), "{experts} experts");
        assert!(volunteers >= 10, "{volunteers} volunteers");
        assert_eq!(organizers, 4);
        assert!(a
            .iter()
            .any(|m| m.name.contains('ë') || m.name.contains('ü')));
    }
}
