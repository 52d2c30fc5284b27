"""A throwaway PostgreSQL server for the trust-database tests and benchmarks.

Started from the machine's own server binaries (Debian's ``postgresql`` package in CI).
Not pytest-postgresql: it cannot run the server when the tests run as root (as CI does),
and it leaves servers running when the test run is killed; this module handles both.

No dependency beyond psycopg. Works as a normal user (a developer's machine) and as root
(this machine and CI: initdb and postgres refuse to run as root, so they run as an
unprivileged user -- the Debian package's ``postgres`` user, else ``nobody``).

* binaries: $WARDAUDIT_PG_BINDIR, then ``pg_config --bindir``, then Debian's
  /usr/lib/postgresql/NN/bin (newest), RHEL's /usr/pgsql-NN/bin, Homebrew, then PATH;
* data and socket in a short private temp folder (a Unix socket path must stay < 108 bytes,
  which pytest's own tmp paths do not promise; and /tmp/pytest-of-root is 0700, so the
  unprivileged user could not enter it anyway);
* Unix socket only by default; ``tcp=True`` adds 127.0.0.1 on a free port with TLS
  (a self-signed certificate for ``localhost``) and SCRAM passwords, for connection tests;
* fsync, full_page_writes and synchronous_commit off: a test server need not survive a
  power cut, and it is what makes CREATE DATABASE ... TEMPLATE cheap;
* torn down by ``stop()``, by atexit, and -- should the test process itself be SIGKILLed --
  by the kernel: the postmaster is our direct child with PR_SET_PDEATHSIG=SIGQUIT, so it
  quits when its parent dies (the temp folder is then left behind in /tmp; ``sweep()``
  removes such leftovers on the next start).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

PREFIX = "wardaudit-pg-"
SUPERUSER = "postgres"  # the bootstrap superuser inside the throwaway cluster


class NoServer(RuntimeError):
    """No PostgreSQL server binaries here, or the server would not start."""


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path)) or (0,)


def find_bindir() -> Path:
    """The folder holding initdb and postgres, or NoServer saying where we looked."""
    candidates: list[str] = []
    if os.environ.get("WARDAUDIT_PG_BINDIR"):  # explicit: the only place looked
        candidates.append(os.environ["WARDAUDIT_PG_BINDIR"])
    else:
        candidates.extend(_discovered())
    for folder in candidates:
        if all(os.access(Path(folder, exe), os.X_OK) for exe in ("initdb", "postgres")):
            return Path(folder)
    raise NoServer(
        "no PostgreSQL server binaries (initdb, postgres) found; looked in "
        + (", ".join(dict.fromkeys(candidates)) or "pg_config, /usr/lib/postgresql/*/bin, PATH")
        + ". On Debian/Ubuntu: sudo apt-get install postgresql (or set WARDAUDIT_PG_BINDIR)."
    )


def _discovered() -> list[str]:
    candidates: list[str] = []
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        if out:
            candidates.append(out)
    for pattern in (
        "/usr/lib/postgresql/*/bin",
        "/usr/pgsql-*/bin",
        "/opt/homebrew/opt/postgresql@*/bin",
        "/usr/local/opt/postgresql@*/bin",
    ):
        candidates.extend(sorted(glob.glob(pattern), key=_version_key, reverse=True))
    for name in ("postgres", "initdb"):
        found = shutil.which(name)
        if found:
            candidates.append(str(Path(found).resolve().parent))
    return candidates


def _run_as() -> pwd.struct_passwd | None:
    """Who runs the server: ourselves, or when we are root an unprivileged account."""
    if os.geteuid() != 0:
        return None
    for name in (os.environ.get("WARDAUDIT_PG_USER"), "postgres", "nobody"):
        if not name:
            continue
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise NoServer("running as root and found no unprivileged user (postgres, nobody) to run it")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child after setuid (which would clear it)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGQUIT, 0, 0, 0)


def default_base() -> str:
    """$WARDAUDIT_PG_TMP, else /dev/shm (memory: initdb 2x and CREATE DATABASE 10x faster
    than on this machine's disk) when it has 1 GiB free (Docker's default is 64 MiB),
    else the temp dir."""
    if os.environ.get("WARDAUDIT_PG_TMP"):
        return os.environ["WARDAUDIT_PG_TMP"]
    with contextlib.suppress(OSError):
        fs = os.statvfs("/dev/shm")
        if fs.f_bavail * fs.f_frsize >= 1 << 30 and os.access("/dev/shm", os.W_OK | os.X_OK):
            return "/dev/shm"
    return tempfile.gettempdir()


def sweep() -> int:
    """Remove temp folders of servers whose owner died (e.g. a SIGKILLed test run)."""
    removed = 0
    bases = {default_base(), tempfile.gettempdir()}
    for folder in [f for base in bases for f in glob.glob(os.path.join(base, PREFIX + "*"))]:
        pidfile = Path(folder, "data", "postmaster.pid")
        try:
            pid = int(pidfile.read_text().split("\n", 1)[0])
            os.kill(pid, 0)
            continue  # still running: someone else's live server
        except (OSError, ValueError):
            pass
        # no pid file (never started / stopped) or a dead pid: only remove if old enough
        if time.time() - os.stat(folder).st_mtime > 60:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


class TempPostgres:
    """One throwaway cluster. ``start()``, then ``conninfo()``; ``stop()`` removes it all."""

    def __init__(
        self,
        *,
        tcp: bool = False,
        icu_locale: str | None = None,
        max_connections: int = 60,
        bindir: Path | None = None,
        base: str | None = None,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.bindir = bindir or find_bindir()
        self.base = base if base is not None else default_base()
        self.extra_settings = settings or {}
        self.tcp = tcp
        self.icu_locale = icu_locale
        self.max_connections = max_connections
        self.user = _run_as()
        self.folder: Path | None = None
        self.port = 5432
        self.process: subprocess.Popen[bytes] | None = None
        self.timings: dict[str, float] = {}
        out = subprocess.run(
            [str(self.bindir / "postgres"), "--version"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout  # "postgres (PostgreSQL) 15.18 ..."
        found = re.search(r"\) (\d+)", out)
        self.version = int(found.group(1)) if found else 0

    # --- paths ----------------------------------------------------------------------------
    @property
    def data(self) -> Path:
        assert self.folder
        return self.folder / "data"

    @property
    def socket_dir(self) -> str:
        assert self.folder
        return str(self.folder / "sock")

    @property
    def logfile(self) -> Path:
        assert self.folder
        return self.folder / "server.log"

    @property
    def server_cert(self) -> Path:
        return self.data / "server.crt"

    # --- running --------------------------------------------------------------------------
    def _as_user(self) -> dict[str, object]:
        if self.user is None:
            return {}
        return {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8", TZ="UTC")
        if self.user is not None:
            env["HOME"] = self.folder.as_posix() if self.folder else "/"
        return env

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            args,
            capture_output=True,
            text=True,
            env=self._env(),
            cwd=self.folder,
            **self._as_user(),
        )  # type: ignore[arg-type]
        if result.returncode != 0:
            raise NoServer(f"{Path(args[0]).name} failed: {result.stderr.strip() or result.stdout}")

    def start(self, timeout: float = 30.0) -> TempPostgres:
        sweep()
        t0 = time.perf_counter()
        self.folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=self.base))
        Path(self.socket_dir).mkdir()
        if self.user is not None:
            for path in (self.folder, Path(self.socket_dir)):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        atexit.register(self.stop)
        initdb = [
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        ]
        if self.icu_locale:  # a realistic trust database: not the C collation
            initdb += [
                "--locale-provider=icu",
                f"--icu-locale={self.icu_locale}",
                "--locale=C.UTF-8",
            ]
        else:
            initdb += ["--locale=C.UTF-8"]
        self._run(*initdb)
        self.timings["initdb_s"] = time.perf_counter() - t0

        settings = {
            "listen_addresses": "''",
            "unix_socket_directories": f"'{self.socket_dir}'",
            "fsync": "off",
            "full_page_writes": "off",
            "synchronous_commit": "off",
            "max_connections": str(self.max_connections),
            "shared_buffers": "32MB",
            "log_min_messages": "warning",
            "log_line_prefix": "'%m [%p] %u@%d '",
            "deadlock_timeout": "200ms",
        }
        settings.update(self.extra_settings)
        hba = ["local all all trust"]
        if self.tcp:
            self.port = _free_port()
            self._make_certificate()
            settings.update(
                listen_addresses="'127.0.0.1'",
                ssl="on",
                ssl_cert_file="'server.crt'",
                ssl_key_file="'server.key'",
                password_encryption="'scram-sha-256'",
            )
            hba += [
                "hostssl all all 127.0.0.1/32 scram-sha-256",
                "hostnossl all all 127.0.0.1/32 scram-sha-256",
            ]
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\n# WardAudit test server\n")
            conf.writelines(f"{k} = {v}\n" for k, v in settings.items())
        (self.data / "pg_hba.conf").write_text("\n".join(hba) + "\n")

        t1 = time.perf_counter()
        log = open(self.logfile, "ab")  # noqa: SIM115 - the server keeps writing to it
        self.process = subprocess.Popen(  # type: ignore[call-overload]
            [str(self.bindir / "postgres"), "-D", str(self.data), "-p", str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self._env(),
            cwd=self.folder,
            start_new_session=True,  # Ctrl-C reaches pytest, not postgres
            preexec_fn=_die_with_parent,
            **self._as_user(),
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise NoServer(f"postgres exited at start:\n{self.log_tail()}")
            try:
                psycopg.connect(self.conninfo(), connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise NoServer(
                        f"postgres did not accept connections:\n{self.log_tail()}"
                    ) from None
                time.sleep(0.02)
        self.timings["start_s"] = time.perf_counter() - t1
        return self

    def _make_certificate(self) -> None:
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout",
                str(self.data / "server.key"),
                "-out",
                str(self.server_cert),
            ],
            check=True,
            capture_output=True,
        )
        os.chmod(self.data / "server.key", 0o600)
        if self.user is not None:
            for name in ("server.key", "server.crt"):
                os.chown(self.data / name, self.user.pw_uid, self.user.pw_gid)

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        """Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL; remove the folder."""
        t0 = time.perf_counter()
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            for sig, wait in ((signal.SIGINT, 10), (signal.SIGQUIT, 5), (signal.SIGKILL, 5)):
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(sig)
                try:
                    process.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
        self.timings["stop_s"] = time.perf_counter() - t0
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)

    # --- connecting -----------------------------------------------------------------------
    def conninfo(self, dbname: str = "postgres", user: str = SUPERUSER, **extra: object) -> str:
        parts = {"host": self.socket_dir, "port": self.port, "dbname": dbname, "user": user}
        parts.update(extra)
        return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in parts.items()})

    def tcp_conninfo(self, dbname: str = "postgres", user: str = SUPERUSER, **extra: object) -> str:
        parts = {
            "host": "localhost",
            "port": self.port,
            "dbname": dbname,
            "user": user,
            "sslmode": "verify-full",
            "sslrootcert": str(self.server_cert),
        }
        parts.update(extra)
        return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in parts.items()})

    def admin(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.conninfo(dbname), autocommit=True)

    def create_database(
        self, name: str, template: str | None = None, strategy: str | None = "FILE_COPY"
    ) -> None:
        """FILE_COPY (PG 15+; older servers only have it, so it is dropped there): a copy of
        the template's files and a checkpoint, cheaper than WAL_LOG for small databases."""
        if self.version < 15:
            strategy = None
        sql = f'CREATE DATABASE "{name}"'
        if template:
            sql += f' TEMPLATE "{template}"'
        if strategy:
            sql += f" STRATEGY {strategy}"
        with self.admin() as conn:
            conn.execute(sql)

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def __enter__(self) -> TempPostgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":  # python -m tests.pgserver: start one, print how to connect, wait
    with TempPostgres(tcp="--tcp" in sys.argv) as pg:
        print(f"bindir {pg.bindir}; running as {pg.user.pw_name if pg.user else 'me'}")
        print(f"psql '{pg.conninfo()}'")
        print({k: round(v, 3) for k, v in pg.timings.items()})
        if "--wait" in sys.argv:
            with contextlib.suppress(KeyboardInterrupt):
                signal.pause()
