//! Identifiers and secrets made from the operating system's random source.
//!
//! Ids are `prefix_` + Crockford base32 (no I, L, O, U: nothing to misread when a volunteer
//! types a code at the door). A check-in code carries 120 random bits, so it cannot be guessed
//! from another member's code or from the member's id.
//!
//! Member ids begin with the time they were made (like a ULID), so that a new member's id, and
//! their rows in `member_tag` and `member_role`, land at the end of the B-trees keyed by it
//! instead of at a random page: a 100k-member import then appends instead of splitting pages
//! all over the file. An id is still only compared, never read for its time.

use std::cell::RefCell;
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Fills `out` from the OS random source, which is read 4 KiB at a time: an import of 100k
/// members needs 200k ids and codes, and one system call each cost more than the rest of making
/// them. Every byte is handed out once, so a code is exactly as unguessable as if it had been
/// read on its own.
fn fill_random(out: &mut [u8]) {
    const POOL: usize = 4096;
    thread_local! {
        static BUFFER: RefCell<(Box<[u8; POOL]>, usize)> = RefCell::new((Box::new([0; POOL]), POOL));
    }
    BUFFER.with_borrow_mut(|(pool, used)| {
        for chunk in out.chunks_mut(POOL) {
            if POOL - *used < chunk.len() {
                // The OS random source failing is not something the app can recover from or
                // work around.
                getrandom::fill(&mut pool[..])
                    .expect("the operating system's random source is unavailable");
                *used = 0;
            }
            chunk.copy_from_slice(&pool[*used..*used + chunk.len()]);
            // Not left behind to be read again.
            pool[*used..*used + chunk.len()].fill(0);
            *used += chunk.len();
        }
    });
}

fn random_base32(chars: usize) -> String {
    let mut bytes = vec![0u8; chars];
    fill_random(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b & 31)] as char)
        .collect()
}

/// A new member id, e.g. `mem_1KJ3M7QZ84W9XTRP`: 80 bits, the high 45 the milliseconds since
/// 1970 (enough until the year 3084), the low 35 random. Ids made by this process always
/// increase, even within one millisecond or if the clock steps back: the next id is then the
/// previous one plus one. Two processes making members in the same millisecond still differ by
/// their 35 random bits (and the primary key refuses the ~1 in 34 billion clash).
pub fn member_id() -> String {
    static LAST: Mutex<u128> = Mutex::new(0);
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
        & ((1 << 45) - 1);
    let mut random = [0u8; 8];
    fill_random(&mut random);
    let fresh = millis << 35 | u128::from(u64::from_le_bytes(random) & ((1 << 35) - 1));
    let mut last = LAST.lock().unwrap_or_else(PoisonError::into_inner);
    let value = if fresh > *last { fresh } else { *last + 1 };
    *last = value;
    drop(last);
    let mut id = String::with_capacity(4 + 16);
    id.push_str("mem_");
    id.extend(
        (0..16)
            .rev()
            .map(|i| ALPHABET[(value >> (5 * i)) as usize & 31] as char),
    );
    id
}

/// A new workshop id, e.g. `wks_7K2M9Q4XW1RZ3B8D`.
pub fn workshop_id() -> String {
    format!("wks_{}", random_base32(16))
}

/// A new session id, e.g. `ses_7K2M9Q4XW1RZ3B8D`.
pub fn session_id() -> String {
    format!("ses_{}", random_base32(16))
}

/// A new calendar UID (RFC 5545): 130 random bits, globally unique, saying nothing about the
/// community or the member it is sent to.
pub fn ical_uid() -> String {
    format!("{}@guildhall", random_base32(26).to_ascii_lowercase())
}

/// A new invitation id, e.g. `inv_7K2M9Q4XW1RZ3B8D`.
pub fn invitation_id() -> String {
    format!("inv_{}", random_base32(16))
}

/// A new outbox mail id, e.g. `out_7K2M9Q4XW1RZ3B8D`.
pub fn outbox_id() -> String {
    format!("out_{}", random_base32(16))
}

/// A new batch id (the mails one action queued), e.g. `bat_7K2M9Q4XW1RZ3B8D`.
pub fn batch_id() -> String {
    format!("bat_{}", random_base32(16))
}

/// A new Message-ID's left part: 130 random bits.
pub fn message_token() -> String {
    random_base32(26).to_ascii_lowercase()
}

/// A new reply token (the word a reply link's subject carries): 26 symbols, 130 bits.
pub fn reply_token() -> String {
    random_base32(26).to_ascii_lowercase()
}

/// A new inbound reply id, e.g. `rpl_7K2M9Q4XW1RZ3B8D`.
pub fn reply_id() -> String {
    format!("rpl_{}", random_base32(16))
}

/// A new check-in code: 24 symbols, 120 bits.
pub fn check_in_code() -> String {
    random_base32(24)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_have_the_prefix_and_alphabet() {
        let id = member_id();
        assert!(id.starts_with("mem_"));
        assert_eq!(id.len(), 4 + 16);
        assert!(id[4..].bytes().all(|b| ALPHABET.contains(&b)));
    }

    #[test]
    fn member_ids_increase_and_do_not_repeat() {
        let ids: Vec<String> = (0..10_000).map(|_| member_id()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "in creation order");
        assert!(ids
            .iter()
            .all(|id| id.len() == 20 && id.is_char_boundary(4)));
        // Still the alphabet a person can type back, and not all alike after the time.
        assert!(ids[0][4..].bytes().all(|b| ALPHABET.contains(&b)));
        let suffixes: HashSet<_> = ids.iter().map(|id| &id[13..]).collect();
        assert!(suffixes.len() > 1);
    }

    #[test]
    fn random_bytes_are_handed_out_once_across_refills() {
        let mut seen = HashSet::new();
        let mut chunk = [0u8; 24];
        for _ in 0..1_000 {
            fill_random(&mut chunk);
            assert!(seen.insert(chunk), "a chunk repeated");
        }
        let mut big = vec![0u8; 10_000];
        fill_random(&mut big);
        assert!(
            big.iter().filter(|&&b| b == 0).count() < 200,
            "zeros handed out"
        );
    }

    #[test]
    fn check_in_codes_do_not_repeat() {
        let codes: HashSet<_> = (0..10_000).map(|_| check_in_code()).collect();
        assert_eq!(codes.len(), 10_000);
        assert!(codes.iter().all(|c| c.len() == 24));
    }
}
