"""Backups of SIGAP's data: the database and the uploaded documents (MEDIA_ROOT, all private).

A backup is a folder `<BACKUP_DIR>/<UTC timestamp>/` holding

- `db.dump`: `pg_dump -Fc` of the database (PostgreSQL), or `db.sqlite3`: a copy made with
  SQLite's online backup API (the embedded default);
- `media.tar.gz`: every file under MEDIA_ROOT;
- `media.sha256`: the SHA-256 of each document, in `sha256sum` format (`cd MEDIA_ROOT &&
  sha256sum -c media.sha256` checks a restored tree by hand);
- `manifest.json`: when, from which commit, which database, the row count of every table and
  the SHA-256 of the other files.

On PostgreSQL the row counts and the dump come from one snapshot (`pg_export_snapshot()`, then
`pg_dump --snapshot`), so they agree even while people keep working. Restoring checks the
checksums first, refuses a database that already holds tables unless forced, runs
`pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction` (all or
nothing), unpacks the documents, and then compares the restored row counts and documents with
the manifest. `manage.py backup` / `manage.py restore` (and `make backup` / `make restore`)
are the front ends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 - runs pg_dump/pg_restore/git with argument lists, no shell
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

MANIFEST_FORMAT = 1
DB_DUMP = "db.dump"
DB_SQLITE = "db.sqlite3"
MEDIA_ARCHIVE = "media.tar.gz"
MEDIA_CHECKSUMS = "media.sha256"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# --- Where the tools and the database are ---------------------------------------------------


def pg_bin(tool: str) -> str:
    """`tool` (pg_dump, pg_restore) from PG_BIN, else the newest /usr/lib/postgresql/*/bin
    (Debian installs versioned binaries there; the client must not be older than the server),
    else PATH."""
    folder = os.environ.get("PG_BIN")
    if not folder:
        candidates = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        )
        folder = str(candidates[-1]) if candidates else ""
    path = Path(folder) / tool if folder else None
    if path is not None and path.exists():
        return str(path)
    found = shutil.which(tool)
    if not found:
        raise BackupError(f"{tool} was not found: install the PostgreSQL client or set PG_BIN.")
    return found


def database_settings(url: str | None = None) -> dict:
    """The settings dict of the default database, or of the database at `url`."""
    if url:
        import environ

        return environ.Env.db_url_config(url)
    return settings.DATABASES["default"]


def engine_of(db: dict) -> str:
    engine = db["ENGINE"]
    if engine.startswith("django.db.backends.postgresql"):
        return "postgresql"
    if engine == "django.db.backends.sqlite3":
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def libpq_env(db: dict) -> dict[str, str]:
    """Connection settings for pg_dump/pg_restore as libpq variables: the password never
    appears on a command line (visible to every user of the machine)."""
    env = dict(os.environ)
    values = {
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db.get("NAME") or "",
        "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode", ""),
    }
    env.update({key: value for key, value in values.items() if value})
    return env


def _pg_connect(db: dict):
    import psycopg2

    return psycopg2.connect(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        sslmode=(db.get("OPTIONS") or {}).get("sslmode"),
    )


# --- Counting rows --------------------------------------------------------------------------


def _pg_tables(cursor) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT schemaname, tablename FROM pg_tables"
        " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY schemaname, tablename"
    )
    return cursor.fetchall()


def _pg_counts(cursor) -> dict[str, int]:
    from psycopg2 import sql

    counts = {}
    for schema, table in _pg_tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table)))
        counts[table if schema == "public" else f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        tables = [
            row[0]
            for row in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {table: con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # nosec B608


def row_counts(db: dict) -> dict[str, int]:
    """Rows per table of a database (all user tables; on PostgreSQL `schema.table` outside public)."""
    if engine_of(db) == "sqlite":
        path = Path(db["NAME"])
        return _sqlite_counts(path) if path.exists() else {}
    con = _pg_connect(db)
    try:
        with con.cursor() as cursor:
            return _pg_counts(cursor)
    finally:
        con.close()


# --- Files ----------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _archive_media(root: Path, archive: Path) -> dict[str, str]:
    """media.tar.gz of every regular file under `root` (paths relative to it); returns
    {relative path: sha256}."""
    checksums = {}
    with tarfile.open(archive, "w:gz") as tar:
        for path in _media_files(root):
            name = path.relative_to(root).as_posix()
            checksums[name] = sha256_of(path)
            tar.add(path, arcname=name, recursive=False)
    return checksums


def _git_commit() -> str | None:
    if os.environ.get("SIGAP_GIT_COMMIT"):
        return os.environ["SIGAP_GIT_COMMIT"]
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # nosec B603 B607 - fixed arguments; git from PATH
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


# --- Backup ---------------------------------------------------------------------------------


def _dump_postgres(db: dict, target: Path) -> tuple[dict[str, int], dict]:
    """pg_dump -Fc into `target`, with the row counts of the same snapshot."""
    con = _pg_connect(db)
    try:
        con.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with con.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            counts = _pg_counts(cursor)
            # The snapshot stays valid while this transaction is open.
            result = subprocess.run(  # nosec B603 - an argument list (no shell) of our own options
                [pg_bin("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                env=libpq_env(db),
                capture_output=True,
                text=True,
            )
        con.rollback()
    finally:
        con.close()
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    version = subprocess.run(  # nosec B603 - an argument list (no shell) of our own options
        [pg_bin("pg_dump"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    return counts, {"server_version": server_version, "pg_dump": version}


def _copy_sqlite(db: dict, target: Path) -> tuple[dict[str, int], dict]:
    source_path = Path(db["NAME"])
    if not source_path.exists():
        raise BackupError(f"The SQLite database {source_path} does not exist.")
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # online backup: consistent while the app keeps writing
    finally:
        copy.close()
        source.close()
    return _sqlite_counts(target), {"sqlite_version": sqlite3.sqlite_version}


def create_backup(backup_dir: Path, *, database_url: str | None = None, now: dt.datetime | None = None) -> Path:
    """Write a new backup folder under `backup_dir` and return it (of the default database,
    or of the one at `database_url`)."""
    db = database_settings(database_url)
    engine = engine_of(db)
    now = now or dt.datetime.now(dt.UTC)
    folder = Path(backup_dir) / now.strftime("%Y%m%dT%H%M%SZ")
    suffix = 1
    while folder.exists():
        folder = Path(backup_dir) / f"{now:%Y%m%dT%H%M%SZ}-{suffix}"
        suffix += 1
    folder.mkdir(parents=True, mode=0o700)  # personal data: readable by its owner only
    try:
        database_file = folder / (DB_DUMP if engine == "postgresql" else DB_SQLITE)
        if engine == "postgresql":
            counts, versions = _dump_postgres(db, database_file)
        else:
            counts, versions = _copy_sqlite(db, database_file)
        media_root = Path(settings.MEDIA_ROOT)
        media = _archive_media(media_root, folder / MEDIA_ARCHIVE)
        (folder / MEDIA_CHECKSUMS).write_text("".join(f"{digest}  {name}\n" for name, digest in media.items()))
        manifest = {
            "format": MANIFEST_FORMAT,
            "created_at": now.isoformat(timespec="seconds"),
            "git_commit": _git_commit(),
            "engine": engine,
            "database": Path(db["NAME"]).name if engine == "sqlite" else db["NAME"],
            **versions,
            "tables": counts,
            "total_rows": sum(counts.values()),
            "files": {
                path.name: {"sha256": sha256_of(path), "bytes": path.stat().st_size}
                for path in (database_file, folder / MEDIA_ARCHIVE, folder / MEDIA_CHECKSUMS)
            },
            "media": {"root": str(media_root), "count": len(media)},
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # never leave a half backup that looks whole
        raise
    for path in folder.iterdir():
        path.chmod(0o600)
    return folder


# --- Restore --------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise BackupError(f"{folder} is not a SIGAP backup: it has no {MANIFEST}.")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r} in {path}.")
    return manifest


def check_files(folder: Path, manifest: dict) -> None:
    """The archives are the ones the backup wrote (SHA-256), before anything is touched."""
    for name, expected in manifest["files"].items():
        path = Path(folder) / name
        if not path.exists():
            raise BackupError(f"{path} is missing.")
        if sha256_of(path) != expected["sha256"]:
            raise BackupError(f"{path} is damaged: its SHA-256 differs from the manifest's.")


@dataclass
class Comparison:
    """Restored row counts and documents against the manifest."""

    rows: list[tuple[str, int, int | None]] = field(default_factory=list)  # table, expected, restored
    extra_tables: list[str] = field(default_factory=list)
    media_missing: list[str] = field(default_factory=list)
    media_different: list[str] = field(default_factory=list)
    media_count: int = 0

    @property
    def ok(self) -> bool:
        return (
            all(expected == restored for _table, expected, restored in self.rows)
            and not self.media_missing
            and not self.media_different
        )

    def lines(self) -> list[str]:
        width = max([len(table) for table, _e, _r in self.rows] + [5])
        out = [f"{'table':<{width}}  {'backup':>9}  {'restored':>9}"]
        for table, expected, restored in self.rows:
            mark = "" if expected == restored else "  <-- differs"
            out.append(f"{table:<{width}}  {expected:>9}  {'missing' if restored is None else restored:>9}{mark}")
        out.append(
            f"{'total':<{width}}  {sum(e for _t, e, _r in self.rows):>9}  {sum(r or 0 for _t, _e, r in self.rows):>9}"
        )
        if self.extra_tables:
            out.append("tables in the target that the backup does not have: " + ", ".join(self.extra_tables))
        out.append(
            f"documents: {self.media_count - len(self.media_missing) - len(self.media_different)}"
            f" of {self.media_count} restored byte for byte"
        )
        out.extend(f"  missing: {name}" for name in self.media_missing)
        out.extend(f"  different: {name}" for name in self.media_different)
        out.append("OK: the restore matches the backup." if self.ok else "FAILED: the restore differs from the backup.")
        return out


def media_checksums(folder: Path) -> dict[str, str]:
    """{relative path: sha256} of the documents in the backup `folder` (media.sha256)."""
    checksums = {}
    for line in (Path(folder) / MEDIA_CHECKSUMS).read_text().splitlines():
        digest, name = line.split("  ", 1)
        checksums[name] = digest
    return checksums


def compare(manifest: dict, db: dict, media_root: Path, folder: Path) -> Comparison:
    counts = row_counts(db)
    result = Comparison()
    for table, expected in manifest["tables"].items():
        result.rows.append((table, expected, counts.get(table)))
    result.extra_tables = sorted(set(counts) - set(manifest["tables"]))
    files = media_checksums(folder)
    result.media_count = len(files)
    for name, checksum in files.items():
        path = Path(media_root) / name
        if not path.is_file():
            result.media_missing.append(name)
        elif sha256_of(path) != checksum:
            result.media_different.append(name)
    return result


def is_empty(db: dict) -> bool:
    return not row_counts(db) if engine_of(db) == "sqlite" else not _pg_table_names(db)


def _pg_table_names(db: dict) -> list:
    con = _pg_connect(db)
    try:
        with con.cursor() as cursor:
            return _pg_tables(cursor)
    finally:
        con.close()


def restore_backup(folder: Path, *, database_url: str | None = None, media_root: Path | None = None, force=False):
    """Restore the backup in `folder` into the default database (or the one at
    `database_url`) and MEDIA_ROOT (or `media_root`); return the Comparison."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    check_files(folder, manifest)
    db = database_settings(database_url)
    engine = engine_of(db)
    if engine != manifest["engine"]:
        raise BackupError(f"This backup is of a {manifest['engine']} database; the target is {engine}.")
    if not force and not is_empty(db):
        raise BackupError(
            f"The target database {db['NAME']} is not empty. Restoring replaces its data: "
            "check the target, then run again with FORCE=1 (manage.py restore --force)."
        )
    if engine == "postgresql":
        result = subprocess.run(  # nosec B603 - an argument list (no shell) of our own options
            [
                pg_bin("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                "--single-transaction", "--exit-on-error", f"--dbname={db['NAME']}", str(folder / DB_DUMP),
            ],
            env=libpq_env(db),
            capture_output=True,
            text=True,
        )  # fmt: skip
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed (nothing was changed): {result.stderr.strip()}")
    else:
        source = sqlite3.connect(folder / DB_SQLITE)
        target = sqlite3.connect(db["NAME"])
        try:
            source.backup(target)  # replaces the whole target database
        finally:
            target.close()
            source.close()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA_ARCHIVE, "r:gz") as tar:
        tar.extractall(media_root, filter="data")  # refuses absolute paths, "..", links out
    return compare(manifest, db, media_root, folder)
