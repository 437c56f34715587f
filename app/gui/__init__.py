"""The PySide6 shell. Only this package may import Qt."""

from app.gui._refcount_guard import install as _install_refcount_guard

_install_refcount_guard()
