"""Saved plans in SQL: SQLite by default, PostgreSQL through a URL; the schema is managed by Alembic.

Links and what the database holds:

* The page token (the secret in a saved plan's URL) is stored only as its SHA-256 hash. A leaked
  database or backup therefore leaks no page links. Lookups are exact matches on that hash through a
  unique index; the token itself is never compared, so there is no timing side channel to guard.
* The feed token (the secret in the calendar URL) is not stored either: it is an HMAC of the page
  token over a random per-plan salt, so whoever holds the page token can always be shown the feed
  link; the database keeps the feed token's SHA-256 hash (for `get_by_feed`) and the salt.
  `rotate_feed` draws a new salt, so the old feed link stops working.
* `get_by_feed` also returns the page token (the web derives calendar UIDs from it and links the
  feed's events to the page): the row holds the page token sealed under a key only the feed token
  gives (XOR with HMAC-SHA256(feed token, salt), a one-time pad since every feed token seals one
  value). So the database alone opens neither link, while a feed token leads to its page, exactly as
  the feed's own event links do.

SQLite runs in WAL mode with `synchronous=FULL`: an acknowledged save is on disk before `save`
returns, surviving a `kill -9` of the app and a power cut too (WAL with `NORMAL` would survive the
former only), at the price of one fsync per write, which a few saves a minute never notice. Write
transactions start with `BEGIN IMMEDIATE` and wait up to 5 s (`busy_timeout`) for other processes.
An unreachable, locked or unopenable database raises `StoreUnavailable` (the web answers 503).

The same database keeps the rate-limit counters (`rate_hits`: one row per client and window), so every
worker process counts against one budget. Counters are not worth an fsync: their transactions run with
`synchronous=NORMAL` (in WAL mode a crash can lose the last few hits, never a saved plan or the file).
`sqlite://` (in memory) is one connection shared by every thread: for single-threaded tests only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import random
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MAX_PAYLOAD_BYTES = 512 * 1024  # request + plan, as stored JSON
BUSY_TIMEOUT_MS = 5000  # how long SQLite waits for another writer before StoreUnavailable
_PG_MIGRATION_LOCK = 0x4253_5452  # "BSTR": pg_advisory_xact_lock key serialising concurrent upgrades

metadata = sa.MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"})
saved_plans = sa.Table(
    "saved_plans",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("feed_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("feed_salt", sa.String(32), nullable=False),
    sa.Column("token_sealed", sa.String(64), nullable=False),  # the page token, sealed by the feed token
    sa.Column("request_json", sa.Text, nullable=False),
    sa.Column("plan_json", sa.Text, nullable=False),
    sa.Column("sequences_json", sa.Text, nullable=False),
    sa.Column("fingerprints_json", sa.Text, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
rate_hits = sa.Table(
    "rate_hits",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),  # limit and client, e.g. LIMITER/127.0.0.1/solve/60/1/minute
    sa.Column("hits", sa.Integer, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),  # Unix seconds when this window ends
)
# Programs (planner.program_store): a saved plan goes on week after week. Rows die with their saved plan.


def _plan_id(**kw) -> sa.Column:
    return sa.Column("plan_id", sa.Integer, sa.ForeignKey("saved_plans.id", ondelete="CASCADE"), **kw)


program_weeks = sa.Table(   # one row per published version of a week: the first plan, then each accepted re-plan
    "program_weeks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _plan_id(nullable=False),
    sa.Column("monday", sa.String(10), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("plan_json", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("plan_id", "monday", "version", name="uq_program_weeks_plan_id"),
    sa.Index("ix_program_weeks_plan_id", "plan_id"),
)
checkins = sa.Table(   # insert only: two racing check-ins are two rows, and every re-plan reads them all
    "checkins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _plan_id(nullable=False),
    sa.Column("checkin_json", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_checkins_plan_id", "plan_id"),
)
programs = sa.Table(   # per program: the calendar's publication record, next week ahead, the latest re-plan
    "programs",
    metadata,
    _plan_id(primary_key=True),
    sa.Column("published_json", sa.Text, nullable=True),   # stem -> Published.to_dict()
    sa.Column("next_json", sa.Text, nullable=True),        # next week, planned from the expected progression
    sa.Column("pins_json", sa.Text, nullable=False),       # {"pins": [...], "moves": [[key, day], ...]}
    sa.Column("replan_json", sa.Text, nullable=True),      # the latest re-plan (a pending proposal or not)
    sa.Column("replan_upto", sa.Integer, nullable=False),  # the last check-in id that re-plan has seen
)
_HIT = sa.text(  # one statement, atomic on SQLite and PostgreSQL alike: a fresh window or one more hit
    "INSERT INTO rate_hits (key, hits, expires_at) VALUES (:key, :amount, :expires) "
    "ON CONFLICT (key) DO UPDATE SET "
    "hits = CASE WHEN rate_hits.expires_at <= :now THEN :amount ELSE rate_hits.hits + :amount END, "
    "expires_at = CASE WHEN rate_hits.expires_at <= :now THEN :expires ELSE rate_hits.expires_at END "
    "RETURNING hits, expires_at")


class StoreUnavailable(Exception):
    """The database cannot be reached, opened or locked right now; try again later."""


class PlanChanged(Exception):
    """The saved plan has a newer revision than the one the edit started from; `current` is that plan."""

    def __init__(self, current: SavedPlan) -> None:
        super().__init__(f"the plan is at revision {current.revision}")
        self.current = current


@dataclass(frozen=True)
class SavedPlan:
    token: str  # the page token
    feed_token: str
    request: dict
    plan: dict
    sequences: dict[str, int]  # item key -> iCalendar SEQUENCE; kept for removed items too
    fingerprints: dict[str, str]  # item key -> fingerprint of its current content
    created_at: datetime
    updated_at: datetime
    revision: int


class Store:
    """Saved plans behind one SQLAlchemy engine; safe to share between threads."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self._engine = _create_engine(url)
        self._file: Path | None = None  # a SQLite file, watched so a deleted or replaced file is noticed
        try:
            if migrate:
                self._migrate()
            database = self._engine.url.database
            if self._engine.url.get_backend_name() == "sqlite" and database not in (None, "", ":memory:"):
                self._file, self._identity = Path(database), _identity(Path(database))
            if not isinstance(self._engine.pool, sa.pool.StaticPool):  # StaticPool: the memory database
                self._engine.dispose()  # an empty pool: a fork (gunicorn --preload) shares no connection
        except BaseException:
            self._engine.dispose()
            raise

    @classmethod
    def from_env(cls, instance_dir: Path) -> Store:
        """The store at DATABASE_URL, or a SQLite file under the instance folder (created if missing)."""
        url = os.environ.get("DATABASE_URL")
        if not url:
            try:
                Path(instance_dir).mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreUnavailable(f"cannot create {instance_dir}: {error}") from error
            url = f"sqlite:///{Path(instance_dir).resolve() / 'backstride.db'}"
        return cls(url)

    def save(self, request: dict, plan: dict, fingerprints: dict[str, str]) -> SavedPlan:
        """Store a new plan under fresh page and feed tokens; every item starts at SEQUENCE 0."""
        token, salt, now = secrets.token_urlsafe(24), secrets.token_hex(16), _now()
        feed = _feed_token(token, salt)
        row = {
            "token_hash": _hash(token), "feed_hash": _hash(feed), "feed_salt": salt,
            "token_sealed": _seal(token, feed, salt),
            **_payload(request, plan, fingerprints), "sequences_json": _dumps(dict.fromkeys(fingerprints, 0)),
            "revision": 1, "created_at": now, "updated_at": now,
        }
        with self._transaction(write=True) as conn:
            conn.execute(saved_plans.insert().values(row))
        return _saved(row, token, feed)

    def get(self, token: str) -> SavedPlan | None:
        """The plan saved under this page token, or None."""
        with self._transaction() as conn:
            row = _find(conn, saved_plans.c.token_hash, token)
        return None if row is None else _saved(row, token, _feed_token(token, row["feed_salt"]))

    def get_by_feed(self, feed_token: str) -> SavedPlan | None:
        """The plan whose calendar feed this is (with its page token, see the module docstring), or None."""
        with self._transaction() as conn:
            row = _find(conn, saved_plans.c.feed_hash, feed_token)
        if row is None:
            return None
        token = _unseal(row["token_sealed"], feed_token, row["feed_salt"])
        return _saved(row, token, feed_token) if _hash(token) == row["token_hash"] else None

    def update(self, token: str, request: dict, plan: dict, fingerprints: dict[str, str], *,
               expected_revision: int | None = None) -> SavedPlan | None:
        """Replace a saved plan: revision + 1, and SEQUENCE + 1 for each item that is new or changed.

        With `expected_revision` (the revision the editor opened), a plan saved since raises PlanChanged
        instead of being overwritten: checked and written in one transaction, so two writers never both win.
        """
        payload = _payload(request, plan, fingerprints)
        with self._transaction(write=True) as conn:
            row = _find(conn, saved_plans.c.token_hash, token, for_update=True)
            if row is None:
                return None
            if expected_revision is not None and row["revision"] != expected_revision:
                raise PlanChanged(_saved(row, token, _feed_token(token, row["feed_salt"])))
            old_prints, sequences = json.loads(row["fingerprints_json"]), json.loads(row["sequences_json"])
            for key, fingerprint in fingerprints.items():
                if old_prints.get(key) != fingerprint:
                    sequences[key] = sequences.get(key, 0) + 1
            changes = {**payload, "sequences_json": _dumps(sequences),
                       "revision": row["revision"] + 1, "updated_at": _now()}
            conn.execute(saved_plans.update().where(saved_plans.c.id == row["id"]).values(changes))
        return _saved({**row, **changes}, token, _feed_token(token, row["feed_salt"]))

    def delete(self, token: str) -> bool:
        """Forget a saved plan; False when there was none."""
        with self._transaction(write=True) as conn:
            result = conn.execute(saved_plans.delete().where(saved_plans.c.token_hash == _hash(token)))
        return result.rowcount > 0

    def rotate_feed(self, token: str) -> SavedPlan | None:
        """Give the plan a new feed token; the old feed link stops working at once."""
        salt = secrets.token_hex(16)
        feed = _feed_token(token, salt)
        with self._transaction(write=True) as conn:
            row = _find(conn, saved_plans.c.token_hash, token, for_update=True)
            if row is None:
                return None
            changes = {"feed_hash": _hash(feed), "feed_salt": salt, "token_sealed": _seal(token, feed, salt)}
            conn.execute(saved_plans.update().where(saved_plans.c.id == row["id"]).values(changes))
        return _saved({**row, **changes}, token, feed)

    def hit(self, key: str, expiry: float, amount: int = 1) -> int:
        """Count `amount` hits on a rate-limit window (a new window of `expiry` s if none is open); the count."""
        return self.hit_window(key, expiry, amount)[0]

    def hit_window(self, key: str, expiry: float, amount: int = 1) -> tuple[int, float]:
        """As `hit`, with the window's end (Unix seconds) too."""
        now = time.time()
        with self._transaction(write=True, durable=False) as conn:
            hits, expires_at = conn.execute(_HIT, {"key": key[:255], "amount": amount, "expires": now + expiry,
                                                   "now": now}).one()
            if random.random() < 0.01:  # now and then, forget windows that ended long ago
                conn.execute(rate_hits.delete().where(rate_hits.c.expires_at < now - 86400))
        return int(hits), float(expires_at)

    def hits(self, key: str) -> tuple[int, float]:
        """(hits, window end in Unix seconds) of an open rate-limit window; (0, now) when none is open."""
        now = time.time()
        with self._transaction() as conn:
            row = conn.execute(sa.select(rate_hits.c.hits, rate_hits.c.expires_at)
                               .where(rate_hits.c.key == key[:255])).first()
        return (int(row.hits), float(row.expires_at)) if row is not None and row.expires_at > now else (0, now)

    def clear_hits(self, key: str | None = None) -> int:
        """Forget one rate-limit window, or all of them (key None); how many were forgotten."""
        query = rate_hits.delete() if key is None else rate_hits.delete().where(rate_hits.c.key == key[:255])
        with self._transaction(write=True, durable=False) as conn:
            return conn.execute(query).rowcount

    def ping(self) -> bool:
        """True when the database answers `SELECT 1` (for /readyz)."""
        try:
            with self._transaction() as conn:
                return conn.execute(sa.text("SELECT 1")).scalar() == 1
        except (StoreUnavailable, sa.exc.SQLAlchemyError):
            return False

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self._engine.url.render_as_string(hide_password=True)!r})"

    @contextmanager
    def _transaction(self, *, write: bool = False, durable: bool = True) -> Iterator[Connection]:
        """One transaction (SQLite: fsync'd at commit unless durable=False); outages become StoreUnavailable."""
        if self._file is not None and _identity(self._file) != self._identity:
            # Open connections would go on writing to the deleted file, and a new one would create an empty
            # database: either way an acknowledged save would be gone after a restart.
            raise StoreUnavailable(f"the database file {self._file} is gone or was replaced; restart the app")
        try:
            with self._engine.connect() as conn:
                conn.execution_options(backstride_write=write, backstride_durable=durable)
                with conn.begin():
                    yield conn
        except (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError) as error:
            raise StoreUnavailable(str(error).splitlines()[0]) from error
        except sa.exc.DBAPIError as error:
            if error.connection_invalidated:
                raise StoreUnavailable(str(error).splitlines()[0]) from error
            raise

    def _migrate(self) -> None:
        """`alembic upgrade head` in one transaction that holds the database's write lock throughout."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self._transaction(write=True) as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")


def _create_engine(url: str) -> Engine:
    """An engine with the SQLite pragmas and transaction handling, or PostgreSQL pre-ping."""
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):  # PaaS-style URLs; the bare scheme means psycopg2
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        connect_args = {} if "connect_timeout" in parsed.query else {"connect_timeout": 5}
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    in_memory = parsed.database in (None, "", ":memory:")
    if in_memory:  # one shared connection, or every pooled connection would be a different empty database
        shared = {"poolclass": sa.pool.StaticPool, "connect_args": {"check_same_thread": False}}
        engine = sa.create_engine(parsed, **shared)
    else:
        engine = sa.create_engine(parsed)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy, not sqlite3, emits BEGIN (see _on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # first: switching to WAL may wait
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # IMMEDIATE takes the write lock up front, so a writer waits for busy_timeout instead of failing
        # when it would have to upgrade a read lock that another writer made stale.
        options = conn.get_execution_options()
        if options.get("backstride_write", False):  # per connection, and only outside a transaction
            durable = options.get("backstride_durable", True)
            conn.exec_driver_sql("PRAGMA synchronous=FULL" if durable else "PRAGMA synchronous=NORMAL")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("backstride_write", False) else "BEGIN")

    return engine


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of a file, or None when it does not exist."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


def _hash(token: str) -> str:
    if not isinstance(token, str):
        raise TypeError(f"a token is a str, not {type(token).__name__}")
    return hashlib.sha256(_bytes(token)).hexdigest()


def _bytes(token: str) -> bytes:
    return token.encode("utf-8", "surrogatepass")  # any str from a URL hashes; it just won't match


def _feed_token(token: str, salt: str) -> str:
    digest = hmac.new(_bytes(token), f"feed:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode("ascii")  # 192 bits, 32 URL-safe characters


def _pad(feed_token: str, salt: str) -> bytes:
    return hmac.new(_bytes(feed_token), f"seal:{salt}".encode(), hashlib.sha256).digest()


def _seal(token: str, feed_token: str, salt: str) -> str:
    """The page token (32 ASCII characters, as `save` makes them) XOR a pad only the feed token gives."""
    return bytes(a ^ b for a, b in zip(token.encode("ascii"), _pad(feed_token, salt), strict=True)).hex()


def _unseal(sealed: str, feed_token: str, salt: str) -> str:
    return bytes(a ^ b for a, b in zip(bytes.fromhex(sealed), _pad(feed_token, salt), strict=True)).decode("ascii")


def _now() -> datetime:
    return datetime.now(UTC)


def _dumps(value: object) -> str:
    # ASCII-only text survives any database encoding, and lone surrogates cannot break the driver.
    return json.dumps(value, allow_nan=False, separators=(",", ":"))


def _payload(request: dict, plan: dict, fingerprints: dict[str, str]) -> dict[str, str]:
    """The JSON columns for a request and plan; ValueError when they are too big to keep."""
    if not all(isinstance(key, str) and isinstance(value, str) for key, value in fingerprints.items()):
        raise TypeError("fingerprints map item keys (str) to fingerprints (str)")
    columns = {"request_json": _dumps(request), "plan_json": _dumps(plan)}
    size = len(columns["request_json"]) + len(columns["plan_json"])  # ASCII: characters are bytes
    columns["fingerprints_json"] = _dumps(fingerprints)
    if size > MAX_PAYLOAD_BYTES:
        raise ValueError(f"request and plan take {size} bytes; at most {MAX_PAYLOAD_BYTES} can be saved")
    return columns


def _find(conn: Connection, column: sa.Column, token: str, *, for_update: bool = False) -> dict | None:
    query = sa.select(saved_plans).where(column == _hash(token))
    if for_update:
        query = query.with_for_update()  # PostgreSQL row lock; SQLite's BEGIN IMMEDIATE already serialises
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones in the session zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _saved(row: dict, token: str, feed_token: str) -> SavedPlan:
    return SavedPlan(
        token=token, feed_token=feed_token,
        request=json.loads(row["request_json"]), plan=json.loads(row["plan_json"]),
        sequences=json.loads(row["sequences_json"]), fingerprints=json.loads(row["fingerprints_json"]),
        created_at=_utc(row["created_at"]), updated_at=_utc(row["updated_at"]), revision=row["revision"],
    )
