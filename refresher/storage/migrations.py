"""The history database's schema, as an ordered list of migrations (an edge module).

`PRAGMA user_version` counts the migrations applied; `apply()` runs the missing ones in one
immediate transaction and marks the file as refresher's with `PRAGMA application_id`, so that a
database of another application is never mistaken for ours (see `store.open_store`).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from refresher.core.errors import StoreError

# "RFSH": written at offset 68 of the file header; a file carrying another id is not ours.
APPLICATION_ID = 0x52465348

_NOT_IMPORTING = "NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'importing')"
_ATTEMPT_JSON = (
    "json_object('answered_at', {a}.answered_at, 'given', {a}.given, 'correct', {a}.correct,"
    " 'seconds', {a}.seconds, 'mode', {a}.mode, 'qtype', {a}.qtype, 'topic', {a}.topic,"
    " 'points', {a}.points, 'mistake', {a}.mistake, 'tries', {a}.tries,"
    " 'first_given', {a}.first_given, 'overruled', {a}.overruled, 'seed', {a}.seed)"
)
_CARD_JSON = (
    "(SELECT json_object('fsrs', c.fsrs, 'state', c.state, 'due', c.due,"
    " 'stability', c.stability, 'last_review', c.last_review, 'reps', c.reps,"
    " 'lapses', c.lapses, 'suspended', c.suspended, 'leech', c.leech,"
    " 'introduced_at', c.introduced_at) FROM cards c WHERE c.question_id = {r}.question_id)"
)


def _review_json(r: str, after: str) -> str:
    answer = f"(SELECT {_ATTEMPT_JSON.format(a='a')} FROM attempts a WHERE a.id = {r}.attempt_id)"
    return (
        f"json_object('rating', {r}.rating, 'auto', {r}.auto, 'duration_ms', {r}.duration_ms,"
        f" 'before', json({r}.card_before), 'after', {after}, 'answer', {answer})"
    )


# Events: `seq` orders this machine's own; `event_id` (machine.seq) is given at the first sync
# once the machine id is known. `cancelled`: a review taken back by an undo event.
SYNC_SCHEMA = f"""
    CREATE TABLE sync_events (
        seq INTEGER PRIMARY KEY,
        event_id TEXT UNIQUE,
        machine TEXT,
        at TEXT NOT NULL,                -- ISO 8601 UTC: the time the event is replayed at
        kind TEXT NOT NULL,              -- answer review undo overrule suspend setting
        bank TEXT,
        qid TEXT,
        payload TEXT NOT NULL,           -- JSON, as in the sync file
        target TEXT,                     -- undo, overrule: the event they act on
        target_seq INTEGER,              -- the same for this machine's events before their ids
        review_id INTEGER,               -- the rows the event made here
        attempt_id INTEGER,
        cancelled INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX sync_events_by_card ON sync_events (bank, qid, at);
    CREATE INDEX sync_events_by_review ON sync_events (review_id) WHERE review_id IS NOT NULL;
    CREATE INDEX sync_events_by_attempt ON sync_events (attempt_id) WHERE attempt_id IS NOT NULL;
    CREATE INDEX sync_events_by_target ON sync_events (target) WHERE target IS NOT NULL;
    CREATE INDEX sync_events_unnamed ON sync_events (seq) WHERE event_id IS NULL;
    CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,            -- machine, exported_seq, exported_size, importing
        value TEXT NOT NULL
    );
    CREATE TABLE sync_files (
        name TEXT PRIMARY KEY,           -- a file of the sync folder, by name
        offset INTEGER NOT NULL,         -- bytes read (whole lines)
        tail TEXT NOT NULL,              -- a hash of the bytes before `offset`: a rewrite shows
        machine TEXT,
        read_at TEXT NOT NULL
    );
    CREATE TRIGGER sync_answer AFTER INSERT ON attempts
    WHEN NEW.mode != 'review' AND {_NOT_IMPORTING}
    BEGIN
        INSERT INTO sync_events (at, kind, bank, qid, payload, attempt_id)
        SELECT NEW.answered_at, 'answer', q.bank, q.qid,
            json_object('answer', {_ATTEMPT_JSON.format(a="NEW")}), NEW.id
        FROM questions q WHERE q.id = NEW.question_id;
    END;
    CREATE TRIGGER sync_review AFTER INSERT ON reviews WHEN {_NOT_IMPORTING}
    BEGIN
        INSERT INTO sync_events (at, kind, bank, qid, payload, review_id, attempt_id)
        SELECT NEW.reviewed_at, 'review', q.bank, q.qid,
            {_review_json("NEW", _CARD_JSON.format(r="NEW"))}, NEW.id, NEW.attempt_id
        FROM questions q WHERE q.id = NEW.question_id;
    END;
    CREATE TRIGGER sync_undo AFTER DELETE ON reviews WHEN {_NOT_IMPORTING}
    BEGIN
        INSERT INTO sync_events (at, kind, bank, qid, payload, target_seq)
        SELECT e.at, 'undo', e.bank, e.qid, '{{}}', e.seq FROM sync_events e
        WHERE e.review_id = OLD.id AND e.kind = 'review';
        UPDATE sync_events SET cancelled = 1, review_id = NULL, attempt_id = NULL
        WHERE review_id = OLD.id AND kind = 'review';
    END;
    CREATE TRIGGER sync_overrule AFTER UPDATE OF overruled ON attempts
    WHEN NEW.overruled = 1 AND OLD.overruled = 0 AND {_NOT_IMPORTING}
    BEGIN
        INSERT INTO sync_events (at, kind, bank, qid, payload, target_seq)
        SELECT e.at, 'overrule', e.bank, e.qid, '{{}}', e.seq FROM sync_events e
        WHERE e.attempt_id = NEW.id AND e.kind IN ('answer', 'review');
    END;
    CREATE TRIGGER sync_suspend AFTER UPDATE OF suspended ON cards
    WHEN NEW.suspended != OLD.suspended AND {_NOT_IMPORTING}
    BEGIN
        INSERT INTO sync_events (at, kind, bank, qid, payload)
        SELECT strftime('%Y-%m-%dT%H:%M:%f', coalesce(NEW.last_review, NEW.introduced_at),
            '+0.001 seconds') || '+00:00', 'suspend', q.bank, q.qid,
            json_object('suspended', NEW.suspended)
        FROM questions q WHERE q.id = NEW.question_id;
    END;
    INSERT INTO sync_events (at, kind, bank, qid, payload, attempt_id)
    SELECT a.answered_at, 'answer', q.bank, q.qid,
        json_object('answer', {_ATTEMPT_JSON.format(a="a")}), a.id
    FROM attempts a JOIN questions q ON q.id = a.question_id
    WHERE a.mode != 'review' ORDER BY a.answered_at, a.id;
    INSERT INTO sync_events (at, kind, bank, qid, payload, review_id, attempt_id)
    SELECT r.reviewed_at, 'review', q.bank, q.qid,
        {_review_json("r", "coalesce(json(r.next_before), " + _CARD_JSON.format(r="r") + ")")},
        r.id, r.attempt_id
    FROM (SELECT *, lead(card_before) OVER (PARTITION BY question_id ORDER BY id) AS next_before
          FROM reviews) r
    JOIN questions q ON q.id = r.question_id ORDER BY r.reviewed_at, r.id;
"""

# `round_id`: the `rounds` row a round event made here, or the round of an answer event.
# `sync_cards`: each card's replayed state (portable, JSON) and what it covers: every event of
# the card with `seq` up to `seq`, the last of them in (time, event id) order being `at`,
# `event_id`. Events after that in both orders are replayed on top of it; any other is replayed
# with all the card's events from the start.
SYNC_ROUNDS_SCHEMA = f"""
    ALTER TABLE sync_events ADD COLUMN round_id INTEGER;
    DROP INDEX sync_events_by_card;
    CREATE INDEX sync_events_by_card ON sync_events (bank, qid, seq);
    CREATE INDEX sync_events_by_round ON sync_events (round_id) WHERE round_id IS NOT NULL;
    CREATE TABLE sync_cards (
        question_id INTEGER PRIMARY KEY REFERENCES questions (id),
        seq INTEGER NOT NULL,
        at TEXT,
        event_id TEXT,
        state TEXT
    );
    DROP TRIGGER sync_answer;
    CREATE TRIGGER sync_answer AFTER INSERT ON attempts
    WHEN NEW.mode != 'review' AND {_NOT_IMPORTING}
    BEGIN
        INSERT INTO sync_events (at, kind, bank, qid, payload, attempt_id, round_id)
        SELECT NEW.answered_at, 'answer', q.bank, q.qid,
            json_object('answer', {_ATTEMPT_JSON.format(a="NEW")}), NEW.id, NEW.round_id
        FROM questions q WHERE q.id = NEW.question_id;
    END;
    CREATE TRIGGER sync_round AFTER INSERT ON rounds WHEN {_NOT_IMPORTING}
    BEGIN
        INSERT INTO sync_events (at, kind, payload, round_id)
        VALUES (NEW.started_at, 'round',
            json_object('bank', NEW.bank, 'mode', NEW.mode, 'seed', NEW.seed), NEW.id);
    END;
"""

# Ordered; entry k brings the schema from version k to k + 1. Never edit a released entry.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,          -- the stable card id
        bank TEXT NOT NULL,
        qid TEXT NOT NULL,
        UNIQUE (bank, qid)
    );
    CREATE TABLE rounds (
        id INTEGER PRIMARY KEY,
        bank TEXT NOT NULL,
        mode TEXT NOT NULL,
        seed INTEGER,
        started_at TEXT NOT NULL
    );
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        question_id INTEGER NOT NULL REFERENCES questions (id),
        round_id INTEGER REFERENCES rounds (id),
        answered_at TEXT NOT NULL,       -- ISO 8601, UTC
        given TEXT NOT NULL,
        correct INTEGER,                 -- 1 right, 0 wrong, NULL skipped
        seconds REAL NOT NULL,
        mode TEXT NOT NULL,
        qtype TEXT NOT NULL,
        topic TEXT NOT NULL
    );
    CREATE INDEX attempts_by_question ON attempts (question_id, answered_at);
    CREATE INDEX attempts_by_time ON attempts (answered_at);
    CREATE INDEX attempts_by_round ON attempts (round_id);
    """,
    # 2: spaced repetition. One row per card ever rated; every rating logged with what undo needs.
    """
    CREATE TABLE cards (
        question_id INTEGER PRIMARY KEY REFERENCES questions (id),
        fsrs TEXT NOT NULL,              -- py-fsrs Card.to_dict() as JSON
        state INTEGER NOT NULL,          -- fsrs state, copied: 1 learning, 2 review, 3 relearning
        due TEXT NOT NULL,               -- ISO 8601 UTC, copied out of fsrs
        stability REAL,
        last_review TEXT,
        reps INTEGER NOT NULL,
        lapses INTEGER NOT NULL,         -- times forgotten once learnt (Again in review)
        suspended INTEGER NOT NULL DEFAULT 0,
        leech INTEGER NOT NULL DEFAULT 0,
        introduced_at TEXT NOT NULL      -- first rating: today's new cards are counted from it
    );
    CREATE INDEX cards_by_due ON cards (suspended, due);
    CREATE INDEX cards_by_introduction ON cards (introduced_at);
    CREATE INDEX cards_leeches ON cards (leech) WHERE leech = 1;
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        question_id INTEGER NOT NULL REFERENCES questions (id),
        reviewed_at TEXT NOT NULL,       -- ISO 8601 UTC
        rating INTEGER NOT NULL,         -- 1 Again, 2 Hard, 3 Good, 4 Easy
        auto INTEGER NOT NULL,           -- 1 when the rating came from grading and was kept
        duration_ms INTEGER,
        state_before INTEGER,            -- fsrs state before (NULL: a new card)
        due_after TEXT NOT NULL,
        attempt_id INTEGER REFERENCES attempts (id),
        card_before TEXT                 -- the whole cards row before, as JSON (NULL: new card)
    );
    CREATE INDEX reviews_by_time ON reviews (reviewed_at);
    CREATE INDEX reviews_by_question ON reviews (question_id, reviewed_at);
    """,
    # 3: the key points an interview answer covered, as JSON {"of": 5, "covered": [point texts]}
    # (texts, not positions, so a point reworded later is not credited by mistake).
    """
    ALTER TABLE attempts ADD COLUMN points TEXT;
    """,
    # 4: more about each answer: the named mistake a numeric answer matched, the tries it took
    # (and what the first try said), whether the learner overruled a "wrong", and the seed its
    # numbers were drawn from (so `quiz --missed` asks the same numbers again).
    """
    ALTER TABLE attempts ADD COLUMN mistake TEXT;
    ALTER TABLE attempts ADD COLUMN tries INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE attempts ADD COLUMN first_given TEXT;
    ALTER TABLE attempts ADD COLUMN overruled INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE attempts ADD COLUMN seed INTEGER;
    """,
    # 5: one-time notices (e.g. "the interview date has passed"), shown once per key.
    """
    CREATE TABLE notices (
        key TEXT PRIMARY KEY,
        shown_at TEXT NOT NULL           -- ISO 8601 UTC
    );
    """,
    # 6: sync (storage.sync): every answer, review, undo, overrule and suspension as an event,
    # written by triggers in the transaction that makes it; imported events are kept too.
    SYNC_SCHEMA,
    # 7: answers and reviews by time with what `stats` counts of them (and their card, to keep
    # one bank's), so its year of activity is read from the indexes alone: about 2.5 times
    # faster at 100,000 answers than a lookup of each row.
    """
    DROP INDEX attempts_by_time;
    CREATE INDEX attempts_by_time ON attempts (answered_at, question_id, mode, correct);
    DROP INDEX attempts_by_question;
    CREATE INDEX attempts_by_question ON attempts (question_id, answered_at, mode, correct);
    DROP INDEX reviews_by_time;
    CREATE INDEX reviews_by_time ON reviews (reviewed_at, question_id);
    """,
    # 8: quiz rounds travel too (a `round` event, and each answer names its round), and each
    # replayed card keeps the state it reached, so a sync replays only what came after it.
    SYNC_ROUNDS_SCHEMA,
    # 9: flags: the questions the learner marked to look at again (`f` at a prompt), one row
    # each; `refresher unflag` deletes it.
    """
    CREATE TABLE flags (
        question_id INTEGER PRIMARY KEY REFERENCES questions (id),
        flagged_at TEXT NOT NULL         -- ISO 8601 UTC
    );
    """,
    # 10: a mark of the history that costs no scan (`storage/days.py`): answers and reviews are
    # only added (their ids grow) except when one is deleted (an undo) or regraded (an overrule),
    # so the highest ids with a count of those changes tell whether anything changed; the store's
    # own name tells a store made anew (its ids start again) from the one a cache counted. And
    # the answers with a named mistake by time, few among many: `stats` counts them from this
    # index alone.
    """
    CREATE INDEX attempts_with_mistakes ON attempts (answered_at, mistake)
        WHERE mistake IS NOT NULL;
    CREATE TABLE history_mark (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        store TEXT NOT NULL,             -- made once, at random
        changed INTEGER NOT NULL         -- answers and reviews deleted or regraded so far
    );
    INSERT INTO history_mark (id, store, changed) VALUES (1, lower(hex(randomblob(8))), 0);
    CREATE TRIGGER history_review_removed AFTER DELETE ON reviews
    BEGIN
        UPDATE history_mark SET changed = changed + 1 WHERE id = 1;
    END;
    CREATE TRIGGER history_answer_removed AFTER DELETE ON attempts
    BEGIN
        UPDATE history_mark SET changed = changed + 1 WHERE id = 1;
    END;
    CREATE TRIGGER history_answer_regraded
    AFTER UPDATE OF correct, overruled, mistake, tries, seconds ON attempts
    BEGIN
        UPDATE history_mark SET changed = changed + 1 WHERE id = 1;
    END;
    """,
]


def tables_at(version: int) -> set[str]:
    """The tables a database at schema `version` has."""
    names: set[str] = set()
    for script in MIGRATIONS[:version]:
        names.update(re.findall(r"CREATE TABLE (\w+)", script))
    return names


def triggers_at(version: int) -> dict[str, str]:
    """The triggers a database at schema `version` has, by name, with their SQL in one-space
    form (what `sqlite_master.sql` holds, whitespace aside): any other trigger was planted."""
    found: dict[str, str] = {}
    for script in MIGRATIONS[:version]:
        for statement in statements(script):
            match = re.match(r"\s*CREATE TRIGGER (\w+)", statement)
            if match:  # a later migration's trigger of the same name replaces it
                found[match.group(1)] = one_spaced(statement.strip().rstrip(";"))
            dropped = re.match(r"\s*DROP TRIGGER (\w+)", statement)
            if dropped:
                found.pop(dropped.group(1), None)
    return found


def trigger_sql(name: str) -> str:
    """The statement that made trigger `name` as the schema has it now (the last migration's
    that creates it), as that migration ran it: made again with it, `sqlite_master` reads the
    same."""
    found = None
    for script in MIGRATIONS:
        for statement in statements(script):
            if re.match(rf"\s*CREATE TRIGGER {re.escape(name)}\b", statement):
                found = statement
    if found is None:
        raise KeyError(name)
    return found


def one_spaced(sql: str) -> str:
    return " ".join(sql.split())


def statements(script: str) -> list[str]:
    """The statements of a migration, split at the semicolons that end one (a trigger's body
    holds several)."""
    found, piece = [], ""
    for part in script.split(";"):
        piece += part + ";"
        if sqlite3.complete_statement(piece):
            if piece.strip(" \n;"):
                found.append(piece)
            piece = ""
    return found


def apply(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the database on `conn` (autocommit, outside a transaction) up to date and mark it.

    Raises StoreError for a file written by a newer refresher; sqlite3 errors pass through.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise StoreError(
            f"{path} was written by a newer refresher (schema {version}); upgrade refresher"
        )
    marked = conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    if version == len(MIGRATIONS) and marked:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-read inside the lock: another process may have migrated meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for step, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {step}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
