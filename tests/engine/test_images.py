"""Image references and the simulated registries (cluster_sim.engine.runtime.images)."""

import random

import pytest

from cluster_sim.engine.runtime import (
    IMAGES,
    ContainerProcess,
    ContainerStartError,
    ImagePullError,
    image_digest,
    resolve_image,
)
from cluster_sim.engine.runtime.reference import parse_reference

MB = 1_000_000


@pytest.mark.parametrize(
    ("image", "name"),
    [
        ("nginx", "docker.io/library/nginx:latest"),
        ("nginx:1.14.2", "docker.io/library/nginx:1.14.2"),
        ("library/nginx:1.25", "docker.io/library/nginx:1.25"),
        ("docker.io/nginx", "docker.io/library/nginx:latest"),
        ("index.docker.io/library/busybox:1.28", "docker.io/library/busybox:1.28"),
        ("bitnami/redis", "docker.io/bitnami/redis:latest"),
        ("registry.k8s.io/pause:3.9", "registry.k8s.io/pause:3.9"),
        ("localhost:5000/app:v1", "localhost:5000/app:v1"),
    ],
)
def test_references_normalise_like_containerd(image, name):
    assert parse_reference(image).name == name


def test_resolve_fills_in_the_canonical_name_and_the_image():
    ref = resolve_image("nginx:1.14.2")
    assert ref.name == "docker.io/library/nginx:1.14.2"
    assert ref.repository == "docker.io/library/nginx"
    assert ref.tag == "1.14.2"
    assert ref.info.app == "nginx"
    assert ref.info.version == "1.14.2"
    assert ref.image_id == f"docker.io/library/nginx@{ref.digest}"


def test_digests_are_stable_per_image_and_tag():
    first, again = resolve_image("nginx:1.14.2"), resolve_image("docker.io/library/nginx:1.14.2")
    assert first.digest == again.digest
    assert first.digest.startswith("sha256:") and len(first.digest) == 7 + 64
    assert first.digest != resolve_image("nginx:1.16.1").digest
    assert first.digest != resolve_image("busybox:1.28").digest


def test_pulling_by_digest_runs_the_image_with_that_digest():
    digest = image_digest("docker.io/library/nginx", "1.14.2")
    ref = resolve_image(f"nginx@{digest}")
    assert ref.name == f"docker.io/library/nginx@{digest}"
    assert ref.digest == digest and ref.tag == ""
    assert ref.info.version == "1.14.2"
    other = resolve_image("busybox@sha256:" + "ab" * 32)  # any well-formed digest pulls
    assert other.info.app == "shell"


def test_a_typo_in_the_repository_is_pull_access_denied():
    with pytest.raises(ImagePullError) as caught:
        resolve_image("ngnix")
    error = caught.value
    assert error.reason == "ErrImagePull"
    assert error.message == (
        'failed to pull and unpack image "docker.io/library/ngnix:latest": failed to resolve '
        'reference "docker.io/library/ngnix:latest": pull access denied, repository does not '
        "exist or may require authorization: server message: insufficient_scope: "
        "authorization failed"
    )
    assert error.event_message("ngnix") == (
        'Failed to pull image "ngnix": rpc error: code = Unknown desc = ' + error.message
    )


def test_an_unknown_tag_is_not_found():
    with pytest.raises(ImagePullError) as caught:
        resolve_image("nginx:1.99")
    assert caught.value.reason == "ErrImagePull"
    assert caught.value.grpc_code == "NotFound"
    assert caught.value.message == (
        'failed to pull and unpack image "docker.io/library/nginx:1.99": failed to resolve '
        'reference "docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: not found'
    )


@pytest.mark.parametrize(
    "image",
    [
        "nginx:1.161",  # the Deployment page's deliberate typo
        "gcr.io/google-samples/kubernetes-bootcamp:v10",  # the rollback tutorial's bad tag
        "registry.k8s.io/no-such-image:1.0",  # other registries answer 404
    ],
)
def test_tutorial_bad_images_are_not_found(image):
    with pytest.raises(ImagePullError) as caught:
        resolve_image(image)
    assert caught.value.message.endswith(": not found")


@pytest.mark.parametrize(
    ("image", "detail"),
    [
        ("Nginx", "invalid reference format: repository name (library/Nginx) must be lowercase"),
        ("nginx latest", "invalid reference format"),
        ("nginx:", "invalid reference format"),
        ("nginx@sha256:abc", "invalid reference format"),
        ("nginx@sha256:" + "0" * 63, "invalid checksum digest length"),
        ("nginx@md5:" + "0" * 32, "unsupported digest algorithm"),
    ],
)
def test_unparsable_references_are_invalid_image_names(image, detail):
    with pytest.raises(ImagePullError) as caught:
        resolve_image(image)
    assert caught.value.reason == "InvalidImageName"
    assert caught.value.message == (
        f'Failed to apply default image tag "{image}": couldn\'t parse image name "{image}": '
        f"{detail}"
    )
    assert caught.value.event_message(image) == caught.value.message


def test_pull_time_follows_size():
    nginx, busybox = resolve_image("nginx"), resolve_image("busybox")
    assert 60 * MB < nginx.size_bytes < 80 * MB
    assert 3_000 <= nginx.pull_ms <= 6_000
    assert busybox.size_bytes < 3 * MB and busybox.pull_ms < 1_000
    assert resolve_image("clusterlab/train:1.0").pull_ms > nginx.pull_ms


def test_alpine_variants_are_smaller_and_use_busybox():
    alpine = resolve_image("nginx:alpine")
    assert alpine.size_bytes < resolve_image("nginx").size_bytes / 2
    assert alpine.info.userland == "busybox"


DOCS_IMAGES = [
    "nginx:1.14.2", "nginx:1.16.1", "nginx:1.25", "nginx:latest", "busybox", "busybox:1.28",
    "registry.k8s.io/busybox", "registry.k8s.io/busybox:1.27.2", "k8s.gcr.io/busybox",
    "httpd", "redis", "redis:6.0.5", "mongo", "mysql:5.6", "mysql:8.0", "postgres", "memcached",
    "alpine", "ubuntu", "debian", "python:3.12", "node:20", "perl", "perl:5.34",
    "registry.k8s.io/hpa-example", "registry.k8s.io/liveness",
    "registry.k8s.io/e2e-test-images/agnhost:2.39", "registry.k8s.io/e2e-test-images/agnhost:2.40",
    "registry.k8s.io/pause:3.9", "polinux/stress", "vish/stress",
    "gcr.io/google-samples/hello-app:1.0", "gcr.io/google-samples/hello-app:2.0",
    "us-docker.pkg.dev/google-samples/containers/gke/hello-app:1.0", "k8s.gcr.io/echoserver:1.4",
    "registry.k8s.io/echoserver:1.10", "curlimages/curl", "registry.k8s.io/goproxy:0.1",
    "gcr.io/google-samples/kubernetes-bootcamp:v1", "docker.io/jocatalin/kubernetes-bootcamp:v2",
    "docker.io/library/bash:5", "registry.k8s.io/nginx-slim:0.8", "registry.k8s.io/etcd:3.5.1-0",
    "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5", "hello-world",
]  # fmt: skip


@pytest.mark.parametrize("image", DOCS_IMAGES)
def test_images_from_the_kubernetes_docs_resolve(image):
    ref = resolve_image(image)
    assert ref.info.kind in ("server", "shell", "exits", "batch")
    assert ref.pull_ms > 0


def test_clusterlab_images_have_three_versions_and_one_broken_release():
    broken = []
    for stage in ("ingest", "features", "train", "serve", "ui"):
        for tag in ("1.0", "1.1", "2.0"):
            info = resolve_image(f"clusterlab/{stage}:{tag}").info
            if info.defect:
                broken.append(f"{stage}:{tag}")
        with pytest.raises(ImagePullError):
            resolve_image(f"clusterlab/{stage}:3.0")
    assert broken == ["serve:2.0"]


def _default_tag(info):
    return info.tags[0] if info.tags else "latest"


@pytest.mark.parametrize("info", IMAGES, ids=lambda info: info.repository)
def test_every_catalogue_image_starts_and_runs_without_simulator_errors(info):
    ref = resolve_image(f"{info.repository}:{_default_tag(info)}")
    try:
        process = ContainerProcess(ref.info, rng=random.Random(1), env={"POSTGRES_PASSWORD": "x"})
    except ContainerStartError:
        pytest.fail(f"{info.repository}: its own default command does not start")
    outputs = process.advance(120_000)
    assert process.internal_error is None
    assert all(
        earlier.at_ms <= later.at_ms for earlier, later in zip(outputs, outputs[1:], strict=False)
    )
    if info.kind == "server" and info.ports and process.running:
        assert process.listening_ports(120_000) & set(info.ports)
