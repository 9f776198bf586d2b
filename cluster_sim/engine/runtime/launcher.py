"""From a container's command/args to the program that runs, as runc would exec it.

Kubernetes' rules (Define a Command and Arguments for a Container): `command` replaces
the image's ENTRYPOINT, `args` replaces its CMD; with `command` alone the CMD is
dropped. The first word must exist in the image: a shell, a tool of its userland, or
one of its own binaries. Otherwise the container never starts: reason StartError,
exit code 128, with runc's message.
"""

from . import apps, tools
from .catalogue import ImageInfo
from .program import Context, Memory, Program
from .shell import IO, Shell, shell_flavour

SHELL_MEMORY = 512 * 1024

RUNC_PREFIX = (
    "failed to create containerd task: failed to create shim task: OCI runtime create failed: "
    "runc create failed: unable to start container process: error during container init: "
)


class ContainerStartError(Exception):
    """The container could not start; the kubelet reports reason StartError, exit code 128."""

    reason = "StartError"
    exit_code = 128

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def container_argv(info: ImageInfo, command: list[str] | None, args: list[str] | None) -> list:
    if command:
        return [*command, *(args or [])]
    if args:
        return [*info.entrypoint, *args]
    return [*info.entrypoint, *info.cmd]


def exec_error(name: str) -> str:
    """runc's reason for an executable it cannot find."""
    if "/" in name:
        return f'exec: "{name}": stat {name}: no such file or directory'
    return f'exec: "{name}": executable file not found in $PATH'


def check_start(info: ImageInfo, argv: list[str]) -> None:
    if not argv:
        raise ContainerStartError(RUNC_PREFIX + "no command specified: unknown")
    if tools.lookup(info, argv[0]) is None:
        raise ContainerStartError(RUNC_PREFIX + exec_error(argv[0]) + ": unknown")


def spawn(ctx: Context, argv: list[str]) -> Program:
    """The program for argv inside this image (argv[0] must exist: see check_start)."""
    kind = tools.lookup(ctx.info, argv[0])
    if kind == "app":
        return apps.start(ctx, argv)
    if kind == "shell":
        return _shell(ctx, argv)
    return _tool(ctx, argv)


def _shell(ctx: Context, argv: list[str]) -> Program:
    yield Memory(SHELL_MEMORY)
    sh = Shell(ctx, argv[0], shell_flavour(argv[0], ctx.info.userland))
    return (yield from sh.run_shell(argv, IO(None, ctx.stdout, ctx.stderr)))


def _tool(ctx: Context, argv: list[str]) -> Program:
    yield Memory(SHELL_MEMORY // 2)
    sh = Shell(ctx, "sh", shell_flavour("sh", ctx.info.userland))
    return (yield from sh.execute(argv, IO(None, ctx.stdout, ctx.stderr)))
