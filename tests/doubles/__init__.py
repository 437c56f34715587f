"""Test doubles: a fake LanguageTool server and a made-up export model (never shipped)."""
