//! Tags, as members and workshops both carry them: trimmed, lower-case, without commas (a tag
//! list is written comma-separated in files), each once, sorted, and bounded.

use crate::error::{CoreError, Result};
use crate::text::squash_whitespace;

const MAX_TAG: usize = 40;
const MAX_TAGS: usize = 50;

/// The tags as stored, or a validation error on `tags`. `owner` names what carries them in the
/// error ("A member can have at most 50 tags.").
pub fn normalize_tags(tags: &[String], owner: &str) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = squash_whitespace(&crate::text::strip_unsafe(tag, false)).to_lowercase();
        if tag.is_empty() {
            continue;
        }
        if tag.chars().count() > MAX_TAG {
            return Err(CoreError::invalid(
                "tags",
                format!(
                    "{} is longer than {MAX_TAG} characters.",
                    crate::text::quoted(&tag)
                ),
            ));
        }
        if tag.contains(',') {
            return Err(CoreError::invalid("tags", "A tag cannot contain a comma."));
        }
        out.push(tag);
    }
    out.sort();
    out.dedup();
    if out.len() > MAX_TAGS {
        return Err(CoreError::invalid(
            "tags",
            format!("A {owner} can have at most {MAX_TAGS} tags."),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn tags_are_trimmed_lowered_deduplicated_and_sorted() {
        let clean = normalize_tags(&tags(&[" Rust ", "rust", "Data  Science", ""]), "member");
        assert_eq!(clean.unwrap(), ["data science", "rust"]);
    }

    #[test]
    fn commas_long_tags_and_too_many_are_refused_naming_the_owner() {
        assert!(normalize_tags(&tags(&["a,b"]), "member").is_err());
        assert!(normalize_tags(&tags(&[&"x".repeat(41)]), "member").is_err());
        let many: Vec<String> = (0..51).map(|i| format!("t{i}")).collect();
        let err = normalize_tags(&many, "workshop").unwrap_err();
        assert_eq!(err.to_string(), "A workshop can have at most 50 tags.");
    }
}
