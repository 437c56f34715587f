"""Qt-free core: the checker, its contracts and its rule kinds. Never imports PySide6."""
