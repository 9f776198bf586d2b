"""Data stores and daemons: Redis, MongoDB, MySQL, PostgreSQL, memcached, etcd, Fluentd.

Each prints its real start-up lines, listens on its port (TCP, not HTTP), and refuses
to start without the settings its image insists on (MYSQL_ROOT_PASSWORD,
POSTGRES_PASSWORD). The database images skip initialisation when their data directory
already holds a database, so a PersistentVolume makes restarts faster, as in life.
"""

import json

from ..program import SYNC, Context, Memory, Program, Sleep
from ..timestamps import strftime
from .common import base, exit_after, option, serve
from .web import _version


def _entrypoint(argv: list[str], server: str) -> list[str]:
    """docker-entrypoint.sh: flags or a config file become arguments of the server."""
    if base(argv[0]) != "docker-entrypoint.sh":
        return argv
    rest = argv[1:]
    if not rest or rest[0].startswith("-") or rest[0].endswith(".conf"):
        return [server, *rest]
    return rest


# --- Redis --------------------------------------------------------------------------------
def _redis_time(ms: int) -> str:
    return strftime(ms, "%d %b %Y %H:%M:%S") + f".{ms % 1000:03d}"


def redis(ctx: Context, argv: list[str]) -> Program:
    argv = _entrypoint(argv, "redis-server")
    if base(argv[0]) == "redis-cli":
        return (yield from redis_cli(ctx, argv))
    if base(argv[0]) != "redis-server":
        return (yield from ctx.spawn(ctx, argv))
    version = ctx.info.version or "8.2.2"
    if "--version" in argv or "-v" in argv:
        yield from ctx.say(f"Redis server v={version} sha=00000000:0 malloc=jemalloc-5.3.0 bits=64")
        return 0
    modern = _version(version) >= (7,)
    config = argv[1] if len(argv) > 1 and not argv[1].startswith("-") else None

    def line(role: str, mark: str, text: str) -> str:
        return f"1:{role} {_redis_time(ctx.now)} {mark} {text}"

    if config and not ctx.fs.is_file(config):
        yield from ctx.say(
            f"Fatal error, can't open config file '{config}': No such file or directory", "stderr"
        )
        return 1
    yield Memory(ctx.info.idle_memory_bytes)
    star = "*" if modern else "#"
    if modern:
        yield from ctx.say(
            line(
                "C",
                "#",
                "WARNING Memory overcommit must be enabled! Without it, "
                "a background save or replication may fail under low memory "
                "condition. Being disabled, it can also cause failures without "
                "low memory condition, see https://github.com/jemalloc/jemalloc/"
                "issues/1328. To fix this issue add 'vm.overcommit_memory = 1' to "
                "/etc/sysctl.conf and then reboot or run the command 'sysctl "
                "vm.overcommit_memory=1' for this to take effect.",
            )
        )
    yield from ctx.say(line("C", star, "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"))
    yield from ctx.say(
        line(
            "C",
            star,
            f"Redis version={version}, bits=64, commit=00000000, modified=0, pid=1, just started",
        )
    )
    if config:
        yield from ctx.say(line("C", star, "Configuration loaded"))
    else:
        yield from ctx.say(
            line(
                "C",
                "#",
                "Warning: no config file specified, using the default "
                "config. In order to specify a config file use redis-server "
                "/path/to/redis.conf",
            )
        )
    yield Sleep(max(ctx.ready_after_ms // 2, 1))
    if modern:
        yield from ctx.say(line("M", "*", "monotonic clock: POSIX clock_gettime"))
    yield from ctx.say(line("M", "*", "Running mode=standalone, port=6379."))
    yield from ctx.say(line("M", star, "Server initialized"))
    if not modern:
        yield from ctx.say(
            line(
                "M",
                "#",
                "WARNING overcommit_memory is set to 0! Background "
                "save may fail under low memory condition.",
            )
        )
    yield Sleep(max(ctx.ready_after_ms // 2, 1))
    yield from ctx.say(
        line(
            "M", "*", "Ready to accept connections tcp" if modern else "Ready to accept connections"
        )
    )
    master = option(argv, "replicaof") or option(argv, "slaveof")
    if master:
        yield from ctx.say(line("S", "*", f"Connecting to MASTER {master}:6379"))
        yield from ctx.say(line("S", "*", "MASTER <-> REPLICA sync started"))

    def stop(signal: str) -> Program:
        def lines(ms: int) -> list[str]:
            stamp = _redis_time(ms)
            return [
                f"1:signal-handler ({ms // 1000}) Received {signal} scheduling shutdown...",
                f"1:M {stamp} * User requested shutdown...",
                f"1:M {stamp} * Saving the final RDB snapshot before exiting.",
                f"1:M {stamp} * DB saved on disk",
                f"1:M {stamp} # Redis is now ready to exit, bye bye...",
            ]

        return exit_after(60, 0, ctx, lines)

    ctx.on_signal = stop
    return (yield from serve(ctx, {6379: None}))


def redis_cli(ctx: Context, argv: list[str]) -> Program:
    host = option(argv, "h", "127.0.0.1")
    words = [a for a in argv[1:] if not a.startswith("-") and a != host]
    local = host in ("127.0.0.1", "localhost")
    if (local and not ctx.local_tcp(6379)) or (
        not local and ctx.network.resolve(host, ctx.now) is None
    ):
        yield from ctx.say(
            f"Could not connect to Redis at {host}:6379: Connection refused", "stderr"
        )
        return 1
    command = words[0].lower() if words else "ping"
    yield Sleep(1)
    if command == "ping":
        yield from ctx.say("PONG")
    elif command in ("get", "info"):
        yield from ctx.say(
            "" if command == "get" else "# Server\nredis_version:" + ctx.info.version
        )
    else:
        yield from ctx.say("OK")
    return 0


# --- MongoDB ---------------------------------------------------------------------------------
def _mongo_line(ms: int, component: str, id_: int, context: str, msg: str, attr=None) -> str:
    stamp = strftime(ms, "%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}+00:00"
    record = {
        "t": {"$date": stamp},
        "s": "I",
        "c": component,
        "id": id_,
        "ctx": context,
        "msg": msg,
    }
    if attr is not None:
        record["attr"] = attr
    return json.dumps(record, separators=(",", ":"))


def mongo(ctx: Context, argv: list[str]) -> Program:
    argv = _entrypoint(argv, "mongod")
    if base(argv[0]) in ("mongosh", "mongo"):
        if not ctx.local_tcp(27017):
            yield from ctx.say("MongoNetworkError: connect ECONNREFUSED 127.0.0.1:27017", "stderr")
            return 1
        yield from ctx.say("1" if "--eval" in argv else f"Using MongoDB: {ctx.info.version}")
        return 0
    if base(argv[0]) != "mongod":
        return (yield from ctx.spawn(ctx, argv))
    yield Memory(ctx.info.idle_memory_bytes // 2)
    version = ctx.info.version or "8.0.15"
    say = ctx.say
    yield from say(
        _mongo_line(
            ctx.now,
            "CONTROL",
            23285,
            "main",
            "Automatically disabling TLS 1.0, to force-enable TLS 1.0 specify "
            "--sslDisabledProtocols 'none'",
        )
    )
    yield from say(
        _mongo_line(
            ctx.now,
            "CONTROL",
            4615611,
            "initandlisten",
            "MongoDB starting",
            {
                "pid": 1,
                "port": 27017,
                "dbPath": "/data/db",
                "architecture": "64-bit",
                "host": ctx.hostname,
            },
        )
    )
    yield from say(
        _mongo_line(
            ctx.now,
            "CONTROL",
            23403,
            "initandlisten",
            "Build Info",
            {"buildInfo": {"version": version, "gitVersion": "0" * 40}},
        )
    )
    yield from say(
        _mongo_line(
            ctx.now,
            "CONTROL",
            51765,
            "initandlisten",
            "Operating System",
            {"os": {"name": "Ubuntu", "version": "24.04"}},
        )
    )
    yield Sleep(max(ctx.ready_after_ms, 1))
    yield Memory(ctx.info.idle_memory_bytes)
    yield from say(
        _mongo_line(ctx.now, "NETWORK", 23015, "listener", "Listening on", {"address": "0.0.0.0"})
    )
    yield from say(
        _mongo_line(
            ctx.now,
            "NETWORK",
            23016,
            "listener",
            "Waiting for connections",
            {"port": 27017, "ssl": "off"},
        )
    )

    def stop(signal: str) -> Program:
        return exit_after(
            200,
            0,
            ctx,
            lambda ms: [
                _mongo_line(
                    ms,
                    "CONTROL",
                    23377,
                    "SignalHandler",
                    "Received signal",
                    {"signal": 15, "error": "Terminated"},
                ),
                _mongo_line(ms, "CONTROL", 20565, "SignalHandler", "Now exiting"),
            ],
        )

    ctx.on_signal = stop
    return (yield from serve(ctx, {27017: None}))


# --- MySQL -----------------------------------------------------------------------------------
def mysql(ctx: Context, argv: list[str]) -> Program:
    argv = _entrypoint(argv, "mysqld")
    name = base(argv[0])
    version = ctx.info.version or "9.5.0"
    if name in ("mysqladmin", "mysql"):
        if not ctx.local_tcp(3306):
            yield from ctx.say(
                f"{name}: connect to server at 'localhost' failed\nerror: 'Can't connect to local "
                "MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)'",
                "stderr",
            )
            return 1
        yield from ctx.say("mysqld is alive" if name == "mysqladmin" else "1")
        return 0
    if name != "mysqld":
        return (yield from ctx.spawn(ctx, argv))
    env = ctx.env

    def note(text: str, level: str = "Note") -> str:
        return f"{strftime(ctx.now, '%Y-%m-%d %H:%M:%S')}+00:00 [{level}] [Entrypoint]: {text}"

    release = f"{version}-1.el9" if _version(version) >= (8,) else f"{version}-1debian10"
    yield from ctx.say(note(f"Entrypoint script for MySQL Server {release} started."))
    initialised = ctx.fs.is_file("/var/lib/mysql/ibdata1")
    passwords = ("MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD")
    if not initialised and not any(env.get(p) for p in passwords):
        yield from ctx.say(
            note("Database is uninitialized and password option is not specified", "ERROR")
            + "\n    You need to specify one of the following as an environment variable:"
            "\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD"
            "\n    - MYSQL_RANDOM_ROOT_PASSWORD",
            "stderr",
        )
        return 1
    yield Memory(ctx.info.idle_memory_bytes // 2)
    yield from ctx.say(note("Switching to dedicated user 'mysql'"))
    yield from ctx.say(note(f"Entrypoint script for MySQL Server {release} started."))
    if not initialised:
        yield from ctx.say(note("Initializing database files"))
        yield Sleep(max(ctx.ready_after_ms * 6 // 10, 1))
        yield SYNC
        ctx.fs.mkdir("/var/lib/mysql", parents=True)
        ctx.fs.write("/var/lib/mysql/ibdata1", "simulated InnoDB system tablespace\n")
        yield from ctx.say(note("Database files initialized"))
        yield from ctx.say(note("Starting temporary server"))
        yield Sleep(max(ctx.ready_after_ms * 2 // 10, 1))
        yield from ctx.say(note("Temporary server started."))
        if env.get("MYSQL_DATABASE"):
            yield from ctx.say(note(f"Creating database {env['MYSQL_DATABASE']}"))
        yield from ctx.say(note("Stopping temporary server"))
        yield Sleep(max(ctx.ready_after_ms // 10, 1))
        yield from ctx.say(note("Temporary server stopped"))
        yield from ctx.say("")
        yield from ctx.say(note("MySQL init process done. Ready for start up."))
        yield from ctx.say("")
    else:
        yield Sleep(max(ctx.ready_after_ms // 10, 1))
    yield Memory(ctx.info.idle_memory_bytes)

    def server(ms: int, code: str, text: str) -> str:
        stamp = strftime(ms, "%Y-%m-%dT%H:%M:%S") + f".{(ms % 1000) * 1000:06d}Z"
        return f"{stamp} 0 [System] [{code}] [Server] {text}"

    yield from ctx.say(server(ctx.now, "MY-015015", "MySQL Server - start."))
    yield from ctx.say(
        server(ctx.now, "MY-010116", f"/usr/sbin/mysqld (mysqld {version}) starting as process 1")
    )
    yield Sleep(max(ctx.ready_after_ms // 10, 1))
    yield from ctx.say(
        server(
            ctx.now,
            "MY-010931",
            f"/usr/sbin/mysqld: ready for connections. "
            f"Version: '{version}'  socket: '/var/run/mysqld/mysqld.sock'  "
            "port: 3306  MySQL Community Server - GPL.",
        )
    )

    def stop(signal: str) -> Program:
        return exit_after(
            1500,
            0,
            ctx,
            lambda ms: [
                server(
                    ms,
                    "MY-013172",
                    "Received SHUTDOWN from user <via user signal>. Shutting "
                    "down mysqld (Version: " + version + ").",
                ),
                server(
                    ms,
                    "MY-010910",
                    f"/usr/sbin/mysqld: Shutdown complete (mysqld {version})  "
                    "MySQL Community Server - GPL.",
                ),
            ],
        )

    ctx.on_signal = stop
    return (yield from serve(ctx, {3306: None, 33060: None}))


# --- PostgreSQL --------------------------------------------------------------------------------
def postgres(ctx: Context, argv: list[str]) -> Program:
    argv = _entrypoint(argv, "postgres")
    name = base(argv[0])
    if name in ("pg_isready", "psql"):
        alive = ctx.local_tcp(5432)
        if name == "psql":
            yield from ctx.say(
                " ?column? \n----------\n        1\n(1 row)\n"
                if alive
                else "psql: error: connection to server on socket "
                '"/var/run/postgresql/.s.PGSQL.5432" failed: No such file or '
                "directory",
                "stdout" if alive else "stderr",
            )
            return 0 if alive else 2
        state = "accepting connections" if alive else "no response"
        yield from ctx.say(f"/var/run/postgresql:5432 - {state}")
        return 0 if alive else 2
    if name != "postgres":
        return (yield from ctx.spawn(ctx, argv))
    data = "/var/lib/postgresql/data"
    initialised = ctx.fs.is_file(f"{data}/PG_VERSION")
    env = ctx.env
    if not initialised and not (
        env.get("POSTGRES_PASSWORD") or env.get("POSTGRES_HOST_AUTH_METHOD") == "trust"
    ):
        for line in (
            "Error: Database is uninitialized and superuser password is not specified.",
            "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
            '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
            "",
            '       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
            "       connections without a password. This is *not* recommended.",
            "",
            '       See PostgreSQL documentation about "trust":',
            "       https://www.postgresql.org/docs/current/auth-trust.html",
        ):
            yield from ctx.say(line, "stderr")
        return 1
    yield Memory(ctx.info.idle_memory_bytes)
    major = (ctx.info.version or "18").split(".")[0]

    def log(text: str, pid: int = 1) -> str:
        stamp = strftime(ctx.now, "%Y-%m-%d %H:%M:%S") + f".{ctx.now % 1000:03d} UTC"
        return f"{stamp} [{pid}] LOG:  {text}"

    if initialised:
        yield from ctx.say("")
        yield from ctx.say(
            "PostgreSQL Database directory appears to contain a database; Skipping initialization"
        )
        yield from ctx.say("")
    else:
        for line in (
            'The files belonging to this database system will be owned by user "postgres".',
            "This user must also own the server process.",
            "",
            'The database cluster will be initialized with locale "en_US.utf8".',
            "",
            "creating subdirectories ... ok",
            "running bootstrap script ... ok",
        ):
            yield from ctx.say(line)
        yield Sleep(max(ctx.ready_after_ms // 2, 1))
        yield SYNC
        ctx.fs.mkdir(data, parents=True)
        ctx.fs.write(f"{data}/PG_VERSION", major + "\n")
        for line in (
            "performing post-bootstrap initialization ... ok",
            "syncing data to disk ... ok",
            "",
            "Success. You can now start the database server using:",
            "",
            "    pg_ctl -D /var/lib/postgresql/data -l logfile start",
            "",
            "PostgreSQL init process complete; ready for start up.",
            "",
        ):
            yield from ctx.say(line)
    yield Sleep(max(ctx.ready_after_ms // 2, 1))
    yield from ctx.say(
        log(f"starting PostgreSQL {ctx.info.version or major} on x86_64-pc-linux-gnu")
    )
    yield from ctx.say(log('listening on IPv4 address "0.0.0.0", port 5432'))
    yield from ctx.say(log('listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"'))
    yield from ctx.say(log("database system is ready to accept connections"))

    def stop(signal: str) -> Program:
        kind = {"SIGINT": "fast", "SIGTERM": "smart", "SIGQUIT": "immediate"}.get(signal, "fast")
        return exit_after(
            100,
            0,
            ctx,
            lambda ms: [
                log(f"received {kind} shutdown request"),
                log("database system is shut down"),
            ],
        )

    ctx.on_signal = stop
    return (yield from serve(ctx, {5432: None}))


# --- memcached, etcd, fluentd --------------------------------------------------------------------
def memcached(ctx: Context, argv: list[str]) -> Program:
    argv = _entrypoint(argv, "memcached")
    if base(argv[0]) != "memcached":
        return (yield from ctx.spawn(ctx, argv))
    yield Memory(ctx.info.idle_memory_bytes)
    yield Sleep(max(ctx.ready_after_ms, 1))
    ctx.on_signal = lambda signal: exit_after(5, 0, ctx, lambda ms: ["Signal handled: Terminated."])
    return (yield from serve(ctx, {11211: None}))


def etcd(ctx: Context, argv: list[str]) -> Program:
    if base(argv[0]) == "etcdctl":
        healthy = ctx.local_tcp(2379)
        state = (
            "is healthy: successfully committed proposal: took = 1.62ms"
            if healthy
            else "is unhealthy: failed to commit proposal: context deadline exceeded"
        )
        yield from ctx.say(f"127.0.0.1:2379 {state}", "stdout" if healthy else "stderr")
        return 0 if healthy else 1
    yield Memory(ctx.info.idle_memory_bytes)

    def zap(message: str, **fields) -> str:
        stamp = strftime(ctx.now, "%Y-%m-%dT%H:%M:%S") + f".{ctx.now % 1000:03d}Z"
        record = {"level": "info", "ts": stamp, "caller": "embed/etcd.go:140", "msg": message}
        record.update(fields)
        return json.dumps(record, separators=(",", ":"))

    yield from ctx.say(
        zap("configuring peer listeners", **{"listen-peer-urls": ["http://localhost:2380"]}),
        "stderr",
    )
    yield from ctx.say(
        zap("starting an etcd server", **{"etcd-version": ctx.info.version, "name": "default"}),
        "stderr",
    )
    yield Sleep(max(ctx.ready_after_ms, 1))
    yield from ctx.say(zap("ready to serve client requests"), "stderr")
    yield from ctx.say(
        zap(
            "serving client traffic insecurely; this is strongly discouraged!", address="[::]:2379"
        ),
        "stderr",
    )
    ctx.on_signal = lambda signal: exit_after(50, 0, ctx)
    return (yield from serve(ctx, {2379: None, 2380: None}, "grpc"))


def fluentd(ctx: Context, argv: list[str]) -> Program:
    yield Memory(ctx.info.idle_memory_bytes)

    def info(text: str) -> str:
        return f"{strftime(ctx.now, '%Y-%m-%d %H:%M:%S')} +0000 [info]: {text}"

    yield from ctx.say(info('parsing config file is succeeded path="/etc/fluent/fluent.conf"'))
    yield Sleep(max(ctx.ready_after_ms, 1))
    yield from ctx.say(info('starting fluentd-1.16.2 pid=1 ruby="3.1.4"'))
    yield from ctx.say(
        info(
            'spawn command to main:  cmdline=["/usr/local/bin/ruby", '
            '"-Eascii-8bit:ascii-8bit", "/usr/local/bundle/bin/fluentd"]'
        )
    )
    yield from ctx.say(info("#0 fluentd worker is now running worker=0"))
    ctx.on_signal = lambda signal: exit_after(
        300, 0, ctx, lambda ms: [info("Received graceful stop")]
    )
    return (yield from serve(ctx, {24231: None}))


APPS = {
    "redis": redis,
    "mongo": mongo,
    "mysql": mysql,
    "postgres": postgres,
    "memcached": memcached,
    "etcd": etcd,
    "fluentd": fluentd,
}
