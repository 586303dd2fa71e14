-- Workshops and their schedule. A workshop has one or more sessions (its agenda); a recurring
-- workshop repeats every session by one RRULE, with per-occurrence skips and moves.
--
-- Times are stored as UTC instants (RFC 3339, to the second) together with the workshop's IANA
-- zone; a series repeats on the zone's wall clock, so the rule is expanded in that zone and
-- every occurrence keeps its local time across DST changes.
--
-- ical_uid never changes once written (calendar clients match updates by it); ical_sequence is
-- raised by the core on every change a calendar shows (time, place, status, title, text).
CREATE TABLE workshop (
    id            TEXT PRIMARY KEY NOT NULL CHECK (id GLOB 'wks_*'),
    title         TEXT NOT NULL CHECK (length(trim(title)) > 0),
    description   TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'scheduled', 'cancelled', 'done')),
    time_zone     TEXT NOT NULL,
    venue         TEXT,
    online_url    TEXT,
    capacity      INTEGER CHECK (capacity IS NULL OR capacity > 0),
    series_rule   TEXT,
    source        TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'import', 'demo')),
    ical_uid      TEXT NOT NULL UNIQUE,
    ical_sequence INTEGER NOT NULL DEFAULT 0 CHECK (ical_sequence >= 0),
    title_key     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE INDEX workshop_status ON workshop (status);

CREATE TABLE workshop_facilitator (
    workshop_id TEXT NOT NULL REFERENCES workshop (id) ON DELETE CASCADE,
    member_id   TEXT NOT NULL REFERENCES member (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    PRIMARY KEY (workshop_id, member_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX workshop_facilitator_member ON workshop_facilitator (member_id);

CREATE TABLE workshop_tag (
    workshop_id TEXT NOT NULL REFERENCES workshop (id) ON DELETE CASCADE,
    tag         TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 40),
    PRIMARY KEY (workshop_id, tag)
) STRICT, WITHOUT ROWID;

CREATE TABLE session (
    id          TEXT PRIMARY KEY NOT NULL CHECK (id GLOB 'ses_*'),
    workshop_id TEXT NOT NULL REFERENCES workshop (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    all_day     INTEGER NOT NULL DEFAULT 0 CHECK (all_day IN (0, 1)),
    ical_uid    TEXT NOT NULL UNIQUE,
    CHECK (ends_at >= starts_at)
) STRICT;

CREATE INDEX session_workshop ON session (workshop_id, position);
CREATE INDEX session_starts_at ON session (starts_at);

-- Changes to single occurrences of a recurring session: `skip` (an EXDATE), `move` (a
-- RECURRENCE-ID override at a new time) and `add` (an RDATE: an extra date). occurrence_at is
-- the instant the rule gives (for `add`, the added start); starts_at/ends_at are where the
-- occurrence now is (NULL for `skip`).
CREATE TABLE session_exception (
    session_id    TEXT NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    occurrence_at TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('skip', 'move', 'add')),
    starts_at     TEXT,
    ends_at       TEXT,
    PRIMARY KEY (session_id, occurrence_at),
    CHECK ((kind = 'skip') = (starts_at IS NULL)),
    CHECK ((starts_at IS NULL) = (ends_at IS NULL)),
    CHECK (ends_at IS NULL OR ends_at >= starts_at)
) STRICT, WITHOUT ROWID;
