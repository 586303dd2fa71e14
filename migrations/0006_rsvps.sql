-- Answers that come back by mail (calendar replies, reply links), per-date answers of a
-- series, bounces, and the log of every reply Guildhall read.

-- invitation gains: the answer's comment and its 'link' source, the moment a person joined the
-- waitlist (first come, first served), a bounce, and reply_token: the unguessable word in the
-- subject of a reply link. SQLite cannot change a CHECK in place, so the table is rebuilt
-- (the procedure of sqlite.org/lang_altertable.html; migrations run with foreign keys off).
CREATE TABLE invitation_new (
    id              TEXT PRIMARY KEY NOT NULL CHECK (id GLOB 'inv_*'),
    workshop_id     TEXT NOT NULL REFERENCES workshop (id) ON DELETE CASCADE,
    member_id       TEXT NOT NULL REFERENCES member (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('attendee', 'facilitator')),
    rsvp            TEXT NOT NULL DEFAULT 'needs-action'
                    CHECK (rsvp IN ('needs-action', 'accepted', 'declined', 'tentative',
                                    'waitlisted')),
    responded_at    TEXT,
    response_source TEXT CHECK (response_source IS NULL
                                OR response_source IN ('manual', 'calendar', 'link', 'door')),
    rsvp_comment    TEXT,
    waitlisted_at   TEXT,
    reply_token     TEXT NOT NULL UNIQUE CHECK (length(reply_token) >= 20),
    bounced_at      TEXT,
    bounce_reason   TEXT,
    sent_sequence   INTEGER CHECK (sent_sequence IS NULL OR sent_sequence >= 0),
    sent_summary    TEXT,
    removed_at      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (workshop_id, member_id)
) STRICT;

INSERT INTO invitation_new (id, workshop_id, member_id, role, rsvp, responded_at,
        response_source, reply_token, sent_sequence, sent_summary, removed_at, created_at,
        updated_at)
    SELECT id, workshop_id, member_id, role, rsvp, responded_at, response_source,
        lower(hex(randomblob(16))), sent_sequence, sent_summary, removed_at, created_at,
        updated_at
    FROM invitation;
DROP TABLE invitation;
ALTER TABLE invitation_new RENAME TO invitation;
CREATE INDEX invitation_member ON invitation (member_id);
-- Who is going (capacity counts it on every "going") and who waits, in order.
CREATE INDEX invitation_rsvp ON invitation (workshop_id, rsvp);
CREATE INDEX invitation_waitlist ON invitation (workshop_id, waitlisted_at)
    WHERE rsvp = 'waitlisted';
CREATE TRIGGER change_invitation_insert AFTER INSERT ON invitation BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_invitation_update AFTER UPDATE ON invitation BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_invitation_delete AFTER DELETE ON invitation BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;

-- One date of a series answered apart from the whole (a calendar reply with RECURRENCE-ID):
-- occurrence is that date's original start, UTC.
CREATE TABLE invitation_date (
    invitation_id   TEXT NOT NULL REFERENCES invitation (id) ON DELETE CASCADE,
    occurrence      TEXT NOT NULL,
    rsvp            TEXT NOT NULL CHECK (rsvp IN ('accepted', 'declined', 'tentative')),
    responded_at    TEXT NOT NULL,
    response_source TEXT NOT NULL CHECK (response_source IN ('manual', 'calendar', 'link',
                                                             'door')),
    rsvp_comment    TEXT,
    PRIMARY KEY (invitation_id, occurrence)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER change_invitation_date_insert AFTER INSERT ON invitation_date BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_invitation_date_update AFTER UPDATE ON invitation_date BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_invitation_date_delete AFTER DELETE ON invitation_date BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;

-- A member's address that bounced (a delivery failure report): no mail goes to it until the
-- organizer changes it.
ALTER TABLE member ADD COLUMN email_bounced_at TEXT;
ALTER TABLE member ADD COLUMN email_bounce_reason TEXT;

-- Every reply read (from the inbox or a file), once: fingerprint is its Message-ID (or a hash
-- of its bytes), so reading the same mail again changes nothing. outcome: applied; held (the
-- sender is not the attendee it speaks for: the organizer confirms); unmatched (no invitation
-- of ours); ignored (not a reply). A held reply keeps the answer it would apply. member_id
-- cascades: erasing a member erases what they sent.
CREATE TABLE inbound_reply (
    id            TEXT PRIMARY KEY NOT NULL CHECK (id GLOB 'rpl_*'),
    fingerprint   TEXT NOT NULL UNIQUE,
    origin        TEXT NOT NULL CHECK (origin IN ('inbox', 'file')),
    received_at   TEXT NOT NULL,
    sender        TEXT,
    kind          TEXT NOT NULL CHECK (kind IN ('calendar', 'link', 'bounce', 'other')),
    outcome       TEXT NOT NULL CHECK (outcome IN ('applied', 'held', 'unmatched', 'ignored')),
    detail        TEXT NOT NULL,
    invitation_id TEXT REFERENCES invitation (id) ON DELETE CASCADE,
    member_id     TEXT REFERENCES member (id) ON DELETE CASCADE,
    answer        TEXT CHECK (answer IS NULL OR answer IN ('accepted', 'declined', 'tentative')),
    occurrence    TEXT,
    comment       TEXT
) STRICT;
CREATE INDEX inbound_reply_held ON inbound_reply (received_at) WHERE outcome = 'held';
CREATE INDEX inbound_reply_invitation ON inbound_reply (invitation_id);
CREATE INDEX inbound_reply_member ON inbound_reply (member_id);
CREATE TRIGGER change_inbound_reply_insert AFTER INSERT ON inbound_reply BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_inbound_reply_update AFTER UPDATE ON inbound_reply BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_inbound_reply_delete AFTER DELETE ON inbound_reply BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;

-- The outbox gains two kinds of mail: 'waitlist' (the workshop is full: you wait for a place)
-- and 'promotion' (a place came free: here is your calendar invitation). Rebuilt for its
-- CHECK like invitation above, with its indexes and triggers.
CREATE TABLE outbox_new (
    id              TEXT PRIMARY KEY NOT NULL CHECK (id GLOB 'out_*'),
    batch           TEXT NOT NULL,
    kind            TEXT NOT NULL
                    CHECK (kind IN ('invitation', 'update', 'cancel', 'reminder', 'test',
                                    'waitlist', 'promotion')),
    workshop_id     TEXT REFERENCES workshop (id) ON DELETE SET NULL,
    member_id       TEXT REFERENCES member (id) ON DELETE CASCADE,
    sender          TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    message         BLOB NOT NULL,
    message_id      TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sending', 'retry', 'sent', 'failed', 'unknown',
                                      'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    server_reply    TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT
) STRICT;
INSERT INTO outbox_new SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_batch ON outbox (batch, status);
CREATE INDEX outbox_member ON outbox (member_id);
CREATE INDEX outbox_workshop ON outbox (workshop_id);
CREATE TRIGGER change_outbox_insert AFTER INSERT ON outbox BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'outbox';
END;
CREATE TRIGGER change_outbox_update AFTER UPDATE ON outbox BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'outbox';
END;
CREATE TRIGGER change_outbox_delete AFTER DELETE ON outbox BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'outbox';
END;

-- Where answers are read: the organizer's IMAP inbox (the password lives in the keychain).
-- uid_validity/last_uid: how far Guildhall has read this folder (RFC 3501 UIDs), so each check
-- reads only what is new and mail it leaves alone is not read again.
CREATE TABLE inbox_setting (
    id           INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    host         TEXT NOT NULL CHECK (length(host) BETWEEN 1 AND 253),
    port         INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    security     TEXT NOT NULL CHECK (security IN ('none', 'starttls', 'tls')),
    user         TEXT NOT NULL CHECK (length(user) BETWEEN 1 AND 320),
    folder       TEXT NOT NULL DEFAULT 'INBOX' CHECK (length(folder) BETWEEN 1 AND 200),
    uid_validity INTEGER,
    last_uid     INTEGER,
    checked_at   TEXT,
    last_error   TEXT,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE TRIGGER change_inbox_setting_insert AFTER INSERT ON inbox_setting BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'settings';
END;
CREATE TRIGGER change_inbox_setting_update AFTER UPDATE ON inbox_setting BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'settings';
END;
CREATE TRIGGER change_inbox_setting_delete AFTER DELETE ON inbox_setting BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'settings';
END;
