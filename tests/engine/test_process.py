"""Running containers: probes, logs, resources, OOM, signals and determinism."""

import random

import pytest

from cluster_sim.engine.runtime import ContainerProcess, Volume, resolve_image
from cluster_sim.engine.runtime.apps.languages import pi_digits

SECOND = 1000
MiB = 1024 * 1024


def start(image, command=None, args=None, seed=11, **options):
    return ContainerProcess(
        resolve_image(image).info,
        command=command,
        args=args,
        env=options.pop("env", {}),
        rng=random.Random(seed),
        hostname=options.pop("hostname", "pod-0"),
        **options,
    )


def texts(outputs):
    return [o.text for o in outputs if o.kind == "log"]


def ending(outputs):
    return next(o for o in outputs if o.kind in ("exit", "oom"))


# --- the probe examples of "Configure Liveness, Readiness and Startup Probes" -------------------
def test_exec_liveness_example_timeline():
    process = start(
        "registry.k8s.io/busybox:1.27.2",
        args=["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
    )
    results = {t: process.exec(["cat", "/tmp/healthy"], t * SECOND) for t in range(5, 45, 5)}
    assert [t for t, r in results.items() if r.exit_code == 0] == [5, 10, 15, 20, 25]
    assert results[30].exit_code == 1
    assert results[35].output == "cat: can't open '/tmp/healthy': No such file or directory\n"
    assert process.running and process.next_event_ms() == 630 * SECOND
    assert ending(process.advance(630 * SECOND)).exit_code == 0


@pytest.mark.parametrize(
    ("image", "args"),
    [
        ("registry.k8s.io/liveness", None),
        ("registry.k8s.io/e2e-test-images/agnhost:2.40", ["liveness"]),
    ],
)
def test_http_liveness_example_fails_after_ten_seconds(image, args):
    process = start(image, args=args)
    statuses = {t: process.http_probe(8080, "/healthz", t * SECOND) for t in (3, 6, 9, 12, 15)}
    assert statuses == {3: 200, 6: 200, 9: 200, 12: 500, 15: 500}
    assert process.http_get(8080, "/healthz", 15 * SECOND).body == "error: 15"
    assert process.http_probe(9090, "/healthz", 15 * SECOND) is None


def test_tcp_probe_sees_the_port_once_the_server_listens():
    process = start("registry.k8s.io/goproxy:0.1")
    assert process.tcp_probe(8080, 0) is False
    assert process.ready_after_ms <= SECOND
    assert process.tcp_probe(8080, 15 * SECOND) is True
    assert process.tcp_probe(8081, 15 * SECOND) is False
    assert process.listening_ports(15 * SECOND) == {8080}


def test_exec_of_a_missing_binary_errors_like_runc():
    process = start("vish/stress", args=["-cpus", "1"])
    result = process.exec(["cat", "/tmp/healthy"], SECOND)
    assert result.exit_code == 127
    assert result.error == (
        "OCI runtime exec failed: exec failed: unable to start container process: "
        'exec: "cat": executable file not found in $PATH: unknown'
    )


def test_exec_sees_and_changes_the_container_filesystem():
    process = start("busybox", command=["sleep", "3600"])
    assert process.exec(["touch", "/tmp/ready"], SECOND).exit_code == 0
    assert (
        process.exec(["sh", "-c", "test -f /tmp/ready && echo yes"], 2 * SECOND).output == "yes\n"
    )
    slow = process.exec(["sh", "-c", "sleep 5; echo done"], 3 * SECOND, timeout_ms=2 * SECOND)
    assert slow.timed_out and slow.duration_ms == 2 * SECOND
    assert process.exec(["sleep", "1"], 4 * SECOND).duration_ms == SECOND


# --- nginx --------------------------------------------------------------------------------------
def test_nginx_logs_its_entrypoint_and_start_lines():
    process = start("nginx:1.25")
    outputs = process.advance(5 * SECOND)
    lines = texts(outputs)
    assert lines[:3] == [
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform "
        "configuration",
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
    ]
    assert "/docker-entrypoint.sh: Configuration complete; ready for start up" in lines
    assert "2026/01/05 09:00:00 [notice] 1#1: nginx/1.25.5" in lines
    assert lines[-1] == "2026/01/05 09:00:00 [notice] 1#1: start worker process 30"
    assert 500 <= process.ready_after_ms <= 1500
    fresh = start("nginx:1.25")
    assert fresh.tcp_probe(80, fresh.ready_after_ms - 1) is False
    assert fresh.tcp_probe(80, fresh.ready_after_ms) is True


def test_old_nginx_images_start_silently():
    process = start("nginx:1.14.2")
    assert process.advance(10 * SECOND) == []
    assert process.http_probe(80, "/", 10 * SECOND) == 200


def test_nginx_serves_its_welcome_page_and_logs_requests():
    process = start("nginx:1.25")
    page = process.http_get(80, "/", 2 * SECOND)
    assert page.status == 200 and "<h1>Welcome to nginx!</h1>" in page.body
    assert process.http_probe(80, "/healthz", 3 * SECOND) == 404
    lines = texts(process.advance(3 * SECOND))
    assert lines[-3] == (
        '10.244.0.1 - - [05/Jan/2026:09:00:02 +0000] "GET / HTTP/1.1" 200 615 "-" '
        '"kube-probe/1.34" "-"'
    )
    assert (
        'open() "/usr/share/nginx/html/healthz" failed (2: No such file or directory)'
        in (lines[-2])
    )


def test_nginx_stops_gracefully_on_sigquit():
    process = start("nginx:1.25")
    process.advance(2 * SECOND)
    process.terminate(10 * SECOND)
    outputs = process.advance(11 * SECOND)
    assert texts(outputs)[0] == (
        "2026/01/05 09:00:10 [notice] 1#1: signal 3 (SIGQUIT) received, shutting down"
    )
    assert ending(outputs).exit_code == 0 and process.reason == "Completed"


def test_a_shell_as_pid_1_ignores_sigterm_until_killed():
    process = start("busybox", command=["sh", "-c", "sleep 3600"])
    process.terminate(SECOND)
    assert process.advance(31 * SECOND) == [] and process.running
    outputs = process.kill(31 * SECOND)
    assert ending(outputs).exit_code == 137 and process.reason == "Error"


# --- batch work -----------------------------------------------------------------------------------
def test_job_pi_example_prints_2000_digits_in_about_ten_seconds():
    process = start("perl:5.34.0", command=["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"])
    outputs = process.advance(60 * SECOND)
    [digits] = texts(outputs)
    assert digits.startswith("3.14159265358979323846264338327950288419716939937510")
    assert len(digits) == 2001 and digits == pi_digits(2000)
    end = ending(outputs)
    assert end.exit_code == 0 and 9 * SECOND <= end.at_ms <= 11 * SECOND


def test_pi_rounds_like_bigfloat():
    assert pi_digits(10) == "3.141592654"
    assert pi_digits(1) == "3"


def test_cpu_limit_slows_cpu_bound_work():
    process = start(
        "perl", command=["perl", "-Mbignum=bpi", "-wle", "print bpi(1000)"], cpu_limit_millis=250
    )
    assert process.cpu_millis(SECOND) == 250
    assert ending(process.advance(60 * SECOND)).at_ms > 9 * SECOND


# --- memory and CPU ----------------------------------------------------------------------------------
STRESS = ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"]


def test_stress_over_the_memory_limit_is_oom_killed():
    process = start("polinux/stress", command=["stress"], args=STRESS, memory_limit_bytes=100 * MiB)
    outputs = process.advance(10 * SECOND)
    assert texts(outputs) == ["stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd"]
    oom = ending(outputs)
    assert (oom.kind, oom.exit_code) == ("oom", 137) and oom.at_ms < SECOND
    assert process.reason == "OOMKilled" and not process.running


def test_stress_within_the_limit_keeps_its_memory():
    process = start("polinux/stress", command=["stress"], args=STRESS, memory_limit_bytes=200 * MiB)
    assert [o.kind for o in process.advance(10 * SECOND)] == ["log"]
    used = process.memory_bytes(10 * SECOND)
    assert 145 * MiB < used < 160 * MiB and process.running


def test_cpu_stress_is_capped_by_the_limit():
    process = start("vish/stress", args=["-cpus", "2"], cpu_limit_millis=1000)
    lines = texts(process.advance(SECOND))
    assert lines[0].endswith(
        '] Allocating "0" memory, in "4Ki" chunks, with a 1ms sleep between allocations'
    )
    assert lines.count(lines[1]) == 2 and lines[1].endswith("] Spawning a thread to consume CPU")
    assert 940 <= process.cpu_millis(60 * SECOND) <= 1000
    assert 0.9 * MiB <= process.memory_bytes(60 * SECOND) <= 1.1 * MiB


def test_php_apache_burns_cpu_per_request():
    process = start("registry.k8s.io/hpa-example", cpu_limit_millis=500)
    assert process.cpu_millis(5 * SECOND) <= 2
    for k in range(50):
        response = process.http_get(80, "/", 5 * SECOND + k * 100, user_agent="Wget")
        assert (response.status, response.body) == (200, "OK!")
    assert response.duration_ms == 200  # 100 ms of CPU at half a core
    assert process.cpu_millis(10 * SECOND) == 500
    assert process.cpu_millis(30 * SECOND) <= 2


def test_idle_servers_report_small_usage():
    process = start("nginx")
    assert process.cpu_millis(60 * SECOND) == 0
    assert 2 * MiB < process.memory_bytes(60 * SECOND) < 5 * MiB


# --- ClusterLab's images ---------------------------------------------------------------------------------
def test_serve_2_0_crashes_with_a_clear_message():
    outputs = start("clusterlab/serve:2.0").advance(10 * SECOND)
    assert "FATAL: model file /models/recsys-v2.pkl not found" in texts(outputs)
    assert ending(outputs).exit_code == 1


def test_serve_1_0_answers_recommendations():
    process = start("clusterlab/serve:1.0")
    assert process.http_probe(8080, "/readyz", SECOND) is None
    assert process.http_probe(8080, "/readyz", 5 * SECOND) == 200
    answer = process.http_get(8080, "/recommend?user=42", 5 * SECOND, user_agent="curl/8.5.0")
    assert answer.status == 200 and '"model": "recsys-v1"' in answer.body
    assert texts(process.advance(5 * SECOND))[-1].endswith("GET /recommend?user=42 200 (15 ms)")


def test_train_logs_epochs_and_is_oom_killed_under_a_small_limit():
    outputs = start("clusterlab/train:1.1", env={"EPOCHS": "3"}).advance(120 * SECOND)
    epochs = [line for line in texts(outputs) if " epoch " in line]
    assert [line.split(" epoch ")[1].split()[0] for line in epochs] == ["1/3", "2/3", "3/3"]
    assert ending(outputs).exit_code == 0
    small = start("clusterlab/train:1.1", memory_limit_bytes=512 * MiB).advance(120 * SECOND)
    assert ending(small).kind == "oom"


def test_the_pipeline_hands_data_over_through_shared_volumes():
    data, models = Volume(), Volume()
    mounts = {"/data": data, "/models": models}
    for stage in ("ingest", "features", "train"):
        process = start(f"clusterlab/{stage}:2.0", volumes=mounts, env={"EPOCHS": "1"})
        assert ending(process.advance(300 * SECOND)).exit_code == 0
    assert "ratings=32000204" in data.files["/raw/ratings.parquet"]
    fixed = start("clusterlab/serve:2.0", volumes={"/models": models})
    assert fixed.http_probe(8080, "/healthz", 10 * SECOND) == 200


def test_ingest_follow_mode_keeps_polling():
    process = start(
        "clusterlab/ingest:2.0", args=["--follow"], env={"INGEST_INTERVAL_SECONDS": "5"}
    )
    lines = texts(process.advance(60 * SECOND))
    assert sum(" poll: " in line for line in lines) >= 5 and process.running


# --- databases ------------------------------------------------------------------------------------------
def test_mysql_needs_a_root_password():
    outputs = start("mysql:8.0").advance(5 * SECOND)
    assert any("password option is not specified" in line for line in texts(outputs))
    assert ending(outputs).exit_code == 1
    process = start("mysql:8.0", env={"MYSQL_ROOT_PASSWORD": "secret"})
    assert not process.tcp_probe(3306, 5 * SECOND)
    assert process.tcp_probe(3306, 30 * SECOND)
    assert process.exec(["mysqladmin", "ping"], 30 * SECOND).output == "mysqld is alive\n"


def test_mysql_restarts_faster_on_an_existing_volume():
    volume = Volume()
    first = start("mysql:8.0", env={"MYSQL_ROOT_PASSWORD": "x"}, volumes={"/var/lib/mysql": volume})
    first.advance(60 * SECOND)
    second = start("mysql:8.0", volumes={"/var/lib/mysql": volume})
    assert second.tcp_probe(3306, 5 * SECOND)


def test_redis_banner_and_cli():
    process = start("redis:7.2")
    lines = texts(process.advance(2 * SECOND))
    assert lines[1].endswith("* oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo")
    assert lines[-1].startswith("1:M 05 Jan 2026 09:00:00.")
    assert lines[-1].endswith(" * Ready to accept connections tcp")
    assert process.exec(["redis-cli", "ping"], 2 * SECOND).output == "PONG\n"


# --- the kubelet's contract ---------------------------------------------------------------------------------
def test_logs_keep_their_times():
    process = start("busybox", command=["sh", "-c", "echo a; sleep 1; echo b"])
    process.advance(5 * SECOND)
    assert process.logs() == [(0, "a"), (SECOND, "b")]


def test_a_probe_that_reaches_the_exit_leaves_it_for_advance():
    process = start("busybox", command=["sh", "-c", "sleep 5; exit 2"])
    assert process.exec(["true"], 6 * SECOND).error == "container not running"
    assert process.next_event_ms() == 5 * SECOND  # the exit is still to be collected
    assert ending(process.advance(6 * SECOND)).exit_code == 2
    assert process.next_event_ms() is None


def test_the_rng_passed_in_is_used_exactly_once():
    rng = random.Random(3)
    ContainerProcess(resolve_image("nginx").info, rng=rng)
    reference = random.Random(3)
    reference.getrandbits(64)
    assert rng.random() == reference.random()


SCENARIOS = [
    ("nginx", None, None),
    ("busybox", ["sh", "-c", "while true; do echo $RANDOM; sleep 1; done"], None),
    ("clusterlab/train:2.0", None, None),
    ("registry.k8s.io/e2e-test-images/agnhost:2.39", None, ["netexec", "--http-port=8080"]),
]


@pytest.mark.parametrize(("image", "command", "args"), SCENARIOS)
def test_same_inputs_and_seed_give_identical_runs_however_time_is_sliced(image, command, args):
    def run(step):
        process = start(image, command, args, seed=99)
        outputs, probes = [], []
        for now in range(0, 120 * SECOND + 1, step):
            outputs += process.advance(now)
            if now % (10 * SECOND) == 0:
                probes.append((process.tcp_probe(8080, now), process.memory_bytes(now)))
        return outputs, process.logs(), probes

    assert run(SECOND) == run(SECOND) == run(5 * SECOND)
    different = start(image, command, args, seed=100)
    different.advance(120 * SECOND)
    if command:  # $RANDOM differs with another seed
        assert different.logs() != run(SECOND)[1]


def test_without_streamed_logs_probe_requests_only_reach_the_log_file():
    """The kubelet reads `kubectl logs` from the log file; a server probed every 10 s for
    days must not also pile its access-log lines up waiting for advance()."""
    process = start("nginx:1.25")
    process.stream_logs = False
    process.advance(5 * SECOND)
    before = len(process.logs())
    for second in range(10, 10_010, 10):
        assert process.http_probe(80, "/", second * SECOND) == 200
    assert len(process.logs()) == before + 1000
    assert '"GET / HTTP/1.1" 200 615 "-" "kube-probe/1.34" "-"' in process.logs()[-1][1]
    assert process.advance(10_010 * SECOND) == []
    assert process.next_event_ms() is None
