-- Members at scale: substring search over 100k members, imports that recognise people again,
-- remembered column mappings, and erasure that keeps only anonymous counts.

-- Search as you type is an index the core keeps in memory (members::index), rebuilt when this
-- counter has moved: every write to member bumps it, whoever makes it (the app, a CLI, another
-- connection), so one tiny read tells whether the index is still current. A trigger costs one
-- single-row update per written member, far less than keeping a text index in step.
CREATE TABLE member_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
) STRICT;
INSERT INTO member_version (id, version) VALUES (1, 0);

CREATE TRIGGER member_version_insert AFTER INSERT ON member BEGIN
    UPDATE member_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER member_version_update AFTER UPDATE ON member BEGIN
    UPDATE member_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER member_version_delete AFTER DELETE ON member BEGIN
    UPDATE member_version SET version = version + 1 WHERE id = 1;
END;

-- A Meetup export has no email: the profile URL is how a member is recognised again.
CREATE UNIQUE INDEX member_profile_url ON member (profile_url) WHERE profile_url IS NOT NULL;

-- The organizer's column mapping for a generic CSV, remembered per set of headers
-- (header_key: the folded headers joined by a unit separator; mapping: JSON).
CREATE TABLE import_mapping (
    header_key TEXT PRIMARY KEY NOT NULL,
    mapping    TEXT NOT NULL CHECK (json_valid(mapping)),
    updated_at TEXT NOT NULL
) STRICT;

-- Deleting a member erases everything about them; only how many were erased, per month and
-- per source, is kept so that the community's numbers stay honest.
CREATE TABLE member_erasure (
    month  TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
    source TEXT NOT NULL,
    count  INTEGER NOT NULL CHECK (count > 0),
    PRIMARY KEY (month, source)
) STRICT, WITHOUT ROWID;
