//! The invitation mail's subject and body: Markdown with `{placeholders}`, checked when saved
//! (a placeholder that does not exist is refused then, never sent as text), filled in per
//! member. A member's values are Markdown-escaped before the body is rendered, so a name like
//! `<script>` or `*Ada*` is shown as typed and never becomes markup; the HTML comes from comrak
//! with raw HTML left out.

use comrak::{markdown_to_html, Options};

use crate::error::{CoreError, Result};

/// Every placeholder a template may use, with what it becomes (shown in the editor).
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("first_name", "the member's first name"),
    ("name", "the member's full name"),
    ("workshop", "the workshop's title"),
    ("when", "the date and time, in the workshop's time zone"),
    ("where", "the venue (or \"Online\")"),
    (
        "online_link",
        "the link to join online (empty when there is none)",
    ),
    ("agenda", "the sessions, one a line"),
    ("description", "the workshop's description"),
    ("organizer", "the sender's name"),
    ("check_in_code", "the member's check-in code"),
];

pub const MAX_SUBJECT: usize = 200;
pub const MAX_BODY: usize = 20_000;

/// A piece of a checked template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Placeholder(&'static str),
}

/// A template that passed [`Template::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template(Vec<Piece>);

impl Template {
    /// Checks `source`: `{name}` must be one of [`PLACEHOLDERS`]; `{{` and `}}` are a literal
    /// brace. `field` names the input for the error.
    pub fn parse(source: &str, field: &'static str) -> Result<Template> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut rest = source;
        while let Some(i) = rest.find(['{', '}']) {
            text.push_str(&rest[..i]);
            let tail = &rest[i..];
            if let Some(after) = tail.strip_prefix("{{") {
                text.push('{');
                rest = after;
            } else if let Some(after) = tail.strip_prefix("}}") {
                text.push('}');
                rest = after;
            } else if tail.starts_with('}') {
                return Err(invalid(
                    field,
                    "A } stands alone; write }} for a brace.".to_owned(),
                ));
            } else {
                let after = &tail[1..];
                let end = after.find('}').filter(|&e| e <= 40).ok_or_else(|| {
                    invalid(
                        field,
                        "A { starts a placeholder such as {first_name}; write {{ for a brace."
                            .to_owned(),
                    )
                })?;
                let name = &after[..end];
                let known = PLACEHOLDERS
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(n, _)| *n)
                    .ok_or_else(|| {
                        let names: Vec<String> = PLACEHOLDERS
                            .iter()
                            .map(|(n, _)| format!("{{{n}}}"))
                            .collect();
                        invalid(
                            field,
                            format!(
                                "There is no placeholder {}; the ones that exist are {}.",
                                crate::text::quoted(&format!("{{{name}}}")),
                                names.join(", ")
                            ),
                        )
                    })?;
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Placeholder(known));
                rest = &after[end + 1..];
            }
        }
        text.push_str(rest);
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(Template(pieces))
    }

    /// The template with each placeholder replaced by `value(name)`, passed through `escape`.
    pub fn fill(&self, value: &dyn Fn(&str) -> String, escape: fn(&str) -> String) -> String {
        let mut out = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Placeholder(name) => out.push_str(&escape(&value(name))),
            }
        }
        out
    }
}

fn invalid(field: &'static str, message: String) -> CoreError {
    CoreError::Validation { field, message }
}

/// Checks a subject and a body as saved.
pub fn check(subject: &str, body: &str) -> Result<(Template, Template)> {
    if subject.trim().is_empty() {
        return Err(invalid("subject", "A mail needs a subject.".to_owned()));
    }
    if subject.chars().count() > MAX_SUBJECT {
        return Err(invalid(
            "subject",
            format!("A subject has at most {MAX_SUBJECT} characters."),
        ));
    }
    if subject.chars().any(char::is_control) {
        return Err(invalid(
            "subject",
            "A subject is one line, without control characters.".to_owned(),
        ));
    }
    if body.chars().count() > MAX_BODY {
        return Err(invalid(
            "body",
            format!("A mail's text has at most {MAX_BODY} characters."),
        ));
    }
    Ok((
        Template::parse(subject, "subject")?,
        Template::parse(body, "body")?,
    ))
}

/// Text that Markdown shows exactly as it is: every ASCII punctuation character escaped
/// (CommonMark allows a backslash before any of them), line breaks kept as hard breaks.
pub fn markdown_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\n' => out.push_str("  \n"),
            '\r' => {}
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The value as it is (for the plain-text part and the subject), without control characters
/// other than line breaks.
pub fn plain(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect()
}

/// Markdown to HTML: CommonMark with autolinks and tables; raw HTML is left out and
/// `javascript:`-like links emptied (comrak's safe default).
pub fn to_html(markdown: &str) -> String {
    let mut options = Options::default();
    options.extension.autolink = true;
    options.extension.strikethrough = true;
    options.extension.table = true;
    options.render.r#unsafe = false;
    markdown_to_html(markdown, &options)
}

/// Text for HTML: `& < > " '` as entities.
pub fn html_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(name: &str) -> String {
        match name {
            "first_name" => "<script>alert(1)</script> *Ada* [x](javascript:alert(1))".to_owned(),
            "workshop" => "Rust & You".to_owned(),
            _ => String::new(),
        }
    }

    #[test]
    fn an_unknown_placeholder_is_refused_when_saved() {
        let err = check("Hi {frist_name}", "").unwrap_err().to_string();
        assert!(
            err.contains("{frist_name}") && err.contains("{first_name}"),
            "{err}"
        );
        assert!(check("Hi", "{ first_name }").is_err());
        assert!(check("Hi", "a } b").is_err());
        assert!(check("Hi\r\nBcc: x", "").is_err());
        let (_, body) = check("Hi {first_name}", "Set {{x}} = {workshop}").unwrap();
        assert_eq!(body.fill(&values, plain), "Set {x} = Rust & You");
    }

    #[test]
    fn what_a_member_typed_is_shown_never_run() {
        let (_, body) = check("s", "Hello {first_name}, welcome to **{workshop}**").unwrap();
        let html = to_html(&body.fill(&values, markdown_literal));
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<em>Ada"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt; *Ada*"),
            "{html}"
        );
        assert!(html.contains("<strong>Rust &amp; You</strong>"), "{html}");
    }

    #[test]
    fn raw_html_in_the_template_is_left_out() {
        let html = to_html("<img src=x onerror=alert(1)> [a](javascript:alert(1))");
        assert!(
            !html.contains("<img") && !html.contains("javascript:"),
            "{html}"
        );
    }
}
