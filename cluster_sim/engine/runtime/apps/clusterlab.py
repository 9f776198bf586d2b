"""ClusterLab's movie-recommendation pipeline: ingest -> features -> train -> serve <- ui.

The stages hand data over through files, so they connect when they share a volume:
ingest writes /data/raw/ratings.parquet, features writes /data/features/*, train
writes /models/recsys-v<major>.pkl, serve loads its model from /models. Versions:

    1.0  MovieLens ml-latest-small (100,836 ratings), ALS model, recsys-v1.pkl
    1.1  MovieLens ml-25m, ALS model, recsys-v1.pkl
    2.0  MovieLens ml-32m, neural model, recsys-v2.pkl

serve:1.x ships a bundled recsys-v1.pkl; serve:2.0 expects /models/recsys-v2.pkl, which
its image does not contain: the deliberately broken release of the rollback lessons
(FATAL on start, exit 1) unless a volume provides the trained v2 model.
"""

import hashlib
import json

from ..network import NetworkFailure, parse_url
from ..program import SYNC, Context, Cpu, HttpRequest, HttpResponse, Memory, Program, Sleep
from .common import env_int, exit_after, py_log, query, serve

MiB = 1024 * 1024
DATASETS = {
    "1": ("ml-latest-small", 100_836, 610, 9_742, 1, 2_000),
    "1.1": ("ml-25m", 25_000_095, 162_541, 62_423, 262, 14_000),
    "2": ("ml-32m", 32_000_204, 200_948, 87_585, 239, 18_000),
}  # name, ratings, users, movies, download MB, download ms
MOVIES = (
    "Toy Story (1995)", "Forrest Gump (1994)", "Shawshank Redemption, The (1994)",
    "Pulp Fiction (1994)", "Silence of the Lambs, The (1991)", "Matrix, The (1999)",
    "Star Wars: Episode IV - A New Hope (1977)", "Jurassic Park (1993)",
    "Schindler's List (1993)", "Braveheart (1995)", "Fight Club (1999)",
    "Terminator 2: Judgment Day (1991)",
    "Lord of the Rings: The Fellowship of the Ring, The (2001)",
    "Fargo (1996)", "Inception (2010)", "Spirited Away (2001)", "Amelie (2001)",
    "Back to the Future (1985)", "Godfather, The (1972)", "Usual Suspects, The (1995)",
)  # fmt: skip


def _major(ctx: Context) -> str:
    return (ctx.info.version or "1.0").split(".")[0]


def _dataset(ctx: Context) -> tuple:
    version = ctx.info.version or "1.0"
    if version.startswith("1.1"):
        return DATASETS["1.1"]
    return DATASETS["2"] if _major(ctx) == "2" else DATASETS["1"]


def _log(ctx: Context, stage: str, message: str, level: str = "INFO") -> Program:
    yield from ctx.say(f"{py_log(ctx.now)} {level} {stage}: {message}", "stderr")


def _ratings_in(ctx: Context, path: str) -> int | None:
    if not ctx.fs.is_file(path):
        return None
    for line in ctx.fs.read(path).splitlines():
        if line.startswith("ratings="):
            return int(line.split("=", 1)[1])
    return None


# --- ingest ----------------------------------------------------------------------------------
def ingest(ctx: Context, argv: list[str]) -> Program:
    name, ratings, users, movies, size_mb, download_ms = _dataset(ctx)
    follow = "--follow" in argv or ctx.env.get("INGEST_MODE") == "follow"
    yield Memory(ctx.info.idle_memory_bytes)
    yield from _log(
        ctx, "ingest", f"ingest {ctx.info.version} starting: source=movielens/{name} dest=/data/raw"
    )
    yield Sleep(max(ctx.ready_after_ms, 1))
    yield from _log(ctx, "ingest", f"downloading {name}.zip ({size_mb} MB)")
    yield Sleep(download_ms)
    yield Cpu(ctx.cpu_used(1))
    yield Memory(ctx.info.idle_memory_bytes + min(ratings // 10, 2_000 * MiB))
    yield Sleep(ctx.cpu_bound(max(500, ratings // 5_000)))
    yield Cpu(0)
    yield from _log(
        ctx, "ingest", f"parsed {ratings:,} ratings from {users:,} users on {movies:,} movies"
    )
    yield SYNC
    ctx.fs.mkdir("/data/raw", parents=True)
    ctx.fs.write("/data/raw/ratings.parquet", f"dataset={name}\nratings={ratings}\n")
    yield from _log(ctx, "ingest", f"wrote /data/raw/ratings.parquet ({max(1, size_mb // 2)} MB)")
    yield Memory(ctx.info.idle_memory_bytes)
    if not follow:
        yield from _log(ctx, "ingest", f"done in {ctx.uptime_ms / 1000:.1f}s")
        return 0
    interval = max(env_int(ctx, "INGEST_INTERVAL_SECONDS", 60), 1)
    total = ratings
    while True:
        yield Sleep(interval * 1000)
        new = ctx.rng.randint(0, 40)
        total += new
        yield SYNC
        if ctx.fs.is_dir("/data/raw"):
            ctx.fs.write("/data/raw/ratings.parquet", f"dataset={name}\nratings={total}\n")
        yield from _log(ctx, "ingest", f"poll: {new} new ratings (total {total:,})")


# --- features --------------------------------------------------------------------------------
def features(ctx: Context, argv: list[str]) -> Program:
    name, ratings, users, movies, _, _ = _dataset(ctx)
    yield Memory(ctx.info.idle_memory_bytes)
    yield Sleep(max(ctx.ready_after_ms, 1))
    source = "/data/raw/ratings.parquet"
    yield SYNC
    found = _ratings_in(ctx, source)
    if found is None:
        yield from _log(
            ctx,
            "features",
            f"input {source} not found; using the sample bundled in the image (100,836 ratings)",
            "WARNING",
        )
        ratings, users, movies = 100_836, 610, 9_742
    else:
        ratings = found
        yield from _log(ctx, "features", f"reading {source} ({ratings:,} ratings)")
    peak = (900 if _major(ctx) == "2" else 600) * MiB
    yield Cpu(ctx.cpu_used(1))
    for step in range(1, 5):
        yield Sleep(ctx.cpu_bound(max(800, ratings // 10_000)))
        yield Memory(ctx.info.idle_memory_bytes + peak * step // 4)
    yield from _log(ctx, "features", f"user features: {users:,} users x 24 columns")
    yield Sleep(ctx.cpu_bound(max(1500, ratings // 8_000)))
    yield from _log(ctx, "features", f"movie features: {movies:,} movies x 20 genres + tags")
    yield SYNC
    ctx.fs.mkdir("/data/features", parents=True)
    ctx.fs.write("/data/features/users.parquet", f"users={users}\nratings={ratings}\n")
    ctx.fs.write("/data/features/movies.parquet", f"movies={movies}\n")
    yield Cpu(0)
    yield Memory(ctx.info.idle_memory_bytes)
    yield from _log(
        ctx, "features", "wrote /data/features/users.parquet, /data/features/movies.parquet"
    )
    yield from _log(ctx, "features", f"done in {ctx.uptime_ms / 1000:.1f}s")
    return 0


# --- train -
# Data-parallel training: with WORKERS=N, the worker JOB_COMPLETION_INDEX=i (an Indexed Job
# sets it) trains 1/N of every epoch, then synchronises gradients with its N-1 peers
# (a ring all-reduce: its cost grows with N). So N workers finish faster than one, but
# not N times faster.
GRADIENT_SYNC_MS_PER_PEER = 300


def train(ctx: Context, argv: list[str]) -> Program:
    major = _major(ctx)
    epochs = max(env_int(ctx, "EPOCHS", 10), 1)
    workers = max(env_int(ctx, "WORKERS", 1), 1)
    worker = min(max(env_int(ctx, "JOB_COMPLETION_INDEX", 0), 0), workers - 1)
    model = "NeuMF(embedding=64, layers=[128, 64, 32])" if major == "2" else "ALS(factors=64)"
    peak = {"1.0": 1200, "1.1": 1536}.get(ctx.info.version, 2560) * MiB
    yield Memory(ctx.info.idle_memory_bytes)
    yield from _log(
        ctx,
        "train",
        f"train {ctx.info.version}: model={model} epochs={epochs} "
        f"lr={ctx.env.get('LEARNING_RATE', '0.01')}",
    )
    yield Sleep(max(ctx.ready_after_ms, 1))
    yield SYNC
    if ctx.fs.is_file("/data/features/users.parquet"):
        yield from _log(ctx, "train", "loading features from /data/features")
    else:
        yield from _log(
            ctx,
            "train",
            "/data/features not found; training on the sample features bundled in the image",
            "WARNING",
        )
    if workers > 1:
        peak = peak * (workers + 1) // (2 * workers)  # its shard of the data, plus the model
        yield from _log(
            ctx,
            "train",
            f"worker {worker} of {workers}: training shard {worker} (1/{workers} of each "
            f"epoch), gradient sync with {workers - 1} peers",
        )
    yield Cpu(ctx.cpu_used(2))
    for step in range(1, 9):  # loading the matrices: memory climbs to its peak
        yield Sleep(250)
        yield Memory(ctx.info.idle_memory_bytes + peak * step // 8)
    loss, rmse = 0.95 + ctx.rng.random() * 0.05, 1.02 + ctx.rng.random() * 0.03
    floor = 0.80 if major == "2" else 0.85
    epoch_ms = 6_000 if major != "2" else 9_000
    for epoch in range(1, epochs + 1):
        duration = ctx.cpu_bound(-(-epoch_ms // workers), cores=2)
        yield Sleep(duration)
        sync = GRADIENT_SYNC_MS_PER_PEER * (workers - 1)
        if sync:
            yield Sleep(sync)
        loss = floor - 0.1 + (loss - floor + 0.1) * 0.82 + ctx.rng.uniform(-0.004, 0.004)
        rmse = floor + (rmse - floor) * 0.8 + ctx.rng.uniform(-0.003, 0.003)
        took = f"{duration / 1000:.1f}s" + (f" + {sync / 1000:.1f}s sync" if sync else "")
        yield from _log(
            ctx, "train", f"epoch {epoch}/{epochs} loss={loss:.4f} val_rmse={rmse:.4f} ({took})"
        )
    path = f"/models/recsys-v{major}.pkl"
    if workers > 1:
        path = f"/models/recsys-v{major}.shard-{worker}-of-{workers}.pkl"
    yield SYNC
    ctx.fs.mkdir("/models", parents=True)
    shard = f"shard={worker}/{workers}\n" if workers > 1 else ""
    ctx.fs.write(path, f"model={model}\n{shard}val_rmse={rmse:.4f}\n")
    yield Cpu(0)
    if workers > 1:
        yield from _log(ctx, "train", f"saved shard {path} ({48.2 / workers:.1f} MB)")
    else:
        yield from _log(ctx, "train", f"saved model {path} (48.2 MB)")
    yield from _log(ctx, "train", f"training complete: val_rmse={rmse:.4f}")
    return 0


# --- serve -
def recommendations(user: str, count: int = 5) -> list[str]:
    digest = hashlib.sha256(user.encode()).digest()
    picks: list[str] = []
    for byte in digest:
        title = MOVIES[byte % len(MOVIES)]
        if title not in picks:
            picks.append(title)
        if len(picks) == count:
            break
    return picks


def serve_api(ctx: Context, argv: list[str]) -> Program:
    major = _major(ctx)
    path = ctx.env.get("MODEL_PATH", f"/models/recsys-v{major}.pkl")
    yield Memory(ctx.info.idle_memory_bytes // 4)
    yield from _log(ctx, "serve", f"serve {ctx.info.version} starting (model={path})")
    # The model path is checked first thing, a few hundred ms in: a missing model
    # crashes the container before the kubelet's next relist ever sees it running.
    yield Sleep(max(ctx.ready_after_ms // 10, 1))
    yield SYNC
    if not ctx.fs.is_file(path):
        yield from ctx.say(f"FATAL: model file {path} not found", "stderr")
        return 1
    yield from _log(ctx, "serve", f"loading model {path}")
    yield Memory(ctx.info.idle_memory_bytes)
    yield Sleep(max(ctx.ready_after_ms * 9 // 10, 1))
    _, _, users, movies, _, _ = DATASETS["2" if major == "2" else "1"]
    yield from _log(
        ctx,
        "serve",
        f"model loaded: {movies:,} movies, {users:,} users ({ctx.ready_after_ms / 1000:.1f}s)",
    )
    yield from _log(ctx, "serve", "listening on 0.0.0.0:8080")
    served = [0]

    def handle(request: HttpRequest) -> HttpResponse:
        route, params = query(request.path)
        probe = request.user_agent.startswith("kube-probe")
        if route in ("/healthz", "/readyz"):
            return HttpResponse(200, "ok\n", 1)
        if route == "/recommend":
            user = params.get("user", "")
            if not user.isdigit():
                response = HttpResponse(400, '{"error": "user must be a number"}\n', 2)
            else:
                served[0] += 1
                body = json.dumps(
                    {
                        "user": int(user),
                        "model": f"recsys-v{major}",
                        "movies": recommendations(user),
                    }
                )
                response = HttpResponse(200, body + "\n", ctx.cpu_bound(15), 15, "application/json")
        elif route == "/metrics":
            response = HttpResponse(200, f"recsys_requests_total {served[0]}\n", 1)
        elif route == "/":
            body = json.dumps(
                {
                    "service": "recsys",
                    "version": ctx.info.version,
                    "model": path,
                    "hostname": ctx.hostname,
                }
            )
            response = HttpResponse(200, body + "\n", 1, 1, "application/json")
        else:
            response = HttpResponse(404, '{"error": "not found"}\n', 1)
        if not probe:
            ctx.log_now(
                f"{py_log(request.at_ms)} INFO serve: GET {request.path} "
                f"{response.status} ({response.duration_ms} ms)"
            )
        return response

    ctx.on_signal = lambda signal: exit_after(
        200, 0, ctx, lambda ms: [f"{py_log(ms)} INFO serve: {signal} received, draining"]
    )
    return (yield from serve(ctx, {8080: handle}))


# --- ui -
def ui(ctx: Context, argv: list[str]) -> Program:
    recommender = ctx.env.get("RECOMMENDER_URL", "http://serve:8080")
    title = "Movie night 2.0" if _major(ctx) == "2" else "Movie night"
    yield Memory(ctx.info.idle_memory_bytes)
    yield Sleep(max(ctx.ready_after_ms, 1))
    yield from ctx.say(f"ui {ctx.info.version} listening on :8080 (recommender: {recommender})")

    def handle(request: HttpRequest) -> HttpResponse:
        route, params = query(request.path)
        if route == "/healthz":
            return HttpResponse(200, "ok\n", 1)
        if route == "/api/recommend":
            url = parse_url(recommender)
            if url is None:
                return HttpResponse(500, "bad RECOMMENDER_URL\n", 1)
            user = params.get("user", "1")
            result = ctx.network.http_get(
                url.host, url.port, f"/recommend?user={user}", request.at_ms, ctx.pod_ip
            )
            if isinstance(result, NetworkFailure) or result.status >= 500:
                ctx.log_now(f"recommender unavailable at {recommender}")
                return HttpResponse(502, '{"error": "recommender unavailable"}\n', 5)
            return HttpResponse(
                result.status, result.body, result.duration_ms + 2, 2, "application/json"
            )
        if route == "/":
            page = (
                f"<!doctype html>\n<html><head><title>{title}</title></head>\n<body>"
                f"<h1>{title}</h1><p>Served by {ctx.hostname}</p></body></html>\n"
            )
            return HttpResponse(200, page, 2, 1, "text/html")
        return HttpResponse(404, "Not Found\n", 1)

    return (yield from serve(ctx, {8080: handle}))


APPS = {
    "clusterlab-ingest": ingest,
    "clusterlab-features": features,
    "clusterlab-train": train,
    "clusterlab-serve": serve_api,
    "clusterlab-ui": ui,
}

FILES = {
    "clusterlab-serve": {"/models/recsys-v1.pkl": "model=ALS(factors=64)\nval_rmse=0.8712\n"},
}
