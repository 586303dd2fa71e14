-- The change feed: which domains changed, whoever changed them (this window, another window,
-- the CLI). One counter per domain, moved by a trigger on every table the domain owns; a reader
-- remembers the counters it has seen and asks, cheaply, which moved (guildhall-core's
-- `changes` module: `PRAGMA data_version` first, then this one small table).
--
-- It replaces `member_version` (migration 0002), which was the members' counter alone; the
-- members' count carries on from it, so a search index built before the upgrade is still
-- recognised as current.
--
-- A bulk writer that turns triggers off (the member import) bumps its domain once itself, in
-- the same transaction (`changes::record`). A new domain adds its row and its triggers in the
-- migration that creates its tables.
CREATE TABLE change_counter (
    domain  TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO change_counter (domain, version) SELECT 'members', version FROM member_version;
INSERT INTO change_counter (domain, version) VALUES ('workshops', 0);

DROP TRIGGER member_version_insert;
DROP TRIGGER member_version_update;
DROP TRIGGER member_version_delete;
DROP TABLE member_version;

-- members: member
CREATE TRIGGER change_member_insert AFTER INSERT ON member BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'members';
END;
CREATE TRIGGER change_member_update AFTER UPDATE ON member BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'members';
END;
CREATE TRIGGER change_member_delete AFTER DELETE ON member BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'members';
END;

-- workshops: workshop, session, session_exception, workshop_facilitator, workshop_tag
CREATE TRIGGER change_workshop_insert AFTER INSERT ON workshop BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'workshops';
END;
CREATE TRIGGER change_workshop_update AFTER UPDATE ON workshop BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'workshops';
END;
CREATE TRIGGER change_workshop_delete AFTER DELETE ON workshop BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'workshops';
END;
CREATE TRIGGER change_session_insert AFTER INSERT ON session BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'workshops';
END;
CREATE TRIGGER change_session_update AFTER UPDATE ON session BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'workshops';
END;
CREATE TRIGGER change_session_delete AFTER DELETE ON session BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'workshops';
END;
CREATE TRIGGER change_session_exception_insert AFTER INSERT ON session_exception BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'workshops';
END;
CREATE TRIGGER change_session_exception_update AFTER UPDATE ON session_exception BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'workshops';
END;
CREATE TRIGGER change_session_exception_delete AFTER DELETE ON session_exception BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'workshops';
END;
CREATE TRIGGER change_workshop_facilitator_insert AFTER INSERT ON workshop_facilitator BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'workshops';
END;
CREATE TRIGGER change_workshop_facilitator_update AFTER UPDATE ON workshop_facilitator BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'workshops';
END;
CREATE TRIGGER change_workshop_facilitator_delete AFTER DELETE ON workshop_facilitator BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'workshops';
END;
CREATE TRIGGER change_workshop_tag_insert AFTER INSERT ON workshop_tag BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'workshops';
END;
CREATE TRIGGER change_workshop_tag_update AFTER UPDATE ON workshop_tag BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'workshops';
END;
CREATE TRIGGER change_workshop_tag_delete AFTER DELETE ON workshop_tag BEGIN
    UPDATE change_counter SET version = version + 1 WHERE domain = 'workshops';
END;
