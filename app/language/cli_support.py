"""Build the spelling provider and LanguageTool checker from the user's settings (CLI and GUI).

`providers_from_settings()` never raises for a bad configuration: the problem is returned as the
status message, so `smartrec check` and the window can show it and carry on without grammar.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.language.spelling import SpellingProvider
from app.settings import AppSettings, load_settings

if TYPE_CHECKING:  # imported when grammar is wanted: `check --no-grammar` never loads it
    from app.language.languagetool import GrammarChecker


def spelling_from_settings(
    settings: AppSettings,
    words: Iterable[str] = (),
    user_dictionary: Path | None = None,
    background: bool = False,
    suggest: bool = True,
) -> SpellingProvider | None:
    if not settings.spelling_enabled:
        return None
    return SpellingProvider(
        settings.spelling_language,
        words=words,
        user_dictionary=user_dictionary,
        background=background,
        suggest=suggest,
    )


def grammar_from_settings(
    settings: AppSettings, vocabulary: Any = None, **kwargs: Any
) -> tuple[GrammarChecker | None, str]:
    """(checker or None, one-line status). Nothing is started or contacted here."""
    from app.language.languagetool import DISABLED, NOT_CONFIGURED, GrammarChecker
    from app.language.lt_client import LanguageToolError

    if not settings.grammar_enabled:
        return None, DISABLED
    if not settings.languagetool_url and not settings.languagetool_folder:
        return None, NOT_CONFIGURED
    try:
        checker = GrammarChecker(
            folder=settings.languagetool_folder,
            url=settings.languagetool_url,
            language=settings.language_variant,
            vocabulary=vocabulary,
            **kwargs,
        )
    except LanguageToolError as exc:
        return None, f"Grammar checking is off: {exc}"
    return checker, checker.status()


def providers_from_settings(
    no_grammar: bool = False,
    *,
    settings: AppSettings | None = None,
    words: Iterable[str] = (),
    user_dictionary: Path | None = None,
    suggest: bool = True,
) -> tuple[list[SpellingProvider], GrammarChecker | None, str]:
    """(sync providers for `checker.providers`, grammar checker or None, status message).

    For `smartrec check --no-grammar`: the spelling provider loads synchronously on first use.
    `suggest=False` flags unknown words without loading the frequency list for suggestions.
    A URL takes precedence over a folder. The caller should `close()` the grammar checker when
    done (it also stops itself at exit). Merge its findings with
    `app.language.languagetool.combine(checker, result, findings, text)`, which drops our own
    spelling findings so no word is flagged twice.
    """
    warning = None
    if settings is None:
        settings, warning = load_settings()
    providers: list[SpellingProvider] = []
    spelling = spelling_from_settings(settings, words, user_dictionary, suggest=suggest)
    if spelling is not None:
        providers.append(spelling)
    if no_grammar:
        grammar, status = None, "Grammar checking is off (--no-grammar)."
    else:
        # The vocabulary filters LanguageTool's spelling matches even with our spelling off.
        vocabulary = spelling or SpellingProvider(
            settings.spelling_language, words=words, user_dictionary=user_dictionary,
            suggest=False,  # only its accepted-word lists are used
        )
        grammar, status = grammar_from_settings(settings, vocabulary=vocabulary)
    if warning:
        status = f"{warning} {status}"
    return providers, grammar, status
