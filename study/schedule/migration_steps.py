"""The shipped migrations, one function each: never edited once shipped (tests/test_migrations.py
keeps a fingerprint of the schema each leads to). `study.schedule.migrations` lists them in order
and applies them.

Plain SQL on a `sqlite3` connection (m009 and m010 on a server's too), not the SQLModel
classes: the classes describe today's schema, a migration must keep describing the schema of
its day. Nothing heavy at module level: `study due` and `study sync` load this to know the
latest version; the server's connection type is looked up only inside the two steps that
need it.
"""

from __future__ import annotations

import sqlite3

TYPE_CHECKING = False  # not typing's: importing typing costs `study due` a few milliseconds
if TYPE_CHECKING:
    from study.schedule.serverdb import Connection


def _is_server(db: Connection) -> bool:
    from study.schedule.serverdb import is_server

    return is_server(db)


def m001_initial(db: sqlite3.Connection) -> None:
    """The first schema: roots, notes, cards with their FSRS state, the review log, settings."""
    _script(
        db,
        """
        CREATE TABLE migration (name TEXT PRIMARY KEY NOT NULL, applied_at DATETIME NOT NULL);
        CREATE TABLE root (path TEXT PRIMARY KEY NOT NULL);
        CREATE TABLE note (
            path TEXT PRIMARY KEY NOT NULL,
            deck TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            synced_at DATETIME NOT NULL
        );
        CREATE TABLE card (
            id TEXT PRIMARY KEY NOT NULL,
            note TEXT NOT NULL,
            note_path TEXT NOT NULL,
            deck TEXT NOT NULL,
            kind TEXT NOT NULL,
            front TEXT NOT NULL,
            back TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]',
            source TEXT NOT NULL,
            line INTEGER NOT NULL,
            section TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'active',
            buried_until DATETIME,
            state INTEGER NOT NULL DEFAULT 1,
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due DATETIME NOT NULL,
            last_review DATETIME,
            added DATETIME NOT NULL
        );
        CREATE INDEX ix_card_status_due ON card (status, due);
        CREATE INDEX ix_card_deck ON card (deck);
        CREATE INDEX ix_card_note ON card (note);
        CREATE INDEX ix_card_note_path ON card (note_path);
        CREATE INDEX ix_card_new ON card (status) WHERE last_review IS NULL;
        CREATE INDEX ix_card_learning ON card (status, due)
            WHERE state IN (1, 3) AND last_review IS NOT NULL;
        CREATE TABLE review (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            card_id TEXT NOT NULL,
            rating INTEGER NOT NULL,
            reviewed_at DATETIME NOT NULL,
            duration_ms INTEGER,
            before TEXT NOT NULL
        );
        CREATE INDEX ix_review_reviewed_at ON review (reviewed_at);
        CREATE INDEX ix_review_card_id ON review (card_id);
        CREATE TABLE setting (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
        """,
    )


def m002_card_retired_from(db: sqlite3.Connection) -> None:
    """A retired card remembers its status (a suspended card comes back suspended)."""
    db.execute("ALTER TABLE card ADD COLUMN retired_from TEXT")


def m003_deck_setting(db: sqlite3.Connection) -> None:
    """A deck's own settings (its limits, retention, steps), over the global ones.

    `deck` is the deck's name folded as `study.notes.lookup.deck_key` folds it, so `Docker` and
    `docker` share one set of settings.
    """
    db.execute(
        "CREATE TABLE deck_setting (deck TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
        " PRIMARY KEY (deck, key))"
    )


def m004_review_before_as_fsrs_card(db: sqlite3.Connection) -> None:
    """A review's `before` snapshot becomes fsrs' own `Card.to_json` form, for its `from_json`.

    The old form had the same keys but no `card_id`, and naive UTC stamps for the datetimes.
    """
    _script(
        db,
        """
        UPDATE review SET before = json_object(
            'card_id', 0,
            'state', json_extract(before, '$.state'),
            'step', json_extract(before, '$.step'),
            'stability', json_extract(before, '$.stability'),
            'difficulty', json_extract(before, '$.difficulty'),
            'due', replace(json_extract(before, '$.due'), ' ', 'T') || '+00:00',
            'last_review', CASE WHEN json_extract(before, '$.last_review') IS NULL THEN NULL
                ELSE replace(json_extract(before, '$.last_review'), ' ', 'T') || '+00:00' END
        ) WHERE json_extract(before, '$.card_id') IS NULL;
        """,
    )


def m005_card_queue_indexes_by_deck(db: sqlite3.Connection) -> None:
    """The queue's partial indexes lead with the deck: daily limits are per deck, so the rules
    ask each deck for its first cards in order (an index seek, not a scan of every deck)."""
    _script(
        db,
        """
        DROP INDEX ix_card_new;
        DROP INDEX ix_card_learning;
        CREATE INDEX ix_card_new ON card (deck, status) WHERE last_review IS NULL;
        CREATE INDEX ix_card_learning ON card (deck, status, due)
            WHERE state IN (1, 3) AND last_review IS NOT NULL;
        CREATE INDEX ix_card_review ON card (deck, status, due)
            WHERE state = 2 AND last_review IS NOT NULL;
        """,
    )


def m006_anki_guid(db: sqlite3.Connection) -> None:
    """Anki identity: the note GUID a card was first known by, and its note's last export.

    `anki_guid` survives `study sync` giving the card a new id (a reworded question), so a
    re-import updates the Anki note in place; `anki_hash` / `anki_mod` are the exported note's
    content hash and modification time, so a note's time moves only when its content does;
    `anki_export` remembers the note types' version the last export carried.
    """
    db.execute("ALTER TABLE card ADD COLUMN anki_guid TEXT")
    db.execute("ALTER TABLE card ADD COLUMN anki_hash TEXT")
    db.execute("ALTER TABLE card ADD COLUMN anki_mod INTEGER")
    # What the last export said of itself (the note types' version), to tell what changed.
    db.execute("CREATE TABLE anki_export (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)")


def m007_note_stat(db: sqlite3.Connection) -> None:
    """Each note's size and modification time (ns), as git's index keeps them, and the release
    that recorded them: a re-sync reads only the notes whose stamp moved. NULL (every note
    synced before) means: hash it once."""
    db.execute("ALTER TABLE note ADD COLUMN size INTEGER")
    db.execute("ALTER TABLE note ADD COLUMN mtime_ns INTEGER")
    db.execute("ALTER TABLE note ADD COLUMN stamped_by TEXT")


def m008_card_leech(db: sqlite3.Connection) -> None:
    """A card forgotten too often is marked a leech (and suspended, as Anki does)."""
    db.execute("ALTER TABLE card ADD COLUMN leech BOOLEAN NOT NULL DEFAULT 0")


def m009_folders_per_machine(db: Connection) -> None:
    """Registered folders belong to a machine and name a vault; notes are stored by their key
    (vault/path inside it), the same on every machine (study.schedule.machine).

    Written once for the file and the server (a branch only where their DDL differs). The
    rows already there belong to no machine yet (''): the first machine to sync takes them.
    Each root's vault is its name (a number added to a repeat); a note's key comes from the
    outermost root holding it. The rules are spelled out here, as they stood when written.
    """
    if _is_server(db):
        _script(db, _M009_SERVER)
    else:
        _script(db, _M009_FILE)
    vaults: dict[str, str] = {}
    for (root,) in db.execute("SELECT path FROM root ORDER BY path").fetchall():
        base = root.rstrip("/").rsplit("/", 1)[-1] or "notes"
        name, number = base, 1
        while name in vaults.values():
            number += 1
            name = f"{base}-{number}"
        vaults[root] = name
    db.executemany("UPDATE root SET vault = ? WHERE path = ?", [(v, r) for r, v in vaults.items()])

    def key(path: str) -> str:
        holders = [r for r in vaults if path == r or path.startswith(r.rstrip("/") + "/")]
        if not holders:
            return path
        root = min(holders, key=len)
        return vaults[root] + path[len(root.rstrip("/")) :]

    notes = [(key(p), p) for (p,) in db.execute("SELECT path FROM note").fetchall()]
    db.executemany("UPDATE note SET note_key = ? WHERE path = ?", notes)
    paths = db.execute("SELECT DISTINCT note_path FROM card").fetchall()
    moved = [(key(p), p) for (p,) in paths if key(p) != p]
    db.executemany("UPDATE card SET note_path = ? WHERE note_path = ?", moved)


_M009_FILE = """
CREATE TABLE root_m009 (
    machine TEXT NOT NULL, path TEXT NOT NULL, vault TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (machine, path)
);
INSERT INTO root_m009 (machine, path) SELECT '', path FROM root;
DROP TABLE root;
ALTER TABLE root_m009 RENAME TO root;
CREATE TABLE note_m009 (
    machine TEXT NOT NULL,
    path TEXT NOT NULL,
    note_key TEXT NOT NULL DEFAULT '',
    deck TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    synced_at DATETIME NOT NULL,
    size BIGINT,
    mtime_ns BIGINT,
    stamped_by TEXT,
    PRIMARY KEY (machine, path)
);
INSERT INTO note_m009 (machine, path, deck, content_hash, synced_at, size, mtime_ns, stamped_by)
    SELECT '', path, deck, content_hash, synced_at, size, mtime_ns, stamped_by FROM note;
DROP TABLE note;
ALTER TABLE note_m009 RENAME TO note;
"""
# A server made before this: the same columns and keys (and 64-bit stamps, which its
# INTEGER columns could not hold).
_M009_SERVER = """
ALTER TABLE root ADD COLUMN machine VARCHAR NOT NULL DEFAULT '',
    ADD COLUMN vault VARCHAR NOT NULL DEFAULT '';
ALTER TABLE root DROP CONSTRAINT root_pkey, ADD PRIMARY KEY (machine, path);
ALTER TABLE note ADD COLUMN machine VARCHAR NOT NULL DEFAULT '',
    ADD COLUMN note_key VARCHAR NOT NULL DEFAULT '',
    ALTER COLUMN size TYPE BIGINT, ALTER COLUMN mtime_ns TYPE BIGINT;
ALTER TABLE note DROP CONSTRAINT note_pkey, ADD PRIMARY KEY (machine, path);
"""


# A moment's text (a stamp, or fsrs' ISO form, its fraction left out when zero) -> whole
# microseconds since the epoch, exactly (julianday() keeps ~0.1 ms): `schema.epoch_us`.
_TEXT_US = (
    "(CAST(strftime('%s', {0}) AS INTEGER) * 1000000"
    " + CASE WHEN substr({0}, 20, 1) = '.' THEN CAST(substr({0}, 21, 6) AS INTEGER) ELSE 0 END)"
)


def m010_review_typed(db: Connection) -> None:
    """The review log in typed columns, ~60 bytes a review where it took ~260: the card as its
    rowid, moments as epoch microseconds, the card before the answer as fsrs' fields (not a
    ~170-byte JSON text). Every review kept, exact to the microsecond (one whose card is gone:
    a NULL card). No index by time: today's answers are found by each card's last review
    (`ix_card_last_review`, `rules.DONE_TODAY`). The file's table is rebuilt (SQLite cannot
    drop a column), the server's altered in place."""
    if _is_server(db):
        _script(db, _M010_SERVER)
        return
    before = "json_extract(r.before, '$.{}')"
    # The ids handed out so far (an undone answer's among them) are not handed out again.
    used = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'review'").fetchone()
    due, last = before.format("due"), before.format("last_review")
    _script(
        db,
        f"""
        CREATE TABLE review_typed (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            card INTEGER,
            rating INTEGER NOT NULL,
            reviewed_at INTEGER NOT NULL,
            duration_ms INTEGER,
            before_state INTEGER,
            before_step INTEGER,
            before_stability REAL,
            before_difficulty REAL,
            before_due INTEGER,
            before_last_review INTEGER
        );
        INSERT INTO review_typed
        SELECT r.id, c.rowid, r.rating, {_TEXT_US.format("r.reviewed_at")}, r.duration_ms,
            {before.format("state")}, {before.format("step")}, {before.format("stability")},
            {before.format("difficulty")}, {_TEXT_US.format(due)}, {_TEXT_US.format(last)}
        FROM review r LEFT JOIN card c ON c.id = r.card_id ORDER BY r.id;
        DROP TABLE review;
        ALTER TABLE review_typed RENAME TO review;
        CREATE INDEX ix_review_card ON review (card);
        CREATE INDEX ix_card_last_review ON card (last_review);
        """,
    )
    if used is not None:
        db.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'review'", used)


# A moment as a server holds it (UTC wall time, or fsrs' ISO text) -> epoch microseconds.
_SERVER_US = "round(extract(epoch from {}) * 1000000)::bigint"
_SERVER_BEFORE = "(before::json ->> '{}')"
_SERVER_BEFORE_US = _SERVER_US.format(_SERVER_BEFORE + "::timestamptz")
_M010_SERVER = f"""
ALTER TABLE review ADD COLUMN card BIGINT, ADD COLUMN reviewed_us BIGINT,
    ADD COLUMN before_state INTEGER, ADD COLUMN before_step INTEGER,
    ADD COLUMN before_stability FLOAT, ADD COLUMN before_difficulty FLOAT,
    ADD COLUMN before_due BIGINT, ADD COLUMN before_last_review BIGINT;
UPDATE review r SET card = c.rowid FROM card c WHERE c.id = r.card_id;
UPDATE review SET reviewed_us = {_SERVER_US.format("reviewed_at")},
    before_state = {_SERVER_BEFORE.format("state")}::int,
    before_step = {_SERVER_BEFORE.format("step")}::int,
    before_stability = {_SERVER_BEFORE.format("stability")}::float,
    before_difficulty = {_SERVER_BEFORE.format("difficulty")}::float,
    before_due = {_SERVER_BEFORE_US.format("due")},
    before_last_review = {_SERVER_BEFORE_US.format("last_review")};
ALTER TABLE review DROP COLUMN card_id, DROP COLUMN before, DROP COLUMN reviewed_at;
ALTER TABLE review RENAME COLUMN reviewed_us TO reviewed_at;
ALTER TABLE review ALTER COLUMN reviewed_at SET NOT NULL;
CREATE INDEX ix_review_card ON review (card);
CREATE INDEX ix_card_last_review ON card (last_review);
CREATE UNIQUE INDEX ix_card_rowid ON card (rowid);
CREATE TABLE anki_export (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
"""


def m011_leaner_card_indexes(db: Connection) -> None:
    """Three card indexes hold only the cards their queries read. The cards due by status
    (the forecast, the next due moment) and each card's last review (today's answers) are
    only ever asked of reviewed cards (`last_review IS NOT NULL`, said or implied by a
    comparison): a new card, most of a collection at first and every card a first sync
    writes, enters neither, and a first sync no longer rebuilds them
    (`syncwrite.reviewed_only`). A card's note is looked up only to find the reverse of a
    command (`queue._TYPED_SIBLING`). ~7 MB less at 100,000 new cards. The same statements
    on a server."""
    _script(
        db,
        """
        DROP INDEX ix_card_status_due;
        CREATE INDEX ix_card_status_due ON card (status, due) WHERE last_review IS NOT NULL;
        DROP INDEX ix_card_last_review;
        CREATE INDEX ix_card_last_review ON card (last_review) WHERE last_review IS NOT NULL;
        DROP INDEX ix_card_note;
        CREATE INDEX ix_card_note ON card (note) WHERE kind = 'command-reverse';
        """,
    )


def m012_card_id_unique_index(db: Connection) -> None:
    """On a file with no card yet, the card's id is made unique through an index of its own
    (`ix_card_id`) instead of the table's PRIMARY KEY. The lookup is the same (a PRIMARY KEY
    that is not an INTEGER one is such an index, SQLite's own), but SQLite cannot drop its
    own: a first sync drops this one with the others and builds it once the cards are in
    (inserting 100,000 hashed ids into it one by one was ~0.25 s of CPU, building it at the
    end ~0.1 s).

    Only an empty card table is remade (SQLite cannot drop a table constraint). A first sync
    is a sync into an empty card table, and cards are never deleted, so a file holding cards
    would gain nothing; rebuilding it would leave the old table's pages free inside the file
    for good (~35 MB at 100,000 cards: SQLite gives them back only by a VACUUM, which may
    renumber the rowids the review log names cards by). Such a file keeps its primary key;
    nothing reads the two differently. A server keeps its primary key too (its first sync
    leaves `card_pkey` alone)."""
    if _is_server(db) or db.execute("SELECT 1 FROM card LIMIT 1").fetchone() is not None:
        return
    sql = "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'card'"
    indexes = [row[0] for row in db.execute(sql + " AND sql IS NOT NULL").fetchall()]
    _script(db, _M012_EMPTY_CARD_TABLE)
    for index in indexes:
        db.execute(index)
    db.execute("CREATE UNIQUE INDEX ix_card_id ON card (id)")


_M012_EMPTY_CARD_TABLE = """
CREATE TABLE card_m012 (
    id TEXT NOT NULL, note TEXT NOT NULL, note_path TEXT NOT NULL, deck TEXT NOT NULL,
    kind TEXT NOT NULL, front TEXT NOT NULL, back TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]', source TEXT NOT NULL, line INTEGER NOT NULL,
    section TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'active',
    buried_until DATETIME, state INTEGER NOT NULL DEFAULT 1, step INTEGER, stability REAL,
    difficulty REAL, due DATETIME NOT NULL, last_review DATETIME, added DATETIME NOT NULL,
    retired_from TEXT, anki_guid TEXT, anki_hash TEXT, anki_mod INTEGER,
    leech BOOLEAN NOT NULL DEFAULT 0
);
DROP TABLE card;
ALTER TABLE card_m012 RENAME TO card;
"""


def _script(db: Connection, script: str) -> None:
    """Run several statements inside the caller's transaction (executescript() would COMMIT)."""
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):  # ends with `;` outside any quotes (either SQL)
            db.execute(current)
            current = ""
