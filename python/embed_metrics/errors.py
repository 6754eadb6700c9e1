"""Exceptions: every error the library raises derives from :class:`Error` and
from the built-in type a caller would catch for it (ValueError, OSError,
RuntimeError). The message is the library's, naming the argument and the fix."""

__all__ = ["Error", "InvalidArgumentError", "FileError", "FormatError", "BackendUnavailableError", "CudaError"]


class Error(Exception):
    """Base of every embed_metrics error."""


class InvalidArgumentError(Error, ValueError):
    """A parameter or input has the wrong shape, value, dtype or placement."""


class FileError(Error, OSError):
    """A file could not be opened, read or written."""


class FormatError(FileError):
    """A file was read but its content is malformed or unsupported."""


class BackendUnavailableError(Error, RuntimeError):
    """A device was asked for that this build or machine does not have."""


class CudaError(Error, RuntimeError):
    """A CUDA runtime or cuBLAS call failed."""


#: In the order the extension modules' _register_errors takes them.
ALL = (Error, InvalidArgumentError, FileError, FormatError, BackendUnavailableError, CudaError)
