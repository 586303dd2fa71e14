//! Words for the terminal: text made safe to print, and the command line's choices as the
//! core's values. Used by every command module.

use guildhall_core::members::{PracticeLevel, Role};

use crate::args::{LevelArg, RoleArg};

/// `text` safe to print on a terminal: control characters (ESC, BEL…) and bidi overrides a
/// file or a member's name may hold are shown as `\u{…}` escapes, never sent as such.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let unsafe_char = (c.is_control() && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        if unsafe_char {
            out.push_str(&format!("\\u{{{:X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

pub fn role_of(role: RoleArg) -> Role {
    match role {
        RoleArg::Organizer => Role::Organizer,
        RoleArg::Facilitator => Role::Facilitator,
        RoleArg::Volunteer => Role::Volunteer,
        RoleArg::Member => Role::Member,
    }
}

pub fn level_of(level: LevelArg) -> PracticeLevel {
    match level {
        LevelArg::Newcomer => PracticeLevel::Newcomer,
        LevelArg::Practitioner => PracticeLevel::Practitioner,
        LevelArg::Expert => PracticeLevel::Expert,
    }
}
