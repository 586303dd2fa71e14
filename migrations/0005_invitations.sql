-- Invitations: who is invited to a workshop, the mail they get, and the outbox every mail goes
-- through. The SMTP password is never stored here (it lives in the OS keychain).

-- How mail leaves: one row, the organizer's own SMTP server and the sender members see.
CREATE TABLE mail_setting (
    id           INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    host         TEXT NOT NULL CHECK (length(host) BETWEEN 1 AND 253),
    port         INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    security     TEXT NOT NULL CHECK (security IN ('none', 'starttls', 'tls')),
    user         TEXT,
    from_name    TEXT NOT NULL,
    from_address TEXT NOT NULL,
    reply_to     TEXT,
    updated_at   TEXT NOT NULL
) STRICT;

-- A workshop's invitation mail: subject and body as Markdown with placeholders (checked when
-- saved), and the reminder (minutes before each date; NULL: none).
CREATE TABLE invitation_mail (
    workshop_id           TEXT PRIMARY KEY NOT NULL REFERENCES workshop (id) ON DELETE CASCADE,
    subject               TEXT NOT NULL,
    body                  TEXT NOT NULL,
    remind_before_minutes INTEGER CHECK (remind_before_minutes IS NULL
                                         OR remind_before_minutes BETWEEN 1 AND 43200),
    updated_at            TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- One invitation per person per workshop. sent_sequence: the SEQUENCE of the last calendar
-- message queued for them (NULL: nothing yet); sent_summary: the time and place it said, to
-- show "old and new" when the workshop moves. removed_at: uninvited (a CANCEL was queued).
CREATE TABLE invitation (
    id              TEXT PRIMARY KEY NOT NULL CHECK (id GLOB 'inv_*'),
    workshop_id     TEXT NOT NULL REFERENCES workshop (id) ON DELETE CASCADE,
    member_id       TEXT NOT NULL REFERENCES member (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('attendee', 'facilitator')),
    rsvp            TEXT NOT NULL DEFAULT 'needs-action'
                    CHECK (rsvp IN ('needs-action', 'accepted', 'declined', 'tentative',
                                    'waitlisted')),
    responded_at    TEXT,
    response_source TEXT CHECK (response_source IS NULL
                                OR response_source IN ('manual', 'calendar', 'door')),
    sent_sequence   INTEGER CHECK (sent_sequence IS NULL OR sent_sequence >= 0),
    sent_summary    TEXT,
    removed_at      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (workshop_id, member_id)
) STRICT;

CREATE INDEX invitation_member ON invitation (member_id);

-- Every mail, written in the transaction that made it, before anything is sent. A message is
-- claimed ('sending') in its own commit before its data goes to the server, and marked after
-- the answer; a 'sending' row found by the next sender was cut off mid-delivery and becomes
-- 'unknown' (shown to the organizer, never resent silently). member_id cascades: erasing a
-- member erases the mail written to them.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY NOT NULL CHECK (id GLOB 'out_*'),
    batch           TEXT NOT NULL,
    kind            TEXT NOT NULL
                    CHECK (kind IN ('invitation', 'update', 'cancel', 'reminder', 'test')),
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

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_batch ON outbox (batch, status);
CREATE INDEX outbox_member ON outbox (member_id);
CREATE INDEX outbox_workshop ON outbox (workshop_id);

-- Reminders already handled, one per date of a workshop: 'queued' (the mails are in the
-- outbox) or 'missed' (its moment passed while Guildhall was closed and the date had begun).
-- A date that moves gets a new start, so a new reminder.
CREATE TABLE reminder (
    workshop_id TEXT NOT NULL REFERENCES workshop (id) ON DELETE CASCADE,
    session_id  TEXT NOT NULL,
    starts_at   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'missed')),
    at          TEXT NOT NULL,
    PRIMARY KEY (workshop_id, session_id, starts_at)
) STRICT, WITHOUT ROWID;

-- The change feed's new domains: invitations (invitation, invitation_mail, reminder), the
-- outbox, and settings.
INSERT INTO change_counter (domain, version) VALUES ('invitations', 0), ('outbox', 0),
    ('settings', 0);
CREATE TRIGGER change_invitation_insert AFTER INSERT ON invitation BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_invitation_update AFTER UPDATE ON invitation BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_invitation_delete AFTER DELETE ON invitation BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_invitation_mail_insert AFTER INSERT ON invitation_mail BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_invitation_mail_update AFTER UPDATE ON invitation_mail BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_invitation_mail_delete AFTER DELETE ON invitation_mail BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_reminder_insert AFTER INSERT ON reminder BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_reminder_update AFTER UPDATE ON reminder BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_reminder_delete AFTER DELETE ON reminder BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'invitations';
END;
CREATE TRIGGER change_outbox_insert AFTER INSERT ON outbox BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'outbox';
END;
CREATE TRIGGER change_outbox_update AFTER UPDATE ON outbox BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'outbox';
END;
CREATE TRIGGER change_outbox_delete AFTER DELETE ON outbox BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'outbox';
END;
CREATE TRIGGER change_mail_setting_insert AFTER INSERT ON mail_setting BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'settings';
END;
CREATE TRIGGER change_mail_setting_update AFTER UPDATE ON mail_setting BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'settings';
END;
CREATE TRIGGER change_mail_setting_delete AFTER DELETE ON mail_setting BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'settings';
END;
