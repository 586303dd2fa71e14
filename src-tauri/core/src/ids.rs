//! Identifiers and secrets made from the operating system's random source.
//!
//! Ids are `prefix_` + Crockford base32 (no I, L, O, U: nothing to misread when a volunteer
//! types a code at the door). A check-in code carries 120 random bits, so it cannot be guessed
//! from another member's code or from the member's id.

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn random_base32(chars: usize) -> String {
    let mut bytes = vec![0u8; chars];
    // The OS random source failing is not something the app can recover from or work around.
    getrandom::fill(&mut bytes).expect("the operating system's random source is unavailable");
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b & 31)] as char)
        .collect()
}

/// A new member id, e.g. `mem_7K2M9Q4XW1RZ3B8D`.
pub fn member_id() -> String {
    format!("mem_{}", random_base32(16))
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
    fn check_in_codes_do_not_repeat() {
        let codes: HashSet<_> = (0..10_000).map(|_| check_in_code()).collect();
        assert_eq!(codes.len(), 10_000);
        assert!(codes.iter().all(|c| c.len() == 24));
    }
}
