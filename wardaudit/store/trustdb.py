"""Reaching the trust database: what ``--db`` means, TLS unless local, errors in words.

Credentials are libpq's business only: a password file (``~/.pgpass``; on Windows
``%APPDATA%\\postgresql\\pgpass.conf``), a service file (``~/.pg_service.conf`` or
``PGSERVICEFILE``), client certificates, or Kerberos/GSSAPI (SSPI on Windows) single
sign-on against the trust's Active Directory. WardAudit hands libpq the string it was given
and never keeps a password: :func:`redacted` is what is logged or shown.

psycopg is imported only when a trust database is opened, so the command line on a ward
laptop's file never loads it.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wardaudit.errors import (
    ConnectionLost,
    DatabaseInUse,
    DatabaseTooNew,
    DatabaseTooOld,
    NotPermitted,
    ServerUnavailable,
    StoreError,
)

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

SCHEMA = "wardaudit"
MARKER = "WardAudit database"  # the schema's comment, set by the roles script
APPLICATION_NAME = "WardAudit"


def is_server_target(text: str) -> bool:
    """``postgresql://…``, ``postgres://…`` or a libpq ``key=value`` string naming a host,
    a service or a database opens the trust database; anything else is a file path."""
    if text.startswith(("postgresql://", "postgres://")):
        return True
    if "=" not in text:
        return False
    try:
        from psycopg.conninfo import conninfo_to_dict
    except ImportError:  # a copy without the driver (the ward laptops' program): by its words
        return re.search(r"(^|\s)(host|hostaddr|service|dbname)\s*=", text) is not None
    try:
        params = conninfo_to_dict(text)
    except Exception:  # not a conninfo string at all: a file named a=b.sqlite3
        return False
    return bool(params.keys() & {"host", "hostaddr", "service", "dbname"})


def redacted(target: str) -> str:
    """The target without any password: safe to log, show and remember."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        params = conninfo_to_dict(target)
    except Exception:
        return target
    if "password" in params:
        params["password"] = "********"
    return make_conninfo("", **params) if params else target


def _service_files() -> list[Path]:
    """Where libpq looks for a service's definition, in its order."""
    files = []
    if os.environ.get("PGSERVICEFILE"):
        files.append(Path(os.environ["PGSERVICEFILE"]))
    elif os.name == "nt" and os.environ.get("APPDATA"):
        files.append(Path(os.environ["APPDATA"], "postgresql", ".pg_service.conf"))
    else:
        files.append(Path.home() / ".pg_service.conf")
    files.append(Path(os.environ.get("PGSYSCONFDIR", "/etc/postgresql-common"), "pg_service.conf"))
    return files


def _service_params(name: str) -> dict[str, str]:
    import configparser  # only for the trust database, never when a file's database opens

    for path in _service_files():
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(path, encoding="utf-8")
        except (OSError, configparser.Error):
            continue
        if parser.has_section(name):
            return dict(parser.items(name))
    return {}


def is_local(host: str | None, hostaddr: str | None = None) -> bool:
    """A Unix socket, or this computer over loopback: the one case TLS is not required."""
    if not host and not hostaddr:
        return True  # libpq's default: the local socket (localhost on Windows)
    if host and (host.startswith(("/", "@")) or host == "localhost"):
        return True
    import ipaddress  # only for the trust database, never when a file's database opens

    for value in (hostaddr, host):
        if value:
            try:
                return ipaddress.ip_address(value).is_loopback
            except ValueError:
                continue
    return False


def prepare(target: str) -> tuple[str, list[str]]:
    """The connection string WardAudit hands to libpq, and warnings to show.

    A server on another computer must use TLS: with no ``sslmode`` given, ``require`` is
    added (with a warning to set ``verify-full``); ``disable``, ``allow`` and ``prefer``
    are refused. Keepalives let either side notice the other vanish, so the server rolls
    back an import whose laptop lost the network within about a minute.
    """
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        params = conninfo_to_dict(target)
    except Exception as error:
        raise ServerUnavailable(f"the connection string is not valid: {error}") from None
    warnings = []
    if "password" in params:
        warnings.append(
            "the connection string holds a password: put it in your password file (pgpass) "
            "instead; WardAudit does not remember it"
        )
    merged = (
        {**_service_params(str(params["service"])), **params} if "service" in params else params
    )
    host = str(merged.get("host") or os.environ.get("PGHOST") or "")
    hostaddr = str(merged.get("hostaddr") or os.environ.get("PGHOSTADDR") or "") or None
    remote = any(not is_local(h or None, hostaddr) for h in host.split(","))
    sslmode = merged.get("sslmode") or os.environ.get("PGSSLMODE")
    extra: dict[str, Any] = {
        "application_name": params.get("application_name", APPLICATION_NAME),
        "connect_timeout": params.get("connect_timeout", 10),
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        "options": " ".join(
            filter(
                None,
                [
                    str(params.get("options", "")),
                    "-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10",
                    "-c tcp_keepalives_count=3 -c client_connection_check_interval=10s",
                    "-c idle_in_transaction_session_timeout=10min",
                    "-c synchronous_commit=on",
                ],
            )
        ),
    }
    if remote and sslmode is None:
        extra["sslmode"] = "require"
        warnings.append(
            "the server's certificate is not being checked: ask IT for the trust's root "
            "certificate and set sslmode=verify-full (with sslrootcert)"
        )
    elif remote and sslmode in ("disable", "allow", "prefer"):
        raise ServerUnavailable(
            f"sslmode={sslmode} would let the connection to {host} go unencrypted; WardAudit "
            "needs TLS for a server on another computer (set sslmode=verify-full)"
        )
    elif remote and sslmode == "require":
        warnings.append(
            "sslmode=require encrypts but does not check the server's certificate; "
            "sslmode=verify-full does"
        )
    keep = {k: v for k, v in extra.items() if k not in params or k == "options"}
    return make_conninfo(target, **keep), warnings


def connect(target: str) -> tuple[psycopg.Connection[Any], list[str]]:
    """An autocommit connection as the person's own login, with TLS checked afterwards
    too (a service file or the environment may have changed what was asked for)."""
    try:
        import psycopg
    except ImportError:
        raise ServerUnavailable(
            "this copy of WardAudit was installed without the PostgreSQL driver, so it opens "
            "database files only (the ward laptops' program is built so). Open the trust "
            "database, in the app or with its commands, from WardAudit installed with Python "
            "(see installer/README.md)"
        ) from None

    conninfo, warnings = prepare(target)
    try:
        raw = psycopg.connect(conninfo, autocommit=True)
    except psycopg.Error as error:
        raise store_error(error, target, connecting=True) from None
    if not is_local(raw.info.host, raw.info.hostaddr or None) and not raw.pgconn.ssl_in_use:
        raw.close()
        raise ServerUnavailable(
            f"the connection to {raw.info.host} is not encrypted; WardAudit needs TLS for a "
            "server on another computer (set sslmode=verify-full)"
        )
    raw.execute(f"SET search_path = {SCHEMA}, public")
    return raw, warnings


def psycopg_errors() -> tuple[type[BaseException], ...]:
    import psycopg

    return (psycopg.Error,)


def _lost(error: BaseException, low: str) -> bool:
    from psycopg import errors

    lost_kinds = (
        errors.AdminShutdown,
        errors.CrashShutdown,
        errors.IdleInTransactionSessionTimeout,
    )
    return isinstance(error, lost_kinds) or any(
        words in low
        for words in (
            "server closed the connection",
            "consuming input failed",
            "terminating connection",
            "connection is lost",
            "the connection is closed",
            "ssl syscall error",
        )
    )


def store_error(  # noqa: C901 - one sentence per way a server can refuse
    error: BaseException, target: str = "", *, at_commit: bool = False, connecting: bool = False
) -> StoreError:
    """A psycopg error as a sentence a quality lead can act on."""
    from psycopg import errors

    where = redacted(target) if target else "the trust database"
    text = str(error).strip()
    low = text.lower()
    diag = getattr(error, "diag", None)
    primary = diag.message_primary if diag is not None else None
    last = primary or (text.splitlines()[-1] if text else "")
    if isinstance(error, errors.InsufficientPrivilege) or "permission denied" in low:
        if "for schema" in low:
            return NotPermitted(
                "your login is not a member of wardaudit_reader or wardaudit_quality, so it "
                f"may not use the trust database ({where}): ask the database administrator "
                "to add it to one of them."
            )
        if "for database" in low:
            return NotPermitted(
                f"your login may not connect to this database ({where}). Ask the database "
                "administrator to add you to wardaudit_quality or wardaudit_reader."
            )
        return NotPermitted(
            "your login may not do this: changing the trust database needs membership of "
            "wardaudit_quality (reading needs wardaudit_reader). Nothing was changed. "
            f"(The server said: {last})"
        )
    if isinstance(error, errors.RestrictViolation):
        return NotPermitted(f"the trust database refused this: {last}. Nothing was changed.")
    if isinstance(error, errors.LockNotAvailable):
        return DatabaseInUse(
            "someone else is saving a large change to the trust database (an import); "
            "nothing was changed. Try again in a moment."
        )
    if not connecting and _lost(error, low):
        if at_commit:
            return ConnectionLost(
                "the connection to the trust database was lost while the change was being "
                "saved, so it may or may not have been saved. Open it again and look; "
                "importing the same file again is safe (nothing is imported twice)."
            )
        return ConnectionLost(
            "the connection to the trust database was lost before the change was saved. "
            "The server undoes an unfinished change, so none of it was kept; running it "
            "again is safe."
        )
    if "connection refused" in low or ("no such file or directory" in low and "socket" in low):
        return ServerUnavailable(
            f"no database server is answering at {where}: the server may be down, or the "
            "address or port is wrong. Nothing was changed."
        )
    if "timeout expired" in low or "timed out" in low:
        return ServerUnavailable(
            f"the trust database server at {where} did not answer in time: check the network "
            "(are you on the trust's network or VPN?)."
        )
    if "could not translate host name" in low or "name or service not known" in low:
        return ServerUnavailable(f"the server name in {where} is not known on this network.")
    if "password authentication failed" in low:
        return ServerUnavailable(
            "the server refused the password for your login. Check the line for this server "
            "in your password file (pgpass); WardAudit never stores passwords."
        )
    if "no password supplied" in low or "fe_sendauth" in low:
        return ServerUnavailable(
            "the server asks for a password and none was found: add a line for this server to "
            "your password file (pgpass), or use single sign-on if IT has set it up."
        )
    if "no pg_hba.conf entry" in low:
        return ServerUnavailable(
            "the server does not accept your login from this computer: ask the database "
            "administrator to allow it (pg_hba.conf)."
        )
    if "certificate" in low or "ssl" in low:
        return ServerUnavailable(
            f"the secure (TLS) connection to {where} failed: {last}. Check that sslrootcert "
            "points at the trust's root certificate."
        )
    if "does not exist" in low or "definition of service" in low:
        return ServerUnavailable(f"the server says: {last} ({where}).")
    if isinstance(error, errors.OperationalError):
        return ServerUnavailable(f"could not use the trust database ({where}): {last}")
    return StoreError(f"the trust database refused this: {last}")


def identify(raw: psycopg.Connection[Any], app_version: int, target: str = "") -> int:
    """The schema version of a WardAudit database this WardAudit can use, or a clear
    refusal: not a WardAudit database, not set up yet, older or newer than this app."""
    where = redacted(target) if target else str(raw.info.dbname)
    has_table, comment = raw.execute(
        "SELECT to_regclass(%s), obj_description(to_regnamespace(%s), 'pg_namespace')",
        (f"{SCHEMA}.schema_version", SCHEMA),
    ).fetchone() or (None, None)
    if has_table is None or comment != MARKER:
        others = raw.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind IN ('r', 'p', 'v') AND n.nspname NOT IN ('pg_catalog',"
            " 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'"
        ).fetchone()
        if others and others[0]:
            raise StoreError(
                f"{where} is not a WardAudit database (it holds {others[0]} table(s) of "
                "something else). Nothing was changed; check the connection string or service."
            )
        raise DatabaseTooOld(
            f"{where} has not been set up for WardAudit yet: the database administrator sets "
            "it up with 'wardaudit trustdb init'."
        )
    found = raw.execute(f"SELECT coalesce(max(version), 0) FROM {SCHEMA}.schema_version").fetchone()
    version = int(found[0]) if found else 0
    if version > app_version:
        raise DatabaseTooNew(
            f"the trust database has schema {version}, newer than this WardAudit knows "
            f"({app_version}): install the newer WardAudit the rest of the team uses."
        )
    if version < app_version:
        raise DatabaseTooOld(
            f"the trust database has schema {version} and this WardAudit needs {app_version}: "
            "the database administrator runs 'wardaudit trustdb upgrade' first. Nothing was "
            "changed."
        )
    return version
