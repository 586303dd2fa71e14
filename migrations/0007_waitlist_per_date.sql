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
