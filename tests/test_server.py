"""The study database on a PostgreSQL server: the same store, settings and errors as the file.

The server is a real one (tests/pgserver.py); these tests skip, naming what is missing, where
Debian's `postgresql` package or psycopg is not installed (and fail so under STUDY_TEST_STRICT).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from study.errors import StudyError
from study.schedule import migrations
from study.schedule.config import config
from study.schedule.dburl import server_url, where
from study.schedule.store import SettingRow, open_store
from tests.pgserver import PASSWORD, PgServer, libpq, refusal
from tests.support import rows

runner = CliRunner()


def test_a_url_that_went_through_path_is_the_same_url() -> None:
    given = "postgresql+psycopg://me@db.example:5433/study"
    assert server_url(Path(given)) == given
    assert (
        server_url("postgresql://me@db.example/study") == "postgresql+psycopg://me@db.example/study"
    )
    assert server_url(Path("notes/study.db")) is None
    assert where(given) == "db.example:5433/study"
    assert where("postgresql+psycopg://?service=study") == "service study"


def test_study_db_names_the_server_when_no_db_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDY_DB", "postgresql+psycopg://me@db.example/study")
    assert server_url(None) == "postgresql+psycopg://me@db.example/study"
    monkeypatch.delenv("STUDY_DB")
    assert server_url(None) is None


def test_settings_are_stored_and_read_back(db_target: Path | str) -> None:
    assert config(db_target, "new_per_day", "7") == "new_per_day = 7"
    assert config(db_target, "new_per_day", None) == "7"
    with open_store(db_target) as store:
        rows = store.session.exec(__import__("sqlmodel").select(SettingRow)).all()
        assert [(row.key, row.value) for row in rows] == [("new_per_day", "7")]


def test_the_cli_takes_a_server_url_for_db(pg_url: str) -> None:
    result = runner.invoke(app, ["config", "--db", pg_url, "desired_retention", "0.85"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "desired_retention = 0.85\nrescheduled 0 cards from their history; 0 due dates moved\n"
    )
    shown = runner.invoke(app, ["config", "--db", pg_url, "desired_retention"])
    assert shown.output == "0.85\n"


def test_a_server_that_is_down_is_one_line_naming_the_host(pg_server: PgServer) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(StudyError) as caught:
        open_store(f"postgresql+psycopg://study@127.0.0.1:{port}/study")
    assert str(caught.value) == (
        f"the server 127.0.0.1:{port}/study is not answering (is PostgreSQL running there?); "
        "nothing more was saved (what was saved before is kept)"
    )


def test_wrong_credentials_name_the_host_never_the_password(
    pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = tmp_path / "pgpass"
    wrong.write_text(f"127.0.0.1:{pg_server.port}:*:study:not-{PASSWORD}\n")
    wrong.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(wrong))
    result = runner.invoke(app, ["config", "--db", pg_server.url("postgres")])
    assert result.exit_code == 1
    assert result.output == (
        f"study: the server 127.0.0.1:{pg_server.port}/postgres refused the login: wrong user "
        "or password (study reads the password from ~/.pgpass or PGPASSFILE)\n"
    )
    assert PASSWORD not in result.output


def test_a_password_in_the_url_is_refused_before_connecting() -> None:
    with pytest.raises(StudyError) as caught:
        open_store("postgresql+psycopg://me:hunter2@db.example/study")
    assert "hunter2" not in str(caught.value)
    assert str(caught.value).startswith("the database URL for db.example/study holds a password")


def test_a_database_of_other_tables_is_not_a_study_database(pg_url: str) -> None:
    assert refusal(pg_url, "CREATE TABLE invoices (id int)") == (
        f"the server {where(pg_url)} is not a study database (it holds other tables); "
        "pick another database"
    )


def test_the_drill_queue_on_the_server_is_the_files(tmp_path: Path, pg_url: str) -> None:
    """The shared rules' SQL (json_extract, rowid) picks the same cards on both."""
    from datetime import timedelta

    from study.schedule.answers import grade
    from study.schedule.queue import build_queue
    from tests.test_dbcopy import NOW, _collection

    laptop = _collection(tmp_path)
    assert runner.invoke(app, ["db", "copy", str(laptop), pg_url]).exit_code == 0
    later = NOW + timedelta(minutes=30)
    fronts = {}
    for target in (laptop, pg_url):
        with open_store(target) as store:
            before = [store.card(card_id).front for card_id in build_queue(store, later)]
            # The new sibling of a card answered today waits; once graded it is due in 10 min.
            grade(store, store.cards(decks=["Shell"])[1].id, 3, later, None, fuzz=False)
            after = [store.card(card_id).front for card_id in build_queue(store, later)]
            fronts[str(target)] = [*before, "|", *after]
    # Learning cards by due time: Again (due in 1 min) before Good (due in 10 min).
    learning = ["What shows the changes?", "What lists files?"]
    new = ["What prints the working directory?"]
    assert fronts[str(laptop)] == [*learning, *new, "|", *learning]
    assert fronts[pg_url] == fronts[str(laptop)]


def test_drill_and_due_on_the_server_answer_as_on_the_file(tmp_path: Path, pg_url: str) -> None:
    """`study drill` grades on the server; `study due` (the fast launcher, a new process)
    then counts the server's cards as it counts the file's after the same answer."""
    import json
    import os
    import subprocess
    import sys

    from tests.test_dbcopy import _collection

    laptop = _collection(tmp_path)
    assert runner.invoke(app, ["db", "copy", str(laptop), pg_url]).exit_code == 0
    at = {"STUDY_NOW": "2026-03-02T10:00:00+00:00"}
    due = {}
    for target in (str(laptop), pg_url):
        drilled = runner.invoke(app, ["drill", "--db", target], input=" \n3\n", env=at)
        assert drilled.exit_code == 0, drilled.output
        shown = subprocess.run(
            [sys.executable, "-m", "study", "due", "--db", target, "--json"],
            env={**os.environ, **at},
            capture_output=True,
            text=True,
            check=False,
        )
        assert shown.returncode == 0, shown.stderr
        due[target] = json.loads(shown.stdout)
    assert due[pg_url] == due[str(laptop)]
    # The drill showed the card due first, Git's (Again at 09:30, due 09:31): Good at 10:00
    # puts it 10 min on. Shell's learning card (due 09:40) and its new card are still due.
    assert [(deck["deck"], deck["total"], deck["later_today"]) for deck in due[pg_url]] == [
        ("Git", 0, 1),
        ("Shell", 2, 0),
    ]


def test_file_only_commands_say_so_for_a_server(pg_url: str) -> None:
    """Backups and the file check need a SQLite file: one line, nothing made."""
    advice = (
        "study: this command works on a database file only, not on a PostgreSQL server (back a "
        "server up with pg_dump): run it on a file and move the collection with `study db copy "
        "FROM TO`\n"
    )
    for command in (["db", "backups"], ["db", "check"], ["db", "restore", "x.db"]):
        result = runner.invoke(app, [*command, "--db", pg_url])
        assert (result.exit_code, result.output) == (1, advice), command
    assert not Path("postgresql+psycopg:").exists()


def test_a_first_drill_on_an_empty_server_adds_the_bundled_decks(pg_url: str) -> None:
    """As on a fresh file: nothing registered, so the drill syncs the bundled decks first."""
    result = runner.invoke(app, ["drill", "--db", pg_url], input="q\n")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("First run: added the bundled decks (115 cards).")
    with open_store(pg_url) as store:
        assert store.decks() == ["Docker"]


def test_two_drills_grading_one_card_at_once_take_turns(
    tmp_path: Path, db_target: Path | str
) -> None:
    """Both answers are logged once each, and the second is applied to the first's result
    (its `before` is the schedule the first answer left), on the file and on the server."""
    import threading

    from study.schedule.answers import grade, reviews_of
    from tests.test_dbcopy import NOW, _collection

    source = _collection(tmp_path)
    if isinstance(db_target, str):
        assert runner.invoke(app, ["db", "copy", str(source), db_target]).exit_code == 0
    else:
        db_target = source
    with open_store(db_target) as store:
        card_id = store.cards(decks=["Shell"])[1].id  # new: never answered
    start, failures = threading.Barrier(2), []

    def drill(rating: int) -> None:
        try:
            with open_store(db_target) as store:
                start.wait()
                grade(store, card_id, rating, NOW, None, fuzz=False)
        except Exception as error:  # the assertion below names it
            failures.append(error)

    drills = [threading.Thread(target=drill, args=(rating,)) for rating in (3, 4)]
    for thread in drills:
        thread.start()
    for thread in drills:
        thread.join()
    assert failures == []
    with open_store(db_target) as store:
        logged = reviews_of(store, card_id)
        assert sorted(review.rating for review in logged) == [3, 4]
        first, second = logged
        assert first.before_last_review is None
        assert second.before_last_review is not None  # applied on top of the first answer


def test_suspend_on_the_server(tmp_path: Path, pg_url: str) -> None:
    from study.schedule.answers import suspend
    from tests.test_dbcopy import _collection

    assert runner.invoke(app, ["db", "copy", str(_collection(tmp_path)), pg_url]).exit_code == 0
    with open_store(pg_url) as store:
        git = store.cards(decks=["Git"])[0].id
    suspended = runner.invoke(app, ["suspended", "--db", pg_url])
    assert (suspended.exit_code, suspended.output) == (0, "No suspended cards.\n")
    with open_store(pg_url) as store:
        suspend(store, git)
        assert [card.front for card in store.cards(decks=["Git"])] == []


def _columns(url: str) -> list[tuple[str, str, str]]:
    """(table, column, type) of every column of a server database, sorted (read with psycopg
    itself: opening a store would upgrade it)."""
    import psycopg

    sql = (
        "SELECT table_name::text, column_name::text, data_type::text"
        " FROM information_schema.columns WHERE table_schema = 'public'"
    )
    with psycopg.connect(libpq(url)) as conn:
        return sorted(conn.execute(sql).fetchall())


def m099_setting_note(db: sqlite3.Connection) -> None:
    """A later release's step, written once for both: SQL a file and a server both take."""
    db.execute("ALTER TABLE setting ADD COLUMN note VARCHAR")
    db.execute("UPDATE setting SET note = 'kept: ' || value")


@pytest.fixture
def later_release(monkeypatch: pytest.MonkeyPatch) -> str:
    """The migrations of a release after this one: today's plus `m099_setting_note`."""
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, m099_setting_note])
    return m099_setting_note.__name__


def test_a_server_database_of_an_earlier_release_upgrades_by_the_files_own_step(
    tmp_path: Path, pg_url: str, request: pytest.FixtureRequest
) -> None:
    """A collection on a file and on a server, both made by this release; the next release's
    step opens both upgraded by the same function, every row kept, one history recorded."""
    from tests.test_dbcopy import _collection

    laptop = _collection(tmp_path)
    assert runner.invoke(app, ["db", "copy", str(laptop), pg_url]).exit_code == 0
    before = _columns(pg_url)
    name = request.getfixturevalue("later_release")  # the next release opens both

    for target in (laptop, pg_url):
        with open_store(target) as store:
            assert list(store.execute("SELECT key, note FROM setting", {})) == [
                ("new_per_day", "kept: 5")
            ]
            names = sorted(str(row[0]) for row in store.execute("SELECT name FROM migration", {}))
            assert names[-1] == name and len(names) == len(migrations.MIGRATIONS)
            assert len(list(store.execute("SELECT id FROM review", {}))) == 2
    assert sorted([*before, ("setting", "note", "character varying")]) == _columns(pg_url)


def test_a_server_lacking_a_migration_from_before_servers_is_refused(pg_url: str) -> None:
    open_store(pg_url).close()
    assert refusal(pg_url, "DELETE FROM migration WHERE name = 'm006_anki_guid'") == (
        f"the server {where(pg_url)} lacks the migration m006_anki_guid, which every study "
        "database on a server has; it was not made by study"
    )


def test_study_due_on_a_server_reads_with_plain_psycopg_and_counts_as_the_store(
    tmp_path: Path, pg_url: str, request: pytest.FixtureRequest
) -> None:
    """The fast path (no SQLAlchemy imported: measured in a fresh process) counts what the
    rules count through the store's session; a database to be upgraded takes the store's path."""
    import json
    import os
    import subprocess
    import sys
    from datetime import timedelta

    from study.schedule.due import counts, due_counts
    from tests.test_dbcopy import NOW, _collection

    later = NOW + timedelta(minutes=30)  # both learning cards due, the new one too

    assert runner.invoke(app, ["db", "copy", str(_collection(tmp_path)), pg_url]).exit_code == 0
    with open_store(pg_url) as store:
        through_store = counts(store.execute, later)
    assert due_counts(pg_url, later) == through_store
    assert [(deck.deck, deck.total) for deck in through_store] == [("Git", 1), ("Shell", 2)]
    probe = (
        "import sys, json; from study.schedule.due import due_counts; from datetime import "
        f"datetime; c = due_counts({pg_url!r}, datetime.fromisoformat({later.isoformat()!r}));"
        "print(json.dumps([[d.deck, d.total, 'sqlalchemy' in sys.modules] for d in c]))"
    )
    fresh = subprocess.run([sys.executable, "-c", probe], env=dict(os.environ),
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert fresh.returncode == 0, fresh.stderr
    assert json.loads(fresh.stdout) == [["Git", 1, False], ["Shell", 2, False]]

    request.getfixturevalue("later_release")  # a migration the server lacks: the store's path
    assert due_counts(pg_url, later) == through_store  # through the store, which upgrades it
    assert rows(pg_url, "SELECT count(*) FROM migration") == [(len(migrations.MIGRATIONS),)]


def test_global_and_deck_settings_rule_the_counts_on_both(
    tmp_path: Path, db_target: Path | str
) -> None:
    """`study config` (global and `--deck`) and the `study due` it changes, on a file and on
    the server (whose `study due` reads with plain psycopg)."""
    import json

    from tests.pgserver import collection_at
    from tests.test_dbcopy import NOW

    notes = {
        "shell.md": "# Shell\n\n" + "".join(f"## S{n}\n\nShell {n}?::s{n}\n\n" for n in range(3)),
        "git.md": "# Git\n\n## A\n\nWhat shows status?::git status\n\n## B\n\nWhat logs?::log\n",
    }
    db = str(collection_at(db_target, tmp_path, notes, NOW))
    at = {"STUDY_NOW": NOW.isoformat()}

    def study(*args: str) -> str:
        result = runner.invoke(app, [*args, "--db", db], env=at)
        assert result.exit_code == 0, result.output
        return result.output

    assert study("config", "--deck", "shell", "new_per_day", "1") == "new_per_day = 1 for Shell\n"
    assert study("config", "new_per_day", "5") == "new_per_day = 5\n"
    counts = {deck["deck"]: deck["new"] for deck in json.loads(study("due", "--json"))}
    assert counts == {"Git": 2, "Shell": 1}
    assert study("config", "--deck", "git", "new_per_day") == "5  (global)\n"
    refused = runner.invoke(app, ["config", "--deck", "Shell", "rollover_hour", "3", "--db", db])
    assert refused.exit_code == 1
    assert "rollover_hour is one setting for all decks" in refused.output


def test_study_due_on_a_server_says_what_is_wrong_in_the_stores_words(
    pg_server: PgServer, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`study due`'s psycopg path: a server that is down, an empty database, wrong credentials
    each give the one line the store gives, never the password."""
    import socket

    with socket.socket() as probe:  # a loopback port nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = runner.invoke(app, ["due", "--db", f"postgresql+psycopg://study@127.0.0.1:{port}/x"])
    empty = runner.invoke(app, ["due", "--db", pg_url])
    wrong = tmp_path / "pgpass"
    wrong.write_text(f"127.0.0.1:{pg_server.port}:*:study:not-{PASSWORD}\n")
    wrong.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(wrong))
    refused = runner.invoke(app, ["due", "--db", pg_url])
    assert [(result.exit_code, result.output) for result in (down, empty, refused)] == [
        (1, f"study: the server 127.0.0.1:{port}/x is not answering (is PostgreSQL running "
            "there?); nothing more was saved (what was saved before is kept)\n"),
        (1, f"study: the server {where(pg_url)} holds no study database yet: `study db copy "
            "FILE URL` moves your collection onto it, `study sync PATH` starts one there\n"),
        (1, f"study: the server {where(pg_url)} refused the login: wrong user or password "
            "(study reads the password from ~/.pgpass or PGPASSFILE)\n"),
    ]  # fmt: skip


def _package_rows(package: Path) -> dict[str, list[tuple[object, ...]]]:
    """The cards and review log an .apkg carries (Anki's columns), for comparing two."""
    import sqlite3
    import zipfile

    with zipfile.ZipFile(package) as archive, sqlite3.connect(":memory:") as db:
        db.deserialize(archive.read("collection.anki2"))
        return {
            "cards": db.execute(
                "SELECT id, nid, type, queue, due, ivl, reps, lapses, left, data FROM cards"
                " ORDER BY id"
            ).fetchall(),
            "revlog": db.execute("SELECT * FROM revlog ORDER BY id").fetchall(),
        }


def test_export_stats_and_reschedule_on_a_server_are_the_files(tmp_path: Path, pg_url: str) -> None:
    """The review log's readers give the same package and the same figures on both."""
    import json

    from tests.test_dbcopy import _collection

    laptop = _collection(tmp_path)
    assert runner.invoke(app, ["db", "copy", str(laptop), pg_url]).exit_code == 0
    at = {"STUDY_NOW": "2026-03-02T12:00:00+00:00"}
    packages = {}
    for name, target in (("file", str(laptop)), ("server", pg_url)):
        out = tmp_path / f"{name}.apkg"
        exported = runner.invoke(app, ["export", "-o", str(out), "--db", target], env=at)
        assert exported.exit_code == 0, exported.output
        packages[name] = _package_rows(out)
    assert packages["server"] == packages["file"]
    assert len(packages["file"]["revlog"]) == 2  # the collection's two answers, as revlog rows
    figures = {}
    for target in (str(laptop), pg_url):
        shown = runner.invoke(app, ["stats", "--json", "--db", target], env=at)
        assert shown.exit_code == 0, shown.output
        figures[target] = json.loads(shown.output)
    assert figures[pg_url] == figures[str(laptop)]
    assert figures[pg_url]["calendar"]["reviews"][-1] == 2  # both answers, today
    assert figures[pg_url]["cards"]["learning"] == 2
    fitted = [
        runner.invoke(app, ["optimize", "--dry-run", "--db", t]) for t in (str(laptop), pg_url)
    ]
    assert [(run.exit_code, run.output) for run in fitted] == 2 * [
        (
            1,
            "study: 2 reviews logged, 0 of them on a later day than a card's first (what FSRS "
            "learns from); optimizing needs 400, 400 more (nothing changed)\n",
        )
    ]  # the review histories read the same on both
    schedules = []
    for target in (str(laptop), pg_url):
        changed = runner.invoke(app, ["config", "desired_retention", "0.8", "--db", target])
        assert changed.output.splitlines()[1].startswith("rescheduled 2 cards from their history")
        with open_store(target) as store:
            sql = "SELECT id, state, step, stability, difficulty, due, last_review FROM card"
            schedules.append(sorted(store.execute(sql, {})))
    assert schedules[1] == schedules[0]  # replayed from the same history on both


def test_a_server_made_before_the_typed_review_log_is_upgraded_in_place(
    tmp_path: Path, pg_url: str
) -> None:
    """A server whose log is the JSON one (text card ids and stamps, as servers were made
    before m010_review_typed) gets the typed columns on opening, every review kept exactly."""
    import psycopg

    from tests.test_dbcopy import _collection

    assert runner.invoke(app, ["db", "copy", str(_collection(tmp_path)), pg_url]).exit_code == 0
    with open_store(pg_url) as store:
        card_id = store.cards(decks=["Git"])[0].id
        rowid = store.rowid(card_id)
    snapshot = (
        '{"card_id": 0, "state": 2, "step": null, "stability": 3.5, "difficulty": 6.25,'
        ' "due": "2026-03-02T12:00:00.000001+00:00",'
        ' "last_review": "2026-02-27T08:30:00.250000+00:00"}'
    )
    with psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql")) as conn:
        for statement in (
            "DROP TABLE review",
            "CREATE TABLE review (id SERIAL PRIMARY KEY, card_id VARCHAR NOT NULL,"
            " rating INTEGER NOT NULL, reviewed_at TIMESTAMP NOT NULL, duration_ms INTEGER,"
            " before VARCHAR NOT NULL)",
            "CREATE INDEX ix_review_reviewed_at ON review (reviewed_at)",
            "CREATE INDEX ix_review_card_id ON review (card_id)",
            "DROP INDEX ix_card_last_review",
            "DROP INDEX ix_card_rowid",
            "DROP TABLE anki_export",
            "DELETE FROM migration WHERE name = 'm010_review_typed'",
        ):
            conn.execute(statement)
        conn.execute(
            "INSERT INTO review (card_id, rating, reviewed_at, duration_ms, before)"
            " VALUES (%s, 3, '2026-03-02 09:30:15.123456', 1500, %s)",
            (card_id, snapshot),
        )
    with open_store(pg_url) as store:
        rows = list(
            store.execute(
                "SELECT id, card, rating, reviewed_at, duration_ms, before_state, before_step,"
                " before_stability, before_difficulty, before_due, before_last_review FROM review",
                {},
            )
        )
        names = [row[0] for row in store.execute("SELECT name FROM migration", {})]
    at = 1772443815123456  # 2026-03-02 09:30:15.123456 UTC
    assert rows == [(1, rowid, 3, at, 1500, 2, None, 3.5, 6.25, 1772452800000001, 1772181000250000)]
    assert "m010_review_typed" in names
    shown = runner.invoke(app, ["stats", "--json", "--db", pg_url])
    assert shown.exit_code == 0, shown.output


def test_a_server_made_before_the_leaner_card_indexes_gets_them_in_place(
    tmp_path: Path, pg_url: str
) -> None:
    """m011 on a server: three indexes of every card become indexes of the cards their queries
    read, every card kept; m012 leaves the server's primary key on the id as it is."""
    import psycopg

    from tests.test_dbcopy import _collection

    assert runner.invoke(app, ["db", "copy", str(_collection(tmp_path)), pg_url]).exit_code == 0
    plain = pg_url.replace("postgresql+psycopg", "postgresql")
    card_indexes = (
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'card'"
        " AND indexname IN ('card_pkey', 'ix_card_status_due', 'ix_card_last_review',"
        " 'ix_card_note')"
        " ORDER BY indexname"
    )
    with psycopg.connect(plain) as conn:
        cards = conn.execute("SELECT rowid, id FROM card ORDER BY rowid").fetchall()
        assert len(cards) > 0
        for statement in (
            "DROP INDEX ix_card_status_due",
            "DROP INDEX ix_card_last_review",
            "DROP INDEX ix_card_note",
            "CREATE INDEX ix_card_status_due ON card (status, due)",
            "CREATE INDEX ix_card_last_review ON card (last_review)",
            "CREATE INDEX ix_card_note ON card (note)",
            "DELETE FROM migration WHERE name IN"
            " ('m011_leaner_card_indexes', 'm012_card_id_unique_index')",
        ):
            conn.execute(statement)
    with open_store(pg_url) as store:
        names = [row[0] for row in store.execute("SELECT name FROM migration", {})]
    assert names[-2:] == ["m011_leaner_card_indexes", "m012_card_id_unique_index"]
    with psycopg.connect(plain) as conn:
        assert conn.execute("SELECT rowid, id FROM card ORDER BY rowid").fetchall() == cards
        indexes = [(name, sql.split(" USING ")[1]) for name, sql in conn.execute(card_indexes)]
    assert indexes == [
        ("card_pkey", "btree (id)"),
        ("ix_card_last_review", "btree (last_review) WHERE (last_review IS NOT NULL)"),
        ("ix_card_note", "btree (note) WHERE ((kind)::text = 'command-reverse'::text)"),
        ("ix_card_status_due", "btree (status, due) WHERE (last_review IS NOT NULL)"),
    ]


def test_undo_restores_the_card_exactly_on_both(tmp_path: Path, db_target: Path | str) -> None:
    from study.schedule.answers import grade, reviews_of, undo_last
    from study.schedule.store import CardRow
    from tests.test_dbcopy import NOW, _collection

    source = _collection(tmp_path)
    if isinstance(db_target, str):
        assert runner.invoke(app, ["db", "copy", str(source), db_target]).exit_code == 0
    else:
        db_target = source
    columns = ("state", "step", "stability", "difficulty", "due", "last_review")
    with open_store(db_target) as store:
        card_id = store.cards(decks=["Shell"])[0].id  # answered Good once at NOW
        before = store.session.get(CardRow, card_id)
        assert before is not None and before.last_review is not None
        was = [getattr(before, name) for name in columns]
        grade(store, card_id, 1, NOW.replace(hour=10), 3000, fuzz=False)
        assert len(reviews_of(store, card_id)) == 2
        assert undo_last(store) == card_id
        after = store.session.get(CardRow, card_id, populate_existing=True)
        assert [getattr(after, name) for name in columns] == was  # to the microsecond
        assert len(reviews_of(store, card_id)) == 1


def test_an_empty_server_shows_the_defaults_and_the_first_steps_and_stays_empty(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a missing file: `study config` shows the defaults and a bare `study` the commands to
    try, and neither makes the schema (the README's "never creates a database")."""
    import psycopg

    shown = runner.invoke(app, ["config", "--db", pg_url, "new_per_day"])
    monkeypatch.setenv("STUDY_DB", pg_url)
    bare = runner.invoke(app, [])
    assert (shown.exit_code, shown.output) == (0, "20\n")
    assert (bare.exit_code, bare.output.splitlines()[:3]) == (
        0,
        ["No study database yet.", "", "Try:"],
    )
    with psycopg.connect(libpq(pg_url)) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        assert tables.fetchall() == []
