-- Capacity counted per date of a series: one date can be full while the others are not, so a
-- date answered apart can also wait for a place (first come, first served, by waitlisted_at).
-- SQLite cannot change a CHECK in place: invitation_date is rebuilt (migrations run with
-- foreign keys off); its change-feed triggers go with the old table and are made again.
CREATE TABLE invitation_date_new (
    invitation_id   TEXT NOT NULL REFERENCES invitation (id) ON DELETE CASCADE,
    occurrence      TEXT NOT NULL,
    rsvp            TEXT NOT NULL
                    CHECK (rsvp IN ('accepted', 'declined', 'tentative', 'waitlisted')),
    responded_at    TEXT NOT NULL,
    response_source TEXT NOT NULL CHECK (response_source IN ('manual', 'calendar', 'link',
                                                             'door')),
    rsvp_comment    TEXT,
    waitlisted_at   TEXT,
    PRIMARY KEY (invitation_id, occurrence)
) STRICT, WITHOUT ROWID;
INSERT INTO invitation_date_new (invitation_id, occurrence, rsvp, responded_at,
        response_source, rsvp_comment)
    SELECT invitation_id, occurrence, rsvp, responded_at, response_source, rsvp_comment
    FROM invitation_date;
DROP TABLE invitation_date;
ALTER TABLE invitation_date_new RENAME TO invitation_date;
-- The dates of a workshop that have answers of their own (capacity walks them).
CREATE INDEX invitation_date_occurrence ON invitation_date (occurrence, rsvp);
CREATE TRIGGER change_invitation_date_insert AFTER INSERT ON invitation_date BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_invitation_date_update AFTER UPDATE ON invitation_date BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_invitation_date_delete AFTER DELETE ON invitation_date BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;

-- The organizer may choose, per workshop, to confirm every answer that arrives by mail with a
-- short mail back ("we have your answer"); off unless chosen. The outbox gains its kind,
-- 'confirmation' (rebuilt for its CHECK as in 0006, with its indexes and triggers).
ALTER TABLE invitation_mail ADD COLUMN confirm_answers INTEGER NOT NULL DEFAULT 0
    CHECK (confirm_answers IN (0, 1));
CREATE TABLE outbox_new (
    id              TEXT PRIMARY KEY NOT NULL CHECK (id GLOB 'out_*'),
    batch           TEXT NOT NULL,
    kind            TEXT NOT NULL
                    CHECK (kind IN ('invitation', 'update', 'cancel', 'reminder', 'test',
                                    'waitlist', 'promotion', 'confirmation')),
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
