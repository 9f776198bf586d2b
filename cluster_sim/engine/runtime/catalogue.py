"""The images the simulated registries hold: what each one is and how it behaves.

One `ImageInfo` per repository, specialised per tag by `for_tag` (version shown in
logs, size, Alpine variants, the deliberately broken ClusterLab release). Sizes are
compressed sizes as `kubectl describe` reports after a pull; behaviour lives in
`runtime.apps` under the `app` key.

Covers the images used by the kubernetes.io tutorials, tasks and concept pages
(nginx, busybox, the probe, resource, Job, HPA, DNS and guestbook examples) and
ClusterLab's own movie-recommendation images.
"""

import re
from dataclasses import dataclass, replace

KiB = 1024
MiB = 1024 * KiB
MB = 1_000_000

# Simulated registry throughput: a first pull costs a fixed handshake plus size / rate.
PULL_BASE_MS = 250
PULL_BYTES_PER_MS = 20_000  # 20 MB/s: nginx (~72 MB) ~ 3.9 s, busybox (~2 MB) ~ 0.35 s

KINDS = ("server", "shell", "exits", "batch")


@dataclass(frozen=True)
class ImageInfo:
    repository: str  # canonical, e.g. "docker.io/library/nginx"
    app: str  # behaviour key in runtime.apps ("shell" for plain OS images)
    kind: str  # server | shell | exits | batch
    size_bytes: int
    tags: tuple[str, ...] = ("latest",)
    tag_pattern: str = ""  # further tags the registry holds (regex, full match)
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    binaries: tuple[str, ...] = ()  # executables (basenames) that start `app`
    userland: str = ""  # "busybox" | "debian" | "" (scratch or distroless: no shell)
    tools: tuple[str, ...] = ()  # command-line tools beyond the userland's (wget, curl, bash)
    ports: tuple[int, ...] = ()  # ports the app listens on by default
    startup_ms: int = 0  # from start until the app serves
    idle_cpu_millis: int = 0
    idle_memory_bytes: int = 1 * MiB
    # CPU one request costs, on one core (`sim traffic`'s load model: a pod's capacity in
    # requests/s is its CPU in millicores divided by this)
    request_cpu_ms: float = 1.0
    stop_signal: str = "SIGTERM"  # the image's STOPSIGNAL
    version: str = ""  # application version printed in logs
    defect: str = ""  # a deliberate bug, for rollback lessons
    description: str = ""
    tag: str = ""  # set on a resolved copy

    @property
    def pull_ms(self) -> int:
        return PULL_BASE_MS + self.size_bytes // PULL_BYTES_PER_MS

    @property
    def has_shell(self) -> bool:
        return bool(self.userland)

    def has_tag(self, tag: str) -> bool:
        if tag in self.tags:
            return True
        return bool(self.tag_pattern) and re.fullmatch(self.tag_pattern, tag) is not None

    def for_tag(self, tag: str) -> "ImageInfo":
        info = replace(self, tag=tag)
        if "alpine" in tag and self.userland == "debian":
            info = replace(info, userland="busybox", size_bytes=int(self.size_bytes * 0.35))
        elif "slim" in tag:
            info = replace(info, size_bytes=int(self.size_bytes * 0.3))
        variants = _VARIANTS.get(ALIASES.get(self.repository, self.repository), {})
        overrides = variants.get(tag)
        if overrides is None:
            overrides = variants.get(tag.split("-")[0], {})
        info = replace(info, **overrides)
        if not info.version:
            info = replace(info, version=_version_from_tag(tag))
        return info


def _version_from_tag(tag: str) -> str:
    match = re.match(r"v?(\d+(?:\.\d+)*)", tag)
    return match.group(1) if match else ""


def _img(repository: str, app: str, kind: str, size_mb: float, **fields) -> ImageInfo:
    return ImageInfo(
        repository=repository, app=app, kind=kind, size_bytes=int(size_mb * MB), **fields
    )


_DEBIAN_VERSIONED = r"\d+(\.\d+){0,2}(-(slim|alpine|bookworm|bullseye|trixie)[\w.-]*)?"

_NGINX_TAGS = (
    "latest", "stable", "mainline", "alpine", "stable-alpine", "mainline-alpine",
    "1.7.9", "1.9.1", "1.14", "1.14.2", "1.15", "1.16", "1.16.1", "1.17", "1.19", "1.20",
    "1.21", "1.22", "1.23", "1.24", "1.25", "1.25.3", "1.25.4", "1.26", "1.27", "1.27.2",
    "1.28", "1.29", "1.25-alpine", "1.27-alpine", "1.29-alpine",
)  # fmt: skip

IMAGES: tuple[ImageInfo, ...] = (
    # --- web servers -----------------------------------------------------------
    _img(
        "docker.io/library/nginx", "nginx", "server", 72.2,
        tags=_NGINX_TAGS, entrypoint=("/docker-entrypoint.sh",),
        cmd=("nginx", "-g", "daemon off;"),
        binaries=("nginx", "nginx-debug", "docker-entrypoint.sh"),
        userland="debian", ports=(80,), startup_ms=800, idle_memory_bytes=int(3.5 * MiB),
        stop_signal="SIGQUIT", description="NGINX web server serving the default welcome page",
    ),
    _img(
        "registry.k8s.io/nginx-slim", "nginx", "server", 53.0,
        tags=("0.8", "0.21", "0.24", "0.26", "0.27"), cmd=("nginx", "-g", "daemon off;"),
        binaries=("nginx",), userland="debian", ports=(80,), startup_ms=500,
        idle_memory_bytes=3 * MiB, version="1.13.7",
        description="Slim NGINX used by the StatefulSet tutorial",
    ),
    _img(
        "docker.io/library/httpd", "httpd", "server", 58.0,
        tags=("latest", "2.4", "2.4.58", "2.4.62", "2.4.63", "alpine", "2.4-alpine"),
        cmd=("httpd-foreground",), binaries=("httpd-foreground", "httpd", "apachectl"),
        userland="debian", ports=(80,), startup_ms=900, idle_cpu_millis=1,
        idle_memory_bytes=7 * MiB, stop_signal="SIGWINCH",
        description="Apache HTTP Server answering 'It works!'",
    ),
    _img(
        "registry.k8s.io/hpa-example", "hpa-example", "server", 181.0,
        cmd=("apache2-foreground",), binaries=("apache2-foreground", "apache2"),
        userland="debian", ports=(80,), startup_ms=1200, idle_cpu_millis=1,
        idle_memory_bytes=10 * MiB, stop_signal="SIGWINCH", version="2.4.10",
        request_cpu_ms=100,  # apps/web.py HPA_REQUEST_CPU_MS: a million square roots
        description="php-apache from the HPA walkthrough: each request burns CPU, answers OK!",
    ),
    _img(
        "gcr.io/google-samples/hello-app", "hello-app", "server", 10.9,
        tags=("1.0", "2.0"), cmd=("./hello-app",), binaries=("hello-app",),
        ports=(8080,), startup_ms=150, idle_memory_bytes=5 * MiB,
        description="Go sample answering Hello, world! with its version and hostname",
    ),
    _img(
        "gcr.io/google-samples/kubernetes-bootcamp", "bootcamp", "server", 78.0,
        tags=("v1", "v2"), cmd=("/bin/sh", "-c", "node server.js"), binaries=("node",),
        userland="debian", ports=(8080,), startup_ms=700, idle_memory_bytes=25 * MiB,
        description="Node.js app of the 'Learn Kubernetes Basics' tutorial",
    ),
    _img(
        "gcr.io/google-samples/node-hello", "node-hello", "server", 250.0,
        tags=("1.0",), cmd=("/bin/sh", "-c", "node server.js"), binaries=("node",),
        userland="debian", ports=(8080,), startup_ms=600, idle_memory_bytes=22 * MiB,
        description="Node.js sample answering Hello Kubernetes!",
    ),
    _img(
        "registry.k8s.io/echoserver", "echoserver", "server", 46.0,
        tags=("1.4", "1.10"), cmd=("/usr/local/bin/run.sh",),
        binaries=("run.sh", "nginx"), userland="debian", ports=(8080,),
        startup_ms=1500, idle_memory_bytes=6 * MiB,
        description="NGINX + Lua server that echoes the request back",
    ),
    _img(
        "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend", "gb-frontend", "server",
        150.0, tags=("v5",), cmd=("apache2-foreground",),
        binaries=("apache2-foreground", "apache2"), userland="debian", ports=(80,),
        startup_ms=1200, idle_cpu_millis=1, idle_memory_bytes=12 * MiB,
        stop_signal="SIGWINCH", version="2.4.38",
        description="Guestbook PHP frontend (stateless application tutorial)",
    ),
    _img(
        "docker.io/library/wordpress", "wordpress", "server", 240.0,
        tags=("latest", "6.2.1-apache", "6.4-apache", "6.7-apache", "apache"),
        entrypoint=("docker-entrypoint.sh",), cmd=("apache2-foreground",),
        binaries=("docker-entrypoint.sh", "apache2-foreground", "apache2"),
        userland="debian", ports=(80,), startup_ms=2500, idle_cpu_millis=1,
        idle_memory_bytes=20 * MiB, stop_signal="SIGWINCH", version="2.4.56",
        description="WordPress on Apache (WordPress + MySQL tutorial)",
    ),
    # --- data stores -------------------------------------------------------------
    _img(
        "docker.io/library/redis", "redis", "server", 45.0,
        tags=("latest", "alpine", "5.0.4", "6.0.5", "6.2", "7.0", "7.2", "7.4", "8.0", "8.2"),
        tag_pattern=_DEBIAN_VERSIONED, entrypoint=("docker-entrypoint.sh",),
        cmd=("redis-server",), binaries=("redis-server", "redis-cli", "docker-entrypoint.sh"),
        userland="debian", ports=(6379,), startup_ms=400, idle_cpu_millis=2,
        idle_memory_bytes=3 * MiB, description="Redis key-value store",
    ),
    _img(
        "us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower", "redis", "server",
        38.0, tags=("v2",), cmd=("redis-server", "--replicaof", "redis-leader", "6379"),
        binaries=("redis-server", "redis-cli"), userland="debian", ports=(6379,),
        startup_ms=500, idle_cpu_millis=2, idle_memory_bytes=3 * MiB, version="6.0.5",
        description="Guestbook Redis follower (replica of redis-leader)",
    ),
    _img(
        "docker.io/library/mongo", "mongo", "server", 280.0,
        tags=("latest", "4.4", "4.4.6", "5.0", "6.0", "7.0", "8.0"), tag_pattern=_DEBIAN_VERSIONED,
        entrypoint=("docker-entrypoint.sh",), cmd=("mongod",),
        binaries=("mongod", "mongosh", "mongo", "docker-entrypoint.sh"), userland="debian",
        ports=(27017,), startup_ms=3500, idle_cpu_millis=6, idle_memory_bytes=150 * MiB,
        description="MongoDB document database",
    ),
    _img(
        "docker.io/library/mysql", "mysql", "server", 170.0,
        tags=("latest", "5.6", "5.7", "8.0", "8.4", "9", "9.1", "lts"),
        tag_pattern=_DEBIAN_VERSIONED, entrypoint=("docker-entrypoint.sh",), cmd=("mysqld",),
        binaries=("mysqld", "mysql", "mysqladmin", "docker-entrypoint.sh"), userland="debian",
        ports=(3306,), startup_ms=18000, idle_cpu_millis=5, idle_memory_bytes=380 * MiB,
        description="MySQL server (needs MYSQL_ROOT_PASSWORD or an alternative)",
    ),
    _img(
        "docker.io/library/postgres", "postgres", "server", 155.0,
        tags=("latest", "alpine", "13", "14", "15", "16", "17", "18"),
        tag_pattern=_DEBIAN_VERSIONED, entrypoint=("docker-entrypoint.sh",), cmd=("postgres",),
        binaries=("postgres", "psql", "pg_isready", "docker-entrypoint.sh"), userland="debian",
        ports=(5432,), startup_ms=4000, idle_cpu_millis=2, idle_memory_bytes=30 * MiB,
        stop_signal="SIGINT", description="PostgreSQL (needs POSTGRES_PASSWORD)",
    ),
    _img(
        "docker.io/library/memcached", "memcached", "server", 32.0,
        tags=("latest", "alpine", "1.6"), tag_pattern=_DEBIAN_VERSIONED,
        entrypoint=("docker-entrypoint.sh",), cmd=("memcached",),
        binaries=("memcached", "docker-entrypoint.sh"), userland="debian", ports=(11211,),
        startup_ms=100, idle_cpu_millis=1, idle_memory_bytes=2 * MiB,
        description="memcached in-memory cache",
    ),
    _img(
        "registry.k8s.io/etcd", "etcd", "server", 57.0,
        tags=("3.5.1-0", "3.5.9-0", "3.5.15-0", "3.5.21-0", "3.6.4-0"),
        cmd=("/usr/local/bin/etcd",), binaries=("etcd", "etcdctl"), ports=(2379, 2380),
        startup_ms=1500, idle_cpu_millis=10, idle_memory_bytes=25 * MiB,
        description="etcd (the gRPC liveness probe example)",
    ),
    # --- operating-system and language images -------------------------------------
    _img(
        "docker.io/library/busybox", "shell", "shell", 2.2,
        tags=("latest", "stable", "musl", "glibc", "uclibc", "1.28", "1.29", "1.31",
              "1.34", "1.35", "1.36", "1.36.1", "1.37", "1.37.0"),
        cmd=("sh",), userland="busybox", idle_memory_bytes=512 * KiB,
        description="BusyBox: a tiny shell and the usual Unix tools",
    ),  # fmt: skip
    _img(
        "registry.k8s.io/busybox", "shell", "shell", 1.1,
        tags=("latest", "1.24", "1.27", "1.27.2"), cmd=("sh",), userland="busybox",
        idle_memory_bytes=512 * KiB, version="1.27.2",
        description="BusyBox as used by the probe examples",
    ),
    _img(
        "registry.k8s.io/e2e-test-images/busybox", "shell", "shell", 2.2,
        tags=("1.29-2", "1.29-4", "1.36.1-1", "1.37.0-1"), cmd=("sh",), userland="busybox",
        idle_memory_bytes=512 * KiB, description="BusyBox built for Kubernetes e2e tests",
    ),
    _img(
        "registry.k8s.io/e2e-test-images/jessie-dnsutils", "shell", "shell", 107.0,
        tags=("1.3", "1.7"), cmd=("sh",), userland="debian", tools=("nslookup", "dig", "wget"),
        idle_memory_bytes=1 * MiB, description="Debian with DNS tools (DNS debugging task)",
    ),
    _img(
        "docker.io/library/alpine", "shell", "shell", 3.6,
        tags=("latest", "edge", "3.18", "3.19", "3.20", "3.21", "3.22"),
        tag_pattern=r"3\.\d+(\.\d+)?", cmd=("/bin/sh",), userland="busybox",
        idle_memory_bytes=512 * KiB, description="Alpine Linux (BusyBox userland)",
    ),
    _img(
        "docker.io/library/ubuntu", "shell", "shell", 29.7,
        tags=("latest", "rolling", "focal", "jammy", "noble", "20.04", "22.04", "24.04"),
        tag_pattern=r"\d\d\.\d\d", cmd=("/bin/bash",), userland="debian", tools=("bash",),
        idle_memory_bytes=1 * MiB, description="Ubuntu base image",
    ),
    _img(
        "docker.io/library/debian", "shell", "shell", 48.5,
        tags=("latest", "stable", "stable-slim", "bookworm", "bookworm-slim", "bullseye",
              "bullseye-slim", "trixie", "trixie-slim", "11", "12", "13"),
        cmd=("bash",), userland="debian", tools=("bash",), idle_memory_bytes=1 * MiB,
        description="Debian base image",
    ),  # fmt: skip
    _img(
        "docker.io/library/bash", "shell", "shell", 6.5,
        tags=("latest", "5", "5.2", "5.3", "4.4"), entrypoint=("docker-entrypoint.sh",),
        cmd=("bash",), binaries=("docker-entrypoint.sh",), userland="busybox", tools=("bash",),
        idle_memory_bytes=1 * MiB, description="GNU Bash on Alpine",
    ),
    _img(
        "docker.io/library/python", "python", "batch", 370.0,
        tags=("latest", "3", "slim", "alpine", "3.10", "3.11", "3.12", "3.13", "3.14"),
        tag_pattern=_DEBIAN_VERSIONED, cmd=("python3",), binaries=("python", "python3"),
        userland="debian", tools=("bash", "wget", "curl"), startup_ms=300,
        idle_memory_bytes=10 * MiB, description="Python interpreter",
    ),
    _img(
        "docker.io/library/node", "node", "batch", 390.0,
        tags=("latest", "lts", "slim", "alpine", "18", "20", "22", "24"),
        tag_pattern=_DEBIAN_VERSIONED, entrypoint=("docker-entrypoint.sh",), cmd=("node",),
        binaries=("node", "npm", "docker-entrypoint.sh"), userland="debian",
        tools=("bash", "wget", "curl"), startup_ms=300, idle_memory_bytes=40 * MiB,
        description="Node.js runtime",
    ),
    _img(
        "docker.io/library/perl", "perl", "batch", 330.0,
        tags=("latest", "slim", "5", "5.34", "5.36", "5.38", "5.40", "5.42"),
        tag_pattern=_DEBIAN_VERSIONED, cmd=("perl", "-de0"), binaries=("perl",),
        userland="debian", tools=("bash", "wget", "curl"), startup_ms=200,
        idle_memory_bytes=6 * MiB, description="Perl (the Job example computes pi)",
    ),
    _img(
        "docker.io/library/hello-world", "hello-world", "exits", 0.013,
        cmd=("/hello",), binaries=("hello",), idle_memory_bytes=256 * KiB,
        description="Prints a greeting and exits",
    ),
    _img(
        "docker.io/curlimages/curl", "curl", "exits", 10.5,
        tags=("latest", "8.5.0", "8.11.1", "8.17.0"), tag_pattern=r"\d+\.\d+\.\d+",
        entrypoint=("/entrypoint.sh",), cmd=("curl",), binaries=("entrypoint.sh",),
        userland="busybox", tools=("curl",), idle_memory_bytes=1 * MiB,
        description="curl on Alpine",
    ),
    # --- Kubernetes test and example images -----------------------------------------
    _img(
        "registry.k8s.io/pause", "pause", "server", 0.32,
        tags=("3.10.1", "3.10", "3.9", "3.8", "3.7", "3.6", "3.5", "3.2", "3.1", "latest"),
        entrypoint=("/pause",), binaries=("pause",), idle_memory_bytes=256 * KiB,
        description="The pod sandbox: sleeps until signalled",
    ),
    _img(
        "registry.k8s.io/e2e-test-images/agnhost", "agnhost", "server", 52.0,
        tags=("2.39", "2.40", "2.43", "2.45", "2.47", "2.50", "2.52", "2.53", "2.56"),
        entrypoint=("/agnhost",), cmd=("pause",), binaries=("agnhost",), userland="busybox",
        tools=("curl",), startup_ms=200, idle_cpu_millis=1, idle_memory_bytes=8 * MiB,
        description="Kubernetes' Swiss-army test server (netexec, liveness, serve-hostname...)",
    ),
    _img(
        "registry.k8s.io/liveness", "liveness", "server", 2.1,
        cmd=("/server",), binaries=("server",), ports=(8080,), startup_ms=100,
        idle_memory_bytes=3 * MiB,
        description="/healthz answers 200 for 10 s, then 500 (HTTP liveness example)",
    ),
    _img(
        "registry.k8s.io/goproxy", "goproxy", "server", 2.6,
        tags=("0.1",), cmd=("/goproxy",), binaries=("goproxy",), ports=(8080,),
        startup_ms=100, idle_memory_bytes=3 * MiB, description="TCP probe example proxy",
    ),
    _img(
        "docker.io/polinux/stress", "stress", "batch", 4.2,
        cmd=("stress", "--help"), binaries=("stress",), userland="busybox",
        idle_memory_bytes=512 * KiB, description="stress: allocate memory or burn CPU on demand",
    ),
    _img(
        "docker.io/vish/stress", "vish-stress", "server", 1.6,
        entrypoint=("/stress", "-logtostderr"), binaries=("stress",),
        idle_memory_bytes=1 * MiB, description="Go stress tool (-cpus N, -mem-total)",
    ),
    _img(
        "quay.io/fluentd_elasticsearch/fluentd", "fluentd", "server", 140.0,
        tags=("v2.5.2", "v3.1.0", "v4.7.2", "v5.0.1"), cmd=("/run.sh",),
        binaries=("run.sh", "fluentd"), userland="debian", ports=(24231,), startup_ms=3000,
        idle_cpu_millis=3, idle_memory_bytes=80 * MiB,
        description="Fluentd log collector (the DaemonSet example)",
    ),
    # --- ClusterLab's movie-recommendation pipeline ---------------------------------
    _img(
        "docker.io/clusterlab/ingest", "clusterlab-ingest", "batch", 95.0,
        tags=("1.0", "1.1", "2.0"), entrypoint=("python", "-m", "ingest"),
        binaries=("python", "python3"), userland="debian", startup_ms=800,
        idle_cpu_millis=5, idle_memory_bytes=60 * MiB,
        description="Downloads MovieLens ratings into /data/raw (batch; --follow keeps polling)",
    ),
    _img(
        "docker.io/clusterlab/features", "clusterlab-features", "batch", 310.0,
        tags=("1.0", "1.1", "2.0"), entrypoint=("python", "-m", "features"),
        binaries=("python", "python3"), userland="debian", startup_ms=1200,
        idle_cpu_millis=5, idle_memory_bytes=120 * MiB,
        description="Builds user and movie features from the raw ratings",
    ),
    _img(
        "docker.io/clusterlab/train", "clusterlab-train", "batch", 720.0,
        tags=("1.0", "1.1", "2.0"), entrypoint=("python", "-m", "train"),
        binaries=("python", "python3"), userland="debian", startup_ms=2000,
        idle_cpu_millis=10, idle_memory_bytes=200 * MiB,
        description=(
            "Trains the recommender: logs epochs, needs lots of memory, exits 0. EPOCHS=10; "
            "WORKERS=N with JOB_COMPLETION_INDEX=i (an Indexed Job) trains shard i: 1/N of "
            "each epoch plus a gradient sync with the N-1 peers (300 ms each)"
        ),
    ),
    _img(
        "docker.io/clusterlab/serve", "clusterlab-serve", "server", 180.0,
        tags=("1.0", "1.1", "2.0"), entrypoint=("python", "-m", "serve"),
        binaries=("python", "python3"), userland="debian", ports=(8080,), startup_ms=3000,
        idle_cpu_millis=2, idle_memory_bytes=340 * MiB, request_cpu_ms=15,
        description="Recommendation API on :8080 (/recommend?user=ID, /healthz, /readyz)",
    ),
    _img(
        "docker.io/clusterlab/ui", "clusterlab-ui", "server", 35.0,
        tags=("1.0", "1.1", "2.0"), entrypoint=("node", "server.js"), binaries=("node",),
        userland="busybox", ports=(8080,), startup_ms=800, idle_cpu_millis=1,
        idle_memory_bytes=45 * MiB, description="Movie-night web UI on :8080",
    ),
)  # fmt: skip

# Same images published under other names (old registries, mirrors, tutorial forks).
ALIASES = {
    "gcr.io/google_containers/busybox": "registry.k8s.io/busybox",
    "k8s.gcr.io/busybox": "registry.k8s.io/busybox",
    "k8s.gcr.io/pause": "registry.k8s.io/pause",
    "k8s.gcr.io/liveness": "registry.k8s.io/liveness",
    "gcr.io/google_containers/liveness": "registry.k8s.io/liveness",
    "k8s.gcr.io/hpa-example": "registry.k8s.io/hpa-example",
    "gcr.io/google_containers/hpa-example": "registry.k8s.io/hpa-example",
    "k8s.gcr.io/echoserver": "registry.k8s.io/echoserver",
    "k8s.gcr.io/goproxy": "registry.k8s.io/goproxy",
    "k8s.gcr.io/nginx-slim": "registry.k8s.io/nginx-slim",
    "k8s.gcr.io/e2e-test-images/agnhost": "registry.k8s.io/e2e-test-images/agnhost",
    "us-docker.pkg.dev/google-samples/containers/gke/hello-app": "gcr.io/google-samples/hello-app",
    "docker.io/jocatalin/kubernetes-bootcamp": "gcr.io/google-samples/kubernetes-bootcamp",
    "docker.io/corelab/gb-frontend": (
        "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend"
    ),
}

# Per-tag differences: the version an image reports, and the broken ClusterLab release.
_VARIANTS: dict[str, dict[str, dict]] = {
    "docker.io/library/nginx": {
        "latest": {"version": "1.29.3"}, "mainline": {"version": "1.29.3"},
        "stable": {"version": "1.28.0"}, "alpine": {"version": "1.29.3"},
        "1.14.2": {"size_bytes": 44_700_000},
        "1.14": {"version": "1.14.2", "size_bytes": 44_700_000},
        "1.7.9": {"size_bytes": 39_900_000}, "1.9.1": {"size_bytes": 42_000_000},
        "1.16.1": {"size_bytes": 51_000_000},
        "1.16": {"version": "1.16.1", "size_bytes": 51_000_000},
        "1.25": {"version": "1.25.5"}, "1.27": {"version": "1.27.5"}, "1.29": {"version": "1.29.3"},
        "1.28": {"version": "1.28.0"}, "1.26": {"version": "1.26.3"}, "1.24": {"version": "1.24.0"},
        "1.23": {"version": "1.23.4"}, "1.22": {"version": "1.22.1"}, "1.21": {"version": "1.21.6"},
        "1.20": {"version": "1.20.2"}, "1.19": {"version": "1.19.10"},
        "1.17": {"version": "1.17.10"}, "1.15": {"version": "1.15.12"},
    },
    "docker.io/library/redis": {
        "latest": {"version": "8.2.2"}, "alpine": {"version": "8.2.2"}, "7.4": {"version": "7.4.6"},
        "7.2": {"version": "7.2.11"}, "7.0": {"version": "7.0.15"}, "6.2": {"version": "6.2.20"},
        "8.0": {"version": "8.0.4"}, "8.2": {"version": "8.2.2"},
    },
    "docker.io/library/httpd": {"latest": {"version": "2.4.65"}, "2.4": {"version": "2.4.65"}},
    "docker.io/library/mysql": {
        "latest": {"version": "9.5.0"}, "9": {"version": "9.5.0"}, "lts": {"version": "8.4.7"},
        "8.4": {"version": "8.4.7"}, "8.0": {"version": "8.0.44"}, "5.7": {"version": "5.7.44"},
        "5.6": {"version": "5.6.51"},
    },
    "docker.io/library/postgres": {"latest": {"version": "18.1"}, "alpine": {"version": "18.1"}},
    "docker.io/library/mongo": {"latest": {"version": "8.0.15"}, "8.0": {"version": "8.0.15"}},
    "docker.io/library/busybox": {
        "latest": {"version": "1.37.0"}, "stable": {"version": "1.36.1"},
        "1.28": {"version": "1.28.4", "size_bytes": 728_000},
    },
    "docker.io/library/perl": {"latest": {"version": "5.42.0"}, "slim": {"version": "5.42.0"}},
    "docker.io/library/python": {"latest": {"version": "3.14.0"}, "3": {"version": "3.14.0"}},
    "docker.io/library/node": {"latest": {"version": "25.2.1"}, "lts": {"version": "24.11.1"}},
    "docker.io/library/memcached": {"latest": {"version": "1.6.39"}},
    "docker.io/clusterlab/serve": {
        "2.0": {
            "defect": "crashes on start: FATAL: model file /models/recsys-v2.pkl not found",
        },
    },
    "gcr.io/google-samples/hello-app": {"1.0": {"version": "1.0.0"}, "2.0": {"version": "2.0.0"}},
    "gcr.io/google-samples/kubernetes-bootcamp": {"v1": {"version": "1"}, "v2": {"version": "2"}},
}  # fmt: skip

_BY_REPOSITORY = {info.repository: info for info in IMAGES}


def find_repository(repository: str) -> ImageInfo | None:
    """The catalogue entry for a canonical repository name (aliases resolved)."""
    info = _BY_REPOSITORY.get(repository)
    if info is not None:
        return info
    target = ALIASES.get(repository)
    if target is None:
        return None
    return replace(_BY_REPOSITORY[target], repository=repository)


def repositories() -> list[str]:
    return sorted([*_BY_REPOSITORY, *ALIASES])
