"""wget, curl, nslookup and dig, talking through the container's `Network`.

Requests to localhost reach the container's own listeners; everything else goes to
`ctx.network` (see runtime.network: a stub until the kubelet wires cluster networking).
Output mimics BusyBox wget (or GNU wget on Debian images), curl 8 and nslookup.
"""

from collections.abc import Generator

from .filesystem import FsError
from .network import NetworkFailure, Url, parse_url
from .program import SYNC, Effect, HttpResponse, Sleep
from .shell import IO, Shell
from .timestamps import strftime

Gen = Generator[Effect, None, int]
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")
WGET_TIMEOUT_S = 900  # BusyBox wget's default -T
CURL_CONNECT_TIMEOUT_S = 300  # curl's default connect timeout
DNS_SERVER = "10.96.0.10"  # kube-dns' ClusterIP in a kubeadm cluster


def fetch(sh: Shell, url: Url) -> Generator[Effect, None, tuple[object, str]]:
    """GET url: (HttpResponse or NetworkFailure, the IP that was dialled)."""
    yield SYNC
    ctx = sh.ctx
    if url.host in LOCAL_HOSTS or url.host in (ctx.pod_ip, ctx.hostname):
        ip = "127.0.0.1" if url.host in LOCAL_HOSTS else ctx.pod_ip
        result = ctx.local_http(url.port, url.path) if ctx.local_http else None
        if result is None:
            return NetworkFailure("refused", url.host, url.port, ip), ip
    else:
        ip = ctx.network.resolve(url.host, ctx.now)
        if ip is None:
            return NetworkFailure("dns", url.host, url.port), ""
        result = ctx.network.http_get(url.host, url.port, url.path, ctx.now, ctx.pod_ip)
    if isinstance(result, HttpResponse):
        yield Sleep(max(result.duration_ms, 1))
    return result, ip


def _options(args: list[str], with_value: set[str]) -> tuple[dict[str, str], list[str]]:
    """Short options, combined (`-qO-`) or not, and long options; values after flags."""
    opts: dict[str, str] = {}
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg.startswith("--") and len(arg) > 2:
            name, eq, value = arg.partition("=")
            if not eq and name in with_value and i < len(args):
                value = args[i]
                i += 1
            opts[name] = value
        elif arg.startswith("-") and len(arg) > 1:
            j = 1
            while j < len(arg):
                flag = "-" + arg[j]
                if flag in with_value:
                    value = arg[j + 1 :]
                    if not value and i < len(args):
                        value = args[i]
                        i += 1
                    opts[flag] = value
                    break
                opts[flag] = ""
                j += 1
        else:
            rest.append(arg)
    return opts, rest


# --- wget -------------------------------------------------------------------------------
def wget(sh: Shell, argv: list[str], io: IO) -> Gen:
    opts, urls = _options(argv[1:], {"-O", "-o", "-T", "-U", "-P", "--header", "--timeout"})
    quiet = "-q" in opts or "--quiet" in opts
    if not urls:
        yield from io.stderr.write(
            "wget: missing URL\n"
            if sh.gnu
            else "BusyBox v1.36.1 multi-call binary.\n\n"
            "Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n"
            "\t[--post-data STR | --post-file FILE] [-Y on/off]\n"
            "\t[-P DIR] [-U AGENT] [-T SEC] URL...\n"
        )
        return 1
    url = parse_url(urls[0])
    if url is None:
        yield from io.stderr.write(f"wget: bad address '{urls[0]}'\n")
        return 1
    target = opts.get("-O")
    if target is None:
        target = url.path.split("?")[0].rsplit("/", 1)[-1] or "index.html"
    info = io.stderr
    if not quiet and not sh.gnu:
        ip = sh.ctx.network.resolve(url.host, sh.ctx.now) if url.host not in LOCAL_HOSTS else ""
        ip = "127.0.0.1" if url.host in LOCAL_HOSTS else ip
        if ip:
            yield from info.write(f"Connecting to {url.host} ({ip}:{url.port})\n")
    elif not quiet:
        stamp = strftime(sh.ctx.now, "%Y-%m-%d %H:%M:%S")
        yield from info.write(f"--{stamp}--  {urls[0]}\n")
    result, ip = yield from fetch(sh, url)
    if isinstance(result, NetworkFailure):
        yield from _wget_failure(sh, io, result, opts)
        return 4 if sh.gnu else 1
    if result.status >= 400:
        if sh.gnu:
            stamp = strftime(sh.ctx.now, "%Y-%m-%d %H:%M:%S")
            yield from io.stderr.write(f"{stamp} ERROR {result.status}: {result.reason}.\n")
            return 8
        yield from io.stderr.write(
            f"wget: server returned error: HTTP/1.1 {result.status} {result.reason}\n"
        )
        return 1
    size = len(result.body.encode())
    name = "-" if target == "-" else target.rsplit("/", 1)[-1]
    if target == "-":
        if not quiet and not sh.gnu:
            yield from info.write("writing to stdout\n")
        yield from io.stdout.write(result.body)
    else:
        if not quiet and not sh.gnu:
            yield from info.write(f"saving to '{target}'\n")
        yield SYNC
        try:
            sh.ctx.fs.write(sh.path(target), result.body)
        except FsError as error:
            yield from io.stderr.write(f"wget: can't open '{target}': {error.reason}\n")
            return 1
    if not quiet and not sh.gnu:
        yield from info.write(f"{name:<20} 100% |{'*' * 32}| {size:>5}  0:00:00 ETA\n")
        yield from info.write("written to stdout\n" if target == "-" else f"'{target}' saved\n")
    elif not quiet:
        where = "written to stdout" if target == "-" else f"'{target}' saved"
        stamp = strftime(sh.ctx.now, "%Y-%m-%d %H:%M:%S")
        yield from info.write(f"\n{stamp} (1.00 MB/s) - {where} [{size}/{size}]\n\n")
    return 0


def _wget_failure(sh: Shell, io: IO, failure: NetworkFailure, opts: dict) -> Gen:
    if failure.kind == "dns":
        if sh.gnu:
            yield from io.stderr.write(f"wget: unable to resolve host address '{failure.host}'\n")
        else:
            yield from io.stderr.write(f"wget: bad address '{failure.host}'\n")
    elif failure.kind == "timeout":
        timeout = _seconds(opts.get("-T") or opts.get("--timeout"), WGET_TIMEOUT_S)
        yield Sleep(timeout * 1000)
        yield from io.stderr.write("wget: download timed out\n")
    else:
        reason = "Connection refused" if failure.kind == "refused" else "No route to host"
        yield from io.stderr.write(
            f"wget: can't connect to remote host ({failure.ip or failure.host}): {reason}\n"
        )
    return 1


def _seconds(text: str | None, default: int) -> int:
    try:
        return max(1, int(float(text))) if text else default
    except ValueError:
        return default


# --- curl -------------------------------------------------------------------------------
def curl(sh: Shell, argv: list[str], io: IO) -> Gen:
    opts, urls = _options(
        argv[1:],
        {
            "-o",
            "-m",
            "-H",
            "-X",
            "-d",
            "-A",
            "-u",
            "-w",
            "--max-time",
            "--connect-timeout",
            "--header",
            "--request",
            "--data",
            "--output",
            "--user-agent",
            "--write-out",
        },
    )
    silent = "-s" in opts or "--silent" in opts
    show_errors = not silent or "-S" in opts or "--show-error" in opts
    fail = "-f" in opts or "--fail" in opts
    if not urls:
        yield from io.stderr.write(
            "curl: try 'curl --help' or 'curl --manual' for more information\n"
        )
        return 2
    url = parse_url(urls[0])
    if url is None:
        if show_errors:
            yield from io.stderr.write(
                "curl: (3) URL rejected: Malformed input to a URL function\n"
            )
        return 3
    result, ip = yield from fetch(sh, url)
    if isinstance(result, NetworkFailure):
        code, message = _curl_failure(result, opts)
        if result.kind == "timeout":
            yield Sleep(
                _seconds(opts.get("-m") or opts.get("--connect-timeout"), CURL_CONNECT_TIMEOUT_S)
                * 1000
            )
        if show_errors:
            yield from io.stderr.write(f"curl: ({code}) {message}\n")
        return code
    body = result.body
    if "-I" in opts or "--head" in opts:
        body = (
            f"HTTP/1.1 {result.status} {result.reason}\r\nContent-Type: {result.content_type}\r\n"
            f"Content-Length: {len(result.body.encode())}\r\n\r\n"
        )
    if fail and result.status >= 400:
        if show_errors:
            yield from io.stderr.write(
                f"curl: (22) The requested URL returned error: {result.status}\n"
            )
        return 22
    if not silent:
        size = len(body.encode())
        yield from io.stderr.write(
            "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
            "                                 Dload  Upload   Total   Spent    Left  Speed\n"
            f"100 {size:>5}  100 {size:>5}    0     0   {size:>4}      0 --:--:-- --:--:-- "
            f"--:--:-- {size:>5}\n"
        )
    target = opts.get("-o") or opts.get("--output")
    if target and target != "-":
        yield SYNC
        try:
            sh.ctx.fs.write(sh.path(target), body)
        except FsError as error:
            if show_errors:
                yield from io.stderr.write(
                    f"curl: (23) Failure writing output to destination, "
                    f"passed {len(body)} returned 0 ({error.reason})\n"
                )
            return 23
    else:
        yield from io.stdout.write(body)
    write_out = opts.get("-w") or opts.get("--write-out")
    if write_out:
        text = write_out.replace("%{http_code}", str(result.status)).replace("\\n", "\n")
        yield from io.stdout.write(text)
    return 0


def _curl_failure(failure: NetworkFailure, opts: dict) -> tuple[int, str]:
    if failure.kind == "dns":
        return 6, f"Could not resolve host: {failure.host}"
    if failure.kind == "timeout":
        seconds = _seconds(opts.get("-m") or opts.get("--connect-timeout"), CURL_CONNECT_TIMEOUT_S)
        return 28, (
            f"Failed to connect to {failure.host} port {failure.port} after {seconds * 1000} ms: "
            "Timeout was reached"
        )
    return 7, (
        f"Failed to connect to {failure.host} port {failure.port} after 0 ms: "
        "Could not connect to server"
    )


# --- DNS ----------------------------------------------------------------------------------
def nslookup(sh: Shell, argv: list[str], io: IO) -> Gen:
    names = [a for a in argv[1:] if not a.startswith("-")]
    if not names:
        yield from io.stderr.write("Usage: nslookup [-type=QUERY_TYPE] HOST [DNS_SERVER]\n")
        return 1
    yield SYNC
    name = names[0]
    ip = sh.ctx.network.resolve(name, sh.ctx.now)
    old_busybox = sh.ctx.info.userland == "busybox" and sh.ctx.info.version.startswith("1.2")
    if old_busybox:  # BusyBox <= 1.28: the format the DNS debugging page shows
        yield from io.stdout.write(
            f"Server:    {DNS_SERVER}\n"
            f"Address 1: {DNS_SERVER} kube-dns.kube-system.svc.cluster.local\n\n"
        )
        if ip is None:
            yield from io.stderr.write(f"nslookup: can't resolve '{name}'\n")
            return 1
        yield from io.stdout.write(f"Name:      {name}\nAddress 1: {ip}\n")
        return 0
    yield from io.stdout.write(f"Server:\t\t{DNS_SERVER}\nAddress:\t{DNS_SERVER}:53\n\n")
    if ip is None:
        yield from io.stdout.write(f"** server can't find {name}: NXDOMAIN\n\n")
        return 1
    yield from io.stdout.write(f"Name:\t{name}\nAddress: {ip}\n\n")
    return 0


def dig(sh: Shell, argv: list[str], io: IO) -> Gen:
    names = [a for a in argv[1:] if not a.startswith(("+", "-", "@"))]
    short = "+short" in argv
    yield SYNC
    name = names[0] if names else "."
    ip = sh.ctx.network.resolve(name, sh.ctx.now) if names else None
    if short:
        if ip:
            yield from io.stdout.write(ip + "\n")
        return 0
    status = "NOERROR" if ip else "NXDOMAIN"
    fqdn = name if name.endswith(".") else name + "."
    answer = f";; ANSWER SECTION:\n{fqdn}\t\t30\tIN\tA\t{ip}\n\n" if ip else ""
    yield from io.stdout.write(
        f";; ->>HEADER<<- opcode: QUERY, status: {status}\n\n"
        f";; QUESTION SECTION:\n;{fqdn}\t\t\tIN\tA\n\n{answer}"
        f";; SERVER: {DNS_SERVER}#53({DNS_SERVER}) (UDP)\n"
    )
    return 0
