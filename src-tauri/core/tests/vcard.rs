//! vCard mailing lists end to end (RFC 6350): exact cards, folding of long lines with multibyte
//! characters, and the file that tests/interop/test_vcard.py reads with an independent parser.
#![allow(clippy::unwrap_used)] // test helpers: a panic is a failed test with its line

mod common;

use common::{add, community, everyone, export, mailable, open, sql};
use guildhall_core::members::{self, AudienceFilter, MailingListFormat, MemberInput};

/// The cards with each UID line replaced by `UID:…`, and the UIDs.
fn without_uids(vcf: &str) -> (String, Vec<String>) {
    let mut uids = Vec::new();
    let text = vcf
        .split_inclusive("\r\n")
        .map(|line| match line.strip_prefix("UID:") {
            Some(uid) => {
                uids.push(uid.trim_end().to_owned());
                "UID:…\r\n"
            }
            None => line,
        })
        .collect();
    (text, uids)
}

#[test]
fn vcard_is_rfc_6350() {
    let (_dir, ctx) = open();
    community(&ctx);
    let vcf = everyone(&ctx, MailingListFormat::Vcard);
    let (text, uids) = without_uids(&vcf);
    assert_eq!(
        text,
        "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:…\r\n\
         FN:Aoife \"Fee\" O'Brien\r\nN:O'Brien;Aoife \"Fee\";;;\r\n\
         EMAIL:aoife@example.com\r\nCATEGORIES:a\\;b,écriture\r\n\
         REV:20250401T100000Z\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:4.0\r\nUID:…\r\n\
         FN:Chen\\, Mei\\; Dr\r\nN:Dr;Chen\\, Mei\\;;;;\r\n\
         EMAIL:mei@example.net\r\n\
         REV:20250401T100000Z\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:4.0\r\nUID:…\r\n\
         FN:Zoë van der Berg\r\nN:Berg;Zoë van der;;;\r\n\
         EMAIL:zoe@example.org\r\nTEL;VALUE=text:+49 30 123456\r\n\
         CATEGORIES:data science,rust\r\n\
         REV:20250401T100000Z\r\nEND:VCARD\r\n"
    );
    // UIDs: RFC 9562 UUIDv8 URNs, one per member, the same in every export.
    assert_eq!(uids.len(), 3);
    for uid in &uids {
        let hex: String = uid.strip_prefix("urn:uuid:").unwrap().replace('-', "");
        assert_eq!(hex.len(), 32, "{uid}");
        assert_eq!(&hex[12..13], "8", "version 8: {uid}");
        assert!("89ab".contains(&hex[16..17]), "variant 10: {uid}");
    }
    assert!(uids[0] != uids[1] && uids[1] != uids[2] && uids[0] != uids[2]);
    assert_eq!(everyone(&ctx, MailingListFormat::Vcard), vcf);
}

/// RFC 6350 §3.2 unfolding: a CRLF followed by one space or tab is removed.
fn unfold(vcf: &str) -> String {
    vcf.replace("\r\n ", "").replace("\r\n\t", "")
}

/// RFC 6350 §3.4, reversed.
fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            },
            (c, false) => out.push(c),
        }
    }
    out
}

#[test]
fn long_vcard_lines_fold_at_75_octets_without_splitting_characters() {
    let (_dir, ctx) = open();
    // 2-, 3- and 4-byte characters, commas and semicolons (escapes), well past 75 octets.
    let name = "Þórdís Ñúñez-Ŝtrøm, 𝔊𝔲𝔦𝔩𝔡𝔥𝔞𝔩𝔩; Ελένη Παπαδοπούλου 東京都 Zoë ".repeat(3);
    let name = name.trim();
    let tags: Vec<String> = [
        "données ouvertes",
        "日本語の勉強会",
        "a;b;c;d;e;f;g;h;i;j;k",
        "ελληνικά",
    ]
    .map(String::from)
    .into();
    add(
        &ctx,
        MemberInput {
            tags: tags.clone(),
            ..mailable(name, "thordis@example.org")
        },
    );
    let (count, vcf) = export(&ctx, &AudienceFilter::default(), MailingListFormat::Vcard);
    assert_eq!(count, 1);
    let pieces: Vec<&[u8]> = vcf.as_bytes().split(|&b| b == b'\n').collect();
    let (last, lines) = pieces.split_last().unwrap();
    assert!(last.is_empty(), "the file ends with a line break");
    let mut folded = 0;
    for line in lines {
        let line = line.strip_suffix(b"\r").expect("every line ends in CRLF");
        assert!(
            line.len() <= 75,
            "{} octets: {:?}",
            line.len(),
            String::from_utf8_lossy(line)
        );
        std::str::from_utf8(line).expect("no line ends inside a UTF-8 character");
        folded += usize::from(line.starts_with(b" "));
    }
    assert!(folded >= 5, "only {folded} continuation lines");

    let unfolded = unfold(&vcf);
    let value = |property: &str| -> String {
        unfolded
            .split("\r\n")
            .find_map(|l| l.strip_prefix(property))
            .unwrap()
            .to_owned()
    };
    assert_eq!(unescape(&value("FN:")), name, "byte for byte");
    let categories: Vec<String> = value("CATEGORIES:").split(',').map(unescape).collect();
    let mut expected = tags;
    expected.sort();
    assert_eq!(categories, expected);
}

/// Writes `members.vcf` for tests/interop/test_vcard.py when INTEROP_OUT names a folder
/// (relative to the repository root), e.g.
/// `INTEROP_OUT=target/interop cargo test -p guildhall-core --test vcard interop_vcard_file`.
#[test]
fn interop_vcard_file() {
    let Some(dir) = std::env::var_os("INTEROP_OUT").filter(|d| !d.is_empty()) else {
        return;
    };
    let (_dir, ctx) = open();
    community(&ctx);
    // A comma inside a category cannot be typed (tags refuse it) but may come from elsewhere.
    let zoe = ctx
        .read(|c| {
            Ok(c.query_row(
                "SELECT id FROM member WHERE email = 'zoe@example.org'",
                [],
                |r| r.get::<_, String>(0),
            )?)
        })
        .unwrap();
    sql(
        &ctx,
        "INSERT INTO member_tag (member_id, tag) VALUES (?1, 'paris, île-de-france')",
        &zoe,
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut file = std::fs::File::create(dir.join("members.vcf")).unwrap();
    let count = ctx
        .read(|c| {
            members::mailing_list(
                c,
                &AudienceFilter::default(),
                MailingListFormat::Vcard,
                &mut file,
            )
        })
        .unwrap();
    assert_eq!(count, 3);
}
