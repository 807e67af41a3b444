"""A real Redis Cluster on loopback for tests: masters and replicas started from the
`redis-server` binary (scripts/setup installs it), each in its own directory, no
persistence; stopped, every process, by `stop()`."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis
from redis.crc import key_slot

from adapters.redis_index.fingerprint_index import RedisFingerprintIndex
from adapters.redis_index.snapshot import READ_ALL_BELOW_ENTRIES

START_SECONDS = 30.0
BUS_OFFSET = 10000  # Redis Cluster's node-to-node bus listens on port + 10000


@dataclass
class RedisNode:
    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@dataclass
class LocalRedisCluster:
    """`masters` masters with `replicas` replicas each; `node_timeout_ms` is how long a
    master may be silent before its replica takes over."""

    root: Path
    masters: int = 3
    replicas: int = 1
    node_timeout_ms: int = 1000
    nodes: list[RedisNode] = field(default_factory=list[RedisNode])

    @property
    def url(self) -> str:
        """A seed for clients: any node finds the rest."""
        return f"redis://127.0.0.1:{self.nodes[0].port}"

    def start(self) -> LocalRedisCluster:
        if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
            raise RuntimeError("redis-server and redis-cli are needed: run scripts/setup")
        ports = free_ports(self.masters * (1 + self.replicas))
        self.nodes = [RedisNode(port, self.root / f"node-{port}") for port in ports]
        try:
            for node in self.nodes:
                self.launch(node)
            for node in self.nodes:
                wait_until(lambda n=node: self._answers(n), "PING")
            subprocess.run(
                [
                    "redis-cli",
                    "--cluster",
                    "create",
                    *(node.address for node in self.nodes),
                    "--cluster-replicas",
                    str(self.replicas),
                    "--cluster-yes",
                ],
                check=True,
                capture_output=True,
                timeout=START_SECONDS,
            )
            self.wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def launch(self, node: RedisNode) -> None:
        """Start (or restart, with its cluster config kept) one node's server."""
        node.directory.mkdir(parents=True, exist_ok=True)
        node.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(node.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(node.directory),
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
                "--cluster-node-timeout",
                str(self.node_timeout_ms),
                "--save",
                "",
                "--appendonly",
                "no",
                # A replica's first sync starts at once, not after the default 5 s spent
                # waiting for more replicas to share it.
                "--repl-diskless-sync-delay",
                "0",
                "--logfile",
                "redis.log",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def _answers(self, node: RedisNode) -> bool:
        if node.process is not None and node.process.poll() is not None:
            log = node.directory / "redis.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"redis-server on port {node.port} exited:\n{tail}")
        return self.cli(node, "PING", check=False) == "PONG"

    def cli(self, node: RedisNode, *command: str, check: bool = True) -> str:
        done = subprocess.run(
            ["redis-cli", "-p", str(node.port), *command],
            capture_output=True,
            text=True,
            errors="backslashreplace",  # keys hold binary hashes
            timeout=10,
            check=False,
        )
        if check and (done.returncode != 0 or done.stdout.startswith("ERR")):
            raise RuntimeError(f"redis-cli {' '.join(command)}: {done.stdout}{done.stderr}")
        return done.stdout.strip()

    def connection(self, node: RedisNode) -> redis.Redis:
        """A plain (not cluster) connection to one node, for binary keys and admin commands."""
        return redis.Redis(port=node.port, socket_timeout=10)

    def running(self) -> list[RedisNode]:
        return [n for n in self.nodes if n.process is not None and n.process.poll() is None]

    def info(self, node: RedisNode, section: str) -> dict[str, str]:
        lines = self.cli(node, "INFO", section).splitlines()
        return dict(line.split(":", 1) for line in lines if ":" in line)

    def primaries(self) -> list[RedisNode]:
        return [n for n in self.running() if self.info(n, "replication")["role"] == "master"]

    def wait_healthy(self, seconds: float = START_SECONDS) -> None:
        """Every running node says cluster_state:ok, and every master has its replicas."""

        def healthy() -> bool:
            for node in self.running():
                if "cluster_state:ok" not in self.cli(node, "CLUSTER", "INFO", check=False):
                    return False
                if not self._knows_every_replica(node):
                    return False
            masters = self.primaries()
            return len(masters) == self.masters and all(
                int(self.info(m, "replication").get("connected_slaves", 0)) >= self.replicas
                and all(
                    "state=online" in value
                    for key, value in self.info(m, "replication").items()
                    if key.startswith("slave")
                )
                and self._replicating(m)
                for m in masters
            )

        wait_until(healthy, "a healthy cluster", seconds)

    def _knows_every_replica(self, node: RedisNode) -> bool:
        """Does `node`'s table show every master serving slots with all its replicas?
        Gossip tells it that a node became a replica later than replication starts, and a
        failover needs the other masters to know the replica for what it is."""
        table = self.cli(node, "CLUSTER", "NODES", check=False).splitlines()
        rows = [row for row in (line.split() for line in table) if len(row) >= 8]
        alive = [(row, row[2].split(",")) for row in rows if "fail" not in row[2].split(",")]
        serving = [row[0] for row, flags in alive if "master" in flags and len(row) > 8]
        replicas = Counter(row[3] for row, flags in alive if "slave" in flags)
        return len(serving) == self.masters and all(
            replicas[master] >= self.replicas for master in serving
        )

    def _replicating(self, master: RedisNode) -> bool:
        """Does a write on `master` reach all its replicas? A replica says "online" once
        its initial sync is done, but its master streams nothing to it until the replica's
        first acknowledgement (up to a second later), and CLUSTER SLOTS leaves it out until
        it has taken a write: a master killed in that window fails over to an empty one."""
        if not self.replicas:
            return True
        key = self._key_served_by(master)
        if key is None:
            return False
        with self.connection(master) as plain:
            pipe = plain.pipeline(transaction=False)  # one connection: WAIT counts its writes
            pipe.set(key, b"1")
            pipe.delete(key)
            pipe.execute_command("WAIT", self.replicas, 200)
            acknowledged = pipe.execute()[-1]
        return int(acknowledged) >= self.replicas

    def _key_served_by(self, master: RedisNode) -> bytes | None:
        """A key in one of the slots `master` serves (None if it serves none yet)."""
        table = self.cli(master, "CLUSTER", "NODES", check=False).splitlines()
        myself = next((row.split() for row in table if "myself" in row), [])
        ranges = [
            (int(low), int(high or low))
            for part in myself[8:]
            if not part.startswith("[")  # a slot being moved
            for low, _, high in [part.partition("-")]
        ]
        keys = (f"ready:{i}".encode() for i in range(1 << 20) if ranges)
        return next((k for k in keys if any(a <= key_slot(k) <= b for a, b in ranges)), None)

    def kill(self, node: RedisNode) -> None:
        """kill -9: no goodbye to the other nodes."""
        assert node.process is not None
        node.process.send_signal(signal.SIGKILL)
        node.process.wait(10)
        node.process = None

    def stop(self) -> None:
        for node in self.nodes:
            if node.process is not None and node.process.poll() is None:
                node.process.terminate()
        for node in self.nodes:
            if node.process is not None:
                try:
                    node.process.wait(10)
                except subprocess.TimeoutExpired:
                    node.process.kill()
                    node.process.wait(10)
                node.process = None


def free_ports(count: int) -> list[int]:
    """Ports free now, with their cluster-bus port (+10000) free as well."""
    found: list[int] = []
    while len(found) < count:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port + BUS_OFFSET < 65536 and port not in found and _free(port + BUS_OFFSET):
            found.append(port)
    return found


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_until(ready, what: str, seconds: float = START_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"Redis Cluster: no {what} within {seconds:g} s")
        time.sleep(0.1)


@asynccontextmanager
async def redis_index_on(
    cluster: LocalRedisCluster, *, read_all_below_entries: int = READ_ALL_BELOW_ENTRIES
) -> AsyncIterator[RedisFingerprintIndex]:
    """A Redis index in a namespace of its own; the cluster is emptied afterwards."""
    namespace = f"t{uuid.uuid4().hex[:12]}"
    index = RedisFingerprintIndex(
        cluster.url, namespace=namespace, read_all_below_entries=read_all_below_entries
    )
    try:
        yield index
    finally:
        await index.close()
        for node in cluster.primaries():
            cluster.cli(node, "FLUSHALL")
