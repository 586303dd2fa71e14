-- Members: the people of the community. One row per person; roles and tags in side tables so
-- that later filters ("all volunteers", "everyone tagged rust") are index look-ups.
--
-- email_key is the email trimmed and lower-cased (Unicode-aware, done in Rust): the unique index
-- on it makes emails unique case-insensitively while `email` keeps what the organizer typed.
-- name_key and search_text are accent- and case-folded copies kept in step by the core's write
-- path, for sorting and search-as-you-type.
CREATE TABLE member (
    id              TEXT PRIMARY KEY NOT NULL CHECK (id GLOB 'mem_*'),
    name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
    email           TEXT,
    email_key       TEXT,
    phone           TEXT,
    practice_level  TEXT NOT NULL DEFAULT 'newcomer'
                    CHECK (practice_level IN ('newcomer', 'practitioner', 'expert')),
    email_consent   INTEGER NOT NULL DEFAULT 0 CHECK (email_consent IN (0, 1)),
    consent_on      TEXT,
    unsubscribed_at TEXT,
    joined_on       TEXT,
    source          TEXT NOT NULL DEFAULT 'manual'
                    CHECK (source IN ('manual', 'demo', 'meetup', 'eventbrite', 'luma', 'csv')),
    profile_url     TEXT,
    notes           TEXT NOT NULL DEFAULT '',
    check_in_code   TEXT NOT NULL,
    name_key        TEXT NOT NULL,
    search_text     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    archived_at     TEXT,
    CHECK ((email IS NULL) = (email_key IS NULL)),
    CHECK (email_consent = 1 OR consent_on IS NULL)
) STRICT;

CREATE UNIQUE INDEX member_email_key ON member (email_key) WHERE email_key IS NOT NULL;
CREATE UNIQUE INDEX member_check_in_code ON member (check_in_code);
CREATE INDEX member_name_key ON member (name_key);
CREATE INDEX member_source ON member (source);

CREATE TABLE member_role (
    member_id TEXT NOT NULL REFERENCES member (id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (role IN ('organizer', 'facilitator', 'volunteer', 'member')),
    PRIMARY KEY (member_id, role)
) STRICT, WITHOUT ROWID;

CREATE INDEX member_role_role ON member_role (role);

CREATE TABLE member_tag (
    member_id TEXT NOT NULL REFERENCES member (id) ON DELETE CASCADE,
    tag       TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 40),
    PRIMARY KEY (member_id, tag)
) STRICT, WITHOUT ROWID;

CREATE INDEX member_tag_tag ON member_tag (tag);
