"""How each image's own software behaves, keyed by `ImageInfo.app`.

An app is a generator function `app(ctx, argv) -> exit status` (see runtime.program).
It is started with the full argv, so one image can hold several binaries (redis-server
and redis-cli) or an entrypoint wrapper that execs its arguments.
"""

from collections.abc import Callable

from ..catalogue import ImageInfo
from ..program import Context, Program
from . import clusterlab, datastores, languages, testing, web

APPS: dict[str, Callable[[Context, list[str]], Program]] = {
    **web.APPS,
    **datastores.APPS,
    **testing.APPS,
    **languages.APPS,
    **clusterlab.APPS,
}
_FILES = {**web.FILES, **clusterlab.FILES}


def start(ctx: Context, argv: list[str]) -> Program:
    return APPS[ctx.info.app](ctx, argv)


def image_files(info: ImageInfo) -> dict[str, str]:
    """Files an image ships besides the OS basics (nginx's welcome page, bundled models)."""
    return dict(_FILES.get(info.app, {}))
