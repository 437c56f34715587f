"""The PySide6 shell. Only this package may import Qt."""
