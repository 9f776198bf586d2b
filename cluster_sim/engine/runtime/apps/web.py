"""Web servers and sample web apps: nginx, Apache httpd, php-apache (HPA example),
Google's hello-app, the Kubernetes bootcamp, echoserver, the probe-example servers."""

import re

from ...versions import KERNEL_VERSION
from ..program import Context, HttpRequest, HttpResponse, Memory, Program, Sleep
from .common import (
    NOT_FOUND_GO,
    apache_time,
    base,
    clf,
    exit_after,
    go_log,
    iso,
    query,
    serve,
)

NGINX_ROOT = "/usr/share/nginx/html"
NGINX_WELCOME = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""
IPV6_SCRIPT = "10-listen-on-ipv6-by-default.sh"
HTTPD_ROOT = "/usr/local/apache2/htdocs"
IT_WORKS = "<html><body><h1>It works!</h1></body></html>\n"
HPA_REQUEST_CPU_MS = 100  # index.php's million square roots, on one core


def _version(info_version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", info_version)[:3]) or (0,)


def _nginx_page(status: int, title: str, version: str) -> str:
    return (
        f"<html>\n<head><title>{status} {title}</title></head>\n<body>\n"
        f"<center><h1>{status} {title}</h1></center>\n<hr><center>nginx/{version}</center>\n"
        "</body>\n</html>\n"
    )


def _gcc(info_version: tuple[int, ...], alpine: bool) -> str:
    if alpine:
        return "gcc 14.2.0 (Alpine 14.2.0) "
    if info_version >= (1, 29):
        return "gcc 14.2.0 (Debian 14.2.0-19) "
    if info_version >= (1, 25):
        return "gcc 12.2.0 (Debian 12.2.0-14) "
    return "gcc 10.2.1 20210110 (Debian 10.2.1-6) "


# --- nginx -------------------------------------------------------------------------------
def nginx(ctx: Context, argv: list[str]) -> Program:
    version = ctx.info.version or "1.29.3"
    parsed = _version(version)
    modern = parsed >= (1, 19) and "slim" not in ctx.info.repository
    if base(argv[0]) == "docker-entrypoint.sh":
        rest = argv[1:]
        if not rest or base(rest[0]) not in ("nginx", "nginx-debug"):
            return (yield from ctx.spawn(ctx, rest)) if rest else 0
        if modern and not ctx.env.get("NGINX_ENTRYPOINT_QUIET_LOGS"):
            yield from _nginx_entrypoint(ctx, parsed)
        argv = rest
    if "-v" in argv or "-V" in argv:
        yield from ctx.say(f"nginx version: nginx/{version}", "stderr")
        return 0
    if "-t" in argv:
        conf = "/etc/nginx/nginx.conf"
        yield from ctx.say(f"nginx: the configuration file {conf} syntax is ok", "stderr")
        yield from ctx.say(f"nginx: configuration file {conf} test is successful", "stderr")
        return 0
    yield Memory(ctx.info.idle_memory_bytes)
    yield Sleep(max(ctx.ready_after_ms - ctx.uptime_ms, 1))
    workers = [29 + k if modern else 7 + k for k in range(max(ctx.node_cpus, 1))]
    if modern:
        alpine = ctx.info.userland == "busybox"
        for line in (
            'using the "epoll" event method',
            f"nginx/{version}",
            f"built by {_gcc(parsed, alpine)}",
            f"OS: Linux {KERNEL_VERSION}",
            "getrlimit(RLIMIT_NOFILE): 1048576:1048576",
            "start worker processes",
            *(f"start worker process {pid}" for pid in workers),
        ):
            yield from ctx.say(f"{go_log(ctx.now)} [notice] 1#1: {line}", "stderr")
    if not any("daemon off" in arg for arg in argv):
        return 0  # nginx daemonised: PID 1 exits and the container completes
    ctx.on_signal = lambda signal: _nginx_stop(ctx, signal, workers, modern)
    return (yield from serve(ctx, {80: _nginx_handler(ctx, version, workers[0])}))


def _nginx_entrypoint(ctx: Context, version: tuple[int, ...]) -> Program:
    script = "/docker-entrypoint.sh"
    lines = [
        f"{script}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        f"{script}: Looking for shell scripts in /docker-entrypoint.d/",
        f"{script}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
        f"{IPV6_SCRIPT}: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
        f"{IPV6_SCRIPT}: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
    ]
    if version >= (1, 25):
        lines.append(f"{script}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh")
    lines.append(f"{script}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh")
    if version >= (1, 21):
        lines.append(f"{script}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh")
    lines.append(f"{script}: Configuration complete; ready for start up")
    for line in lines:
        yield Sleep(ctx.rng.randint(2, 12))
        yield from ctx.say(line)


def _nginx_handler(ctx: Context, version: str, worker: int):
    connections = [0]

    def handle(request: HttpRequest) -> HttpResponse:
        connections[0] += 1
        path, _ = query(request.path)
        target = NGINX_ROOT + (path + "index.html" if path.endswith("/") else path)
        fs = ctx.fs
        if fs.is_file(target):
            response = HttpResponse(200, fs.read(target), content_type="text/html")
        elif path.endswith("/") and fs.is_dir(NGINX_ROOT + path):
            response = HttpResponse(403, _nginx_page(403, "Forbidden", version), 1)
            ctx.log_now(
                f"{go_log(request.at_ms)} [error] {worker}#{worker}: *{connections[0]} directory index of "
                f'"{NGINX_ROOT}{path}" is forbidden, client: {request.client}, server: '
                f'localhost, request: "GET {request.path} HTTP/1.1", host: "{request.host}"'
            )
        else:
            response = HttpResponse(404, _nginx_page(404, "Not Found", version), 1)
            ctx.log_now(
                f'{go_log(request.at_ms)} [error] {worker}#{worker}: *{connections[0]} open() "{target}" failed '
                f"(2: No such file or directory), client: {request.client}, server: localhost, "
                f'request: "GET {request.path} HTTP/1.1", host: "{request.host}"'
            )
        size = len(response.body.encode())
        ctx.log_now(
            f'{request.client} - - [{clf(request.at_ms)}] "GET {request.path} HTTP/1.1" '
            f'{response.status} {size} "-" "{request.user_agent}" "-"'
        )
        return response

    return handle


def _nginx_stop(ctx: Context, signal: str, workers: list[int], modern: bool) -> Program:
    def lines(ms: int) -> list[str]:
        if not modern:
            return []
        when = go_log(ms)
        graceful = signal == "SIGQUIT"
        number = 3 if graceful else 15
        out = [
            f"{when} [notice] 1#1: signal {number} ({signal}) received, "
            + ("shutting down" if graceful else "exiting")
        ]
        for pid in workers:
            if graceful:
                out.append(f"{when} [notice] {pid}#{pid}: gracefully shutting down")
            out += [f"{when} [notice] {pid}#{pid}: exiting", f"{when} [notice] {pid}#{pid}: exit"]
        for pid in workers:
            out.append(f"{when} [notice] 1#1: signal 17 (SIGCHLD) received from {pid}")
            out.append(f"{when} [notice] 1#1: worker process {pid} exited with code 0")
        out.append(f"{when} [notice] 1#1: exit")
        return out

    def program() -> Program:
        yield Sleep(15)
        for line in lines(ctx.now):
            yield from ctx.say(line, "stderr")
        return 0

    return program()


# --- Apache httpd and the PHP images ------------------------------------------------------
def _apache_start(ctx: Context, binary: str, mpm: str, banner: str, command: str) -> Program:
    yield Memory(ctx.info.idle_memory_bytes)
    yield Sleep(max(ctx.ready_after_ms - ctx.uptime_ms, 1))
    warning = (
        f"AH00558: {binary}: Could not reliably determine the server's fully qualified domain "
        f"name, using {ctx.pod_ip}. Set the 'ServerName' directive globally to suppress this "
        "message"
    )
    yield from ctx.say(warning, "stderr")
    yield from ctx.say(warning, "stderr")
    pid = "pid 1" if mpm == "prefork" else f"pid 1:tid {ctx.rng.randrange(1 << 46, 1 << 47)}"
    code = "AH00163" if mpm == "prefork" else "AH00489"
    yield from ctx.say(
        f"[{apache_time(ctx.now)}] [mpm_{mpm}:notice] [{pid}] {code}: {banner} configured "
        "-- resuming normal operations",
        "stderr",
    )
    yield from ctx.say(
        f"[{apache_time(ctx.now)}] [core:notice] [{pid}] AH00094: Command line: '{command}'",
        "stderr",
    )
    stop_code = "AH00170" if mpm == "prefork" else "AH00492"

    def stop(signal: str) -> Program:
        return exit_after(
            20,
            0,
            ctx,
            lambda ms: [
                f"[{apache_time(ms)}] [mpm_{mpm}:notice] [{pid}] {stop_code}: caught "
                "SIGWINCH, shutting down gracefully"
            ],
        )

    ctx.on_signal = stop


def _access_line(ctx: Context, request: HttpRequest, status: int, size: int, combined: bool):
    line = (
        f'{request.client} - - [{clf(request.at_ms)}] "GET {request.path} HTTP/1.1" {status} {size}'
    )
    if combined:
        line += f' "-" "{request.user_agent}"'
    ctx.log_now(line)


def httpd(ctx: Context, argv: list[str]) -> Program:
    if "-v" in argv:
        yield from ctx.say(f"Server version: Apache/{ctx.info.version} (Unix)")
        return 0
    yield from _apache_start(
        ctx, "httpd", "event", f"Apache/{ctx.info.version} (Unix)", "httpd -D FOREGROUND"
    )

    def handle(request: HttpRequest) -> HttpResponse:
        path, _ = query(request.path)
        target = HTTPD_ROOT + (path + "index.html" if path.endswith("/") else path)
        if ctx.fs.is_file(target):
            response = HttpResponse(200, ctx.fs.read(target), content_type="text/html")
        else:
            body = (
                '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
                "<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n"
                "<p>The requested URL was not found on this server.</p>\n</body></html>\n"
            )
            response = HttpResponse(404, body, content_type="text/html")
        _access_line(ctx, request, response.status, len(response.body), combined=False)
        return response

    return (yield from serve(ctx, {80: handle}))


def hpa_example(ctx: Context, argv: list[str]) -> Program:
    """php-apache from the HPA walkthrough: every request to / burns CPU and says OK!."""
    yield from _apache_start(
        ctx,
        "apache2",
        "prefork",
        f"Apache/{ctx.info.version} (Debian) PHP/5.6.40",
        "apache2 -D FOREGROUND",
    )

    def handle(request: HttpRequest) -> HttpResponse:
        path, _ = query(request.path)
        if path in ("/", "/index.php"):
            response = HttpResponse(
                200, "OK!", ctx.cpu_bound(HPA_REQUEST_CPU_MS), HPA_REQUEST_CPU_MS, "text/html"
            )
            _access_line(ctx, request, 200, 184, combined=True)
            return response
        _access_line(ctx, request, 404, 498, combined=True)
        return HttpResponse(404, "<html><body><h1>Not Found</h1></body></html>\n", 1)

    return (yield from serve(ctx, {80: handle}))


def gb_frontend(ctx: Context, argv: list[str]) -> Program:
    yield from _apache_start(
        ctx,
        "apache2",
        "prefork",
        f"Apache/{ctx.info.version} (Debian) PHP/7.3.27",
        "apache2 -D FOREGROUND",
    )
    page = (
        '<html ng-app="redis">\n  <head>\n    <title>Guestbook</title>\n  </head>\n'
        "  <body>\n    <h2>Guestbook</h2>\n  </body>\n</html>\n"
    )

    def handle(request: HttpRequest) -> HttpResponse:
        path, params = query(request.path)
        if path == "/guestbook.php":
            body = '{"data": ""}' if params.get("cmd") == "get" else '{"message": "Updated"}'
            response = HttpResponse(200, body, 5, 3, "application/json")
        elif path in ("/", "/index.html"):
            response = HttpResponse(200, page, 2, 1, "text/html")
        else:
            response = HttpResponse(404, "Not Found\n")
        _access_line(ctx, request, response.status, len(response.body), combined=True)
        return response

    return (yield from serve(ctx, {80: handle}))


def wordpress(ctx: Context, argv: list[str]) -> Program:
    yield from ctx.say("WordPress not found in /var/www/html - copying now...", "stderr")
    yield Sleep(1200)
    yield from ctx.say(
        "Complete! WordPress has been successfully copied to /var/www/html", "stderr"
    )
    yield from _apache_start(
        ctx,
        "apache2",
        "prefork",
        f"Apache/{ctx.info.version} (Debian) PHP/8.2.28",
        "apache2 -D FOREGROUND",
    )

    def handle(request: HttpRequest) -> HttpResponse:
        path, _ = query(request.path)
        if path.startswith("/wp-admin/install.php"):
            response = HttpResponse(200, "<title>WordPress &rsaquo; Installation</title>\n", 40, 30)
        else:
            response = HttpResponse(302, "", 30, 20)
        _access_line(ctx, request, response.status, len(response.body), combined=True)
        return response

    return (yield from serve(ctx, {80: handle}))


# --- small sample servers -----------------------------------------------------------------
def hello_app(ctx: Context, argv: list[str]) -> Program:
    port = int(ctx.env.get("PORT", "8080")) if ctx.env.get("PORT", "8080").isdigit() else 8080
    yield Memory(ctx.info.idle_memory_bytes)
    yield Sleep(max(ctx.ready_after_ms, 1))
    yield from ctx.say(f"{go_log(ctx.now)} Server listening on port {port}")
    version = ctx.info.version or "1.0.0"

    def handle(request: HttpRequest) -> HttpResponse:
        ctx.log_now(f"{go_log(request.at_ms)} Serving request: {query(request.path)[0]}")
        body = f"Hello, world!\nVersion: {version}\nHostname: {ctx.hostname}\n"
        return HttpResponse(200, body, 1, 1)

    ctx.on_signal = _go_default_signal(ctx)
    return (yield from serve(ctx, {port: handle}))


def _go_default_signal(ctx: Context):
    """A Go program with no signal handler, as PID 1: SIGTERM ends it with status 2."""
    return lambda signal: exit_after(1, 2, ctx)


def bootcamp(ctx: Context, argv: list[str]) -> Program:
    yield Memory(ctx.info.idle_memory_bytes)
    yield Sleep(max(ctx.ready_after_ms, 1))
    yield from ctx.say(
        f"Kubernetes Bootcamp App Started At: {iso(ctx.now)} | Running On:  {ctx.hostname} \n"
    )
    total = [0]
    version = ctx.info.version or "1"

    def handle(request: HttpRequest) -> HttpResponse:
        total[0] += 1
        uptime = (request.at_ms - ctx.started_ms) / 1000
        ctx.log_now(
            f"Running On: {ctx.hostname} | Total Requests: {total[0]} | App Uptime: {uptime} "
            f"seconds | Log Time: {iso(request.at_ms)}"
        )
        body = f"Hello Kubernetes bootcamp! | Running on: {ctx.hostname} | v={version}\n"
        return HttpResponse(200, body, 2, 1)

    return (yield from serve(ctx, {8080: handle}))


def node_hello(ctx: Context, argv: list[str]) -> Program:
    yield Memory(ctx.info.idle_memory_bytes)
    yield Sleep(max(ctx.ready_after_ms, 1))
    return (
        yield from serve(ctx, {8080: lambda request: HttpResponse(200, "Hello Kubernetes!", 1, 1)})
    )


def echoserver(ctx: Context, argv: list[str]) -> Program:
    yield Memory(ctx.info.idle_memory_bytes)
    if ctx.info.version.startswith("1.10"):
        yield from ctx.say("Generating self-signed cert")
        yield Sleep(600)
        for line in (
            "Generating a 2048 bit RSA private key",
            ".......+++",
            "..+++",
            "writing new private key to '/certs/privateKey.key'",
            "-----",
        ):
            yield from ctx.say(line, "stderr")
        yield from ctx.say("Starting nginx")
    yield Sleep(max(ctx.ready_after_ms - ctx.uptime_ms, 1))

    def handle(request: HttpRequest) -> HttpResponse:
        path, params = query(request.path)
        body = (
            f"\n\nHostname: {ctx.hostname}\n\n"
            "Pod Information:\n\t-no pod information available-\n\n"
            f"Server values:\n\tserver_version=nginx: 1.13.3 - lua: 10008\n\n"
            f"Request Information:\n\tclient_address={request.client}\n\tmethod=GET\n"
            f"\treal path={path}\n\tquery={'&'.join(f'{k}={v}' for k, v in params.items())}\n"
            f"\trequest_version=1.1\n\trequest_scheme=http\n"
            f"\trequest_uri=http://{request.host}{request.path}\n\n"
            f"Request Headers:\n\thost={request.host}\n\tuser-agent={request.user_agent}\n\n"
            "Request Body:\n\t-no body in request-\n\n"
        )
        ctx.log_now(
            f'{request.client} - - [{clf(request.at_ms)}] "GET {request.path} HTTP/1.1" 200 '
            f'{len(body)} "-" "{request.user_agent}"'
        )
        return HttpResponse(200, body, 1, 1)

    return (yield from serve(ctx, {8080: handle}))


def goproxy(ctx: Context, argv: list[str]) -> Program:
    yield Memory(ctx.info.idle_memory_bytes)
    yield Sleep(max(ctx.ready_after_ms, 1))
    body = "This is a proxy server. Does not respond to non-proxy requests.\n"
    ctx.on_signal = _go_default_signal(ctx)
    return (yield from serve(ctx, {8080: lambda request: HttpResponse(500, body, 1)}))


def liveness_server(ctx: Context, port: int = 8080) -> Program:
    """registry.k8s.io/liveness and `agnhost liveness`: /healthz is 200 for the first
    10 seconds, then 500 (Configure Liveness, Readiness and Startup Probes)."""
    yield Memory(ctx.info.idle_memory_bytes)
    started = ctx.now

    def handle(request: HttpRequest) -> HttpResponse:
        path, _ = query(request.path)
        if path == "/healthz":
            seconds = (request.at_ms - started) / 1000
            if seconds > 10:
                return HttpResponse(500, f"error: {seconds:g}", 1)
            return HttpResponse(200, "ok", 1)
        if path == "/started":
            return HttpResponse(200, f"{(request.at_ms - started) / 1000:g}", 1)
        if path == "/redirect":
            return HttpResponse(302, "", 1)
        return NOT_FOUND_GO

    ctx.on_signal = _go_default_signal(ctx)
    return (yield from serve(ctx, {port: handle}))


def liveness(ctx: Context, argv: list[str]) -> Program:
    return (yield from liveness_server(ctx))


APPS = {
    "nginx": nginx,
    "httpd": httpd,
    "hpa-example": hpa_example,
    "gb-frontend": gb_frontend,
    "wordpress": wordpress,
    "hello-app": hello_app,
    "bootcamp": bootcamp,
    "node-hello": node_hello,
    "echoserver": echoserver,
    "goproxy": goproxy,
    "liveness": liveness,
}

FILES = {
    "nginx": {
        f"{NGINX_ROOT}/index.html": NGINX_WELCOME,
        f"{NGINX_ROOT}/50x.html": "<h1>50x</h1>\n",
    },
    "httpd": {f"{HTTPD_ROOT}/index.html": IT_WORKS},
}
