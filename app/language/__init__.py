"""Spelling and grammar for drafts (Qt-free): offline spelling, LanguageTool adapter."""
