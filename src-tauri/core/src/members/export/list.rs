//! What the mailing-list formats share (`csv`, `vcard` and the plain list in `mod.rs`): the
//! writer each format implements, how a name splits into first and last, and the error for a
//! failed write.

use crate::error::{CoreError, Result};
use crate::members::model::Member;

/// One mailing-list format: told about each member in order, then finished.
pub(super) trait ListWriter {
    fn member(&mut self, member: &Member) -> Result<()>;
    fn finish(&mut self) -> Result<()>;
}

/// Splits a name for tools that want first and last names apart: at the LAST space, so
/// "Zoë van der Berg" is first "Zoë van der", last "Berg", and a single word is a first name
/// with an empty last name. A guess that is right for most names people type and never loses a
/// character (first + " " + last is the name again); the full name is always exported beside it.
pub fn split_name(name: &str) -> (&str, &str) {
    name.rsplit_once(' ').unwrap_or((name, ""))
}

pub(super) fn write_error(source: std::io::Error) -> CoreError {
    CoreError::Io {
        context: "could not write the export".into(),
        source,
    }
}
