"""Reminders on a PostgreSQL server: the timer line, the crontab line, the calendar and the
process list name the server (or a libpq service) and never hold the password, which libpq
reads from PGPASSFILE (`~/.pgpass`) when the reminder fires."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from study.errors import StudyError
from study.remind import cron, timer
from tests.pgserver import PASSWORD, PgServer, collection_at, libpq
from tests.support import require_program

runner = CliRunner()
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
STUDY_NOW = "2026-03-10T12:30:00+00:00"
NOTES = {"tools.md": "# Tools\n\n## One\n\nWhat is one?::1\n\n## Two\n\nWhat is two?::2\n"}
DUE_LINE = "2 cards due (Tools 2) — run `study drill`"


def test_the_timer_names_a_server_as_given_and_carries_where_libpq_looks() -> None:
    url = "postgresql+psycopg://me@db.example/study"
    argv = timer.reminder_argv([], 1, Path(url))  # --db comes through Typer as a Path
    assert argv[argv.index("remind") :] == ["remind", "check", "--db", url]
    with pytest.raises(StudyError, match=r"holds a password; put it in ~/\.pgpass"):
        timer.reminder_argv([], 1, Path("postgresql+psycopg://me:pw@db.example/study"))
    env = {
        "STUDY_DB": "postgresql+psycopg:///?service=study",
        "PGSERVICEFILE": "/etc/study/pg_service.conf",
        "PGPASSFILE": "/home/me/.pgpass",
        "PGPASSWORD": "never-carried",
    }
    assert timer.reminder_environment(env) == {
        "STUDY_DB": "postgresql+psycopg://?service=study",
        "PGSERVICEFILE": "/etc/study/pg_service.conf",
        "PGPASSFILE": "/home/me/.pgpass",
    }
    with pytest.raises(StudyError, match="holds a password"):
        timer.reminder_environment({"STUDY_DB": "postgresql://me:pw@db.example/study"})
    assert timer.reminder_environment({"STUDY_DB": "rel/study.db"}) == {
        "STUDY_DB": str(Path("rel/study.db").absolute())  # a file: the timer runs elsewhere
    }


@pytest.fixture
def service_url(
    pg_url: str, pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A collection on the server, named by a libpq service in a scratch PGSERVICEFILE (its
    password in the PGPASSFILE `pg_url` set)."""
    collection_at(pg_url, tmp_path, NOTES, NOW)
    services = tmp_path / "pg_service.conf"
    database = pg_url.rsplit("/", 1)[1]
    services.write_text(
        f"[study]\nhost=127.0.0.1\nport={pg_server.port}\ndbname={database}\nuser=study\n"
    )
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    monkeypatch.setenv("STUDY_NOW", STUDY_NOW)
    return "postgresql+psycopg:///?service=study"


def test_a_reminder_for_a_service_fires_from_its_crontab_line_with_no_password(
    service_url: str, tmp_path: Path
) -> None:
    checked = runner.invoke(app, ["remind", "check", "--db", service_url])
    assert (checked.exit_code, checked.output) == (0, DUE_LINE + "\n")
    by_env = runner.invoke(app, ["remind"], env={"STUDY_DB": service_url})  # no --db: STUDY_DB
    assert (by_env.exit_code, by_env.output) == (0, DUE_LINE + "\n")
    argv = timer.reminder_argv([], 1, Path(service_url))
    carried = timer.reminder_environment()
    line = cron.cron_line(7, 0, argv, carried)
    [service, _] = timer.write_systemd_units(tmp_path, 7, 0, argv, carried)
    for text in (line, service.read_text()):
        assert "?service=study" in text and "PGPASSFILE=" in text and "PGSERVICEFILE=" in text
        assert PASSWORD not in text
    # Run as cron would: /bin/sh, a bare environment, the variables the line itself sets.
    command = line.split(None, 5)[5].replace("\\%", "%")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "STUDY_NOW": STUDY_NOW}
    done = subprocess.run(["/bin/sh", "-c", command], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, DUE_LINE + "\n", "")


def test_the_calendar_of_a_server_holds_neither_url_nor_password(
    service_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "study.ics"
    ics = ["remind", "ics", "--at", "08:30", "-o", str(out), "--db", service_url]
    made = runner.invoke(app, ics)
    assert made.exit_code == 0, made.output
    text = out.read_text()
    assert "BEGIN:VCALENDAR" in text
    assert "service" not in text and PASSWORD not in text


def test_the_process_list_of_study_due_on_a_server_holds_no_password(
    pg_url: str, tmp_path: Path
) -> None:
    """`study due` is held mid-query by a lock on the card table, so the process list is read
    while it runs (the study process and the server's backend for it)."""
    import psycopg

    ps = require_program("ps")
    collection_at(pg_url, tmp_path, NOTES, NOW)
    holder = psycopg.connect(libpq(pg_url))
    holder.execute("LOCK TABLE card IN ACCESS EXCLUSIVE MODE")
    env = {**os.environ, "STUDY_NOW": STUDY_NOW}
    command = [sys.executable, "-m", "study", "due", "--brief", "--db", pg_url]
    pipe = subprocess.PIPE
    due = subprocess.Popen(command, env=env, stdout=pipe, stderr=pipe, text=True)
    try:
        waiting = _wait_for_a_lock_wait(pg_url)
        listed = subprocess.run([ps, "-ww", "-eo", "args"], stdout=pipe, text=True, check=True)
    finally:
        holder.commit()
        holder.close()
        out, err = due.communicate(timeout=60)
    assert waiting, "study due never reached the server"
    assert shlex.join(["--db", pg_url]) in listed.stdout  # the running study due is listed
    assert PASSWORD not in listed.stdout
    assert (due.returncode, err) == (0, "")
    assert PASSWORD not in out


def _wait_for_a_lock_wait(url: str) -> bool:
    """True once another session on the server waits for a lock (up to 20 s)."""
    import psycopg

    query = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
    with psycopg.connect(libpq(url), autocommit=True) as c:
        for _ in range(200):
            row = c.execute(query).fetchone()
            if row and row[0]:
                return True
            time.sleep(0.1)
    return False
