"""API errors with the reasons and wording of the Kubernetes API server."""


class ApiError(Exception):
    """A failed API call; kubectl prints it as `Error from server (<reason>): <message>`."""

    def __init__(self, reason: str, message: str, code: int = 400):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.code = code


def not_found(resource: str, name: str) -> ApiError:
    return ApiError("NotFound", f'{resource} "{name}" not found', 404)


def already_exists(resource: str, name: str) -> ApiError:
    return ApiError("AlreadyExists", f'{resource} "{name}" already exists', 409)


def invalid(message: str) -> ApiError:
    """message is the full `The Deployment "web" is invalid: ...` text."""
    return ApiError("Invalid", message, 422)


def forbidden(message: str) -> ApiError:
    return ApiError("Forbidden", message, 403)


def internal(message: str) -> ApiError:
    """apierrors.NewInternalError: `Internal error occurred: <message>`, HTTP 500."""
    return ApiError("InternalError", f"Internal error occurred: {message}", 500)
