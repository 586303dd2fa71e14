-- Members at scale: substring search over 100k members, imports that recognise people again,
-- remembered column mappings, and erasure that keeps only anonymous counts.

-- Search as you type: an FTS5 trigram index over the folded search text (name, email, tags),
-- so "mull" finds "Müller" among 100k members without scanning them. External content: the
-- text lives in member.search_text, the triggers keep the index in step.
CREATE VIRTUAL TABLE member_search USING fts5(
    search_text,
    content = 'member',
    content_rowid = 'rowid',
    tokenize = 'trigram'
);
INSERT INTO member_search (rowid, search_text) SELECT rowid, search_text FROM member;

CREATE TRIGGER member_search_insert AFTER INSERT ON member BEGIN
    INSERT INTO member_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER member_search_delete AFTER DELETE ON member BEGIN
    INSERT INTO member_search (member_search, rowid, search_text)
    VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER member_search_update AFTER UPDATE OF search_text ON member BEGIN
    INSERT INTO member_search (member_search, rowid, search_text)
    VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO member_search (rowid, search_text) VALUES (new.rowid, new.search_text);
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
