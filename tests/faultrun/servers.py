"""The run's own servers, which it may kill: a PostgreSQL cluster (Debian's initdb and pg_ctl,
on a free port, in a temporary directory; never the machine's shared server), a small
filesystem it mounts for one database's tablespace, and the SIGKILL of its RabbitMQ node."""
from __future__ import annotations

import errno
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests import infra


def postgres_bin() -> Path | None:
    """Debian's server binaries (package postgresql), the newest version installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _as_postgres():
    """Run a server command as the postgres user when we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return None
    user = pwd.getpwnam("postgres")

    def demote() -> None:
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)
    return demote


def _chown(path: Path) -> None:
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(path, user.pw_uid, user.pw_gid)


class PrivatePostgres:
    """A PostgreSQL cluster of the run's own: restarting it disturbs no other test."""

    def __init__(self):
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError("needs Debian's PostgreSQL server (initdb, pg_ctl): apt-get install postgresql")
        self.dir = Path(tempfile.mkdtemp(prefix="govmb-pg-"))
        self.data, self.port = self.dir / "data", infra.free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.dir.chmod(0o755)
        _chown(self.dir)

    def _run(self, *command: str, timeout: float = 120) -> None:
        subprocess.run([str(self.bin / command[0]), *command[1:]], check=True, timeout=timeout, cwd="/",
                       preexec_fn=_as_postgres(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> "PrivatePostgres":
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8")
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=300 "
                   "-c shared_buffers=64MB")
        self._run("pg_ctl", "start", "-D", str(self.data), "-w", "-t", "120", "-l", str(self.dir / "server.log"),
                  "-o", options)
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "120")

    def restart(self, mode: str) -> None:
        """`immediate`: as a crash (recovery from the WAL on start); `fast`: a clean shutdown."""
        self.stop(mode)
        self.start()

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except Exception:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


class SmallDisk:
    """A tmpfs of `megabytes` the run mounts for one database's tablespace, and fills.

    Raises PermissionError with a clear message where mounting is not permitted (not root,
    or a container without CAP_SYS_ADMIN)."""

    def __init__(self, megabytes: int = 64):
        self.path = Path(tempfile.mkdtemp(prefix="govmb-disk-"))
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=0755", "tmpfs",
                                 str(self.path)], capture_output=True, text=True)
        if result.returncode != 0:
            self.path.rmdir()
            raise PermissionError(f"cannot mount a small filesystem for the full-disk fault (needs root and "
                                  f"CAP_SYS_ADMIN): {result.stderr.strip() or result.returncode}")
        self.tablespace = self.path / "tablespace"
        self.tablespace.mkdir()
        _chown(self.tablespace)
        self.filler = self.path / "filler"

    def fill(self) -> int:
        """Write until the filesystem is full, to the last byte: the bytes written."""
        written, size = 0, 1 << 20
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            while size:
                try:
                    written += os.write(fd, b"\0" * size)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    size //= 2
        finally:
            os.close(fd)
        return written

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def unmount(self) -> None:
        self.free()
        for _ in range(20):
            if subprocess.run(["umount", str(self.path)], capture_output=True).returncode == 0:
                break
            time.sleep(0.5)
        shutil.rmtree(self.path, ignore_errors=True)


def kill_broker(rabbit: infra.PrivateRabbit) -> None:
    """SIGKILL the private node's Erlang VM (its beam), as a host crash would, then start it again."""
    pid = int((rabbit.dir / "pid").read_text().strip())
    os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    (rabbit.dir / "pid").unlink(missing_ok=True)
    rabbit.start()
