"""`smartrec check` options for the acceptance outlook: registered on every start, so this
module imports nothing heavy (the outlook itself is in `app.acceptance.cli`)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass


class AcceptanceInputError(ValueError):
    """A bad acceptance option or column; the CLI reports it as an input error."""


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the outlook's options on `smartrec check` (`--state` is the checker's own)."""
    group = parser.add_argument_group(
        "acceptance outlook (needs --library with earlier recommendations and responses)")
    group.add_argument("--recommending", metavar="STATE",
                       help="recommending State for every draft")
    group.add_argument("--state-column", metavar="COLUMN",
                       help="CSV column (or JSONL key) naming each draft's State under Review")
    group.add_argument("--recommending-column", metavar="COLUMN",
                       help="CSV column (or JSONL key) naming each draft's recommending State(s)")
    group.add_argument("--session-column", metavar="COLUMN",
                       help="CSV column (or JSONL key) with each draft's UPR session: only "
                       "history from earlier sessions is used")
    group.add_argument("--no-outlook", action="store_true",
                       help="with --library, leave the acceptance outlook out")


@dataclass(frozen=True)
class AcceptanceOptions:
    """The outlook's options, picklable so that batch worker processes can rebuild it."""

    library: str | None
    inputs: tuple[str, ...]
    state: str = ""
    recommending: str = ""
    state_column: str = ""
    recommending_column: str = ""
    session_column: str = ""
    enabled: bool = True
    #: How the input is read (`smartrec check --column/--encoding`): the outlook reads its
    #: columns from the same rows as the drafts.
    column: str | None = None
    encoding: str | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> AcceptanceOptions:
        return cls(
            library=args.library, inputs=tuple(args.inputs), state=args.state or "",
            recommending=args.recommending or "", state_column=args.state_column or "",
            recommending_column=args.recommending_column or "",
            session_column=args.session_column or "", enabled=not args.no_outlook,
            column=args.column, encoding=args.encoding,
        )

    def columns(self) -> dict[str, str]:
        named = {"state": self.state_column, "recommending": self.recommending_column,
                 "session": self.session_column}
        return {k: v for k, v in named.items() if v}

    def check(self) -> None:
        """Raise AcceptanceInputError, before any output, for options that cannot work. (A
        column missing from a CSV is refused by the draft reader at the header.)"""
        if self.library is None and (self.columns() or self.recommending):
            raise AcceptanceInputError(
                "--state-column, --recommending-column, --session-column and --recommending "
                "need --library (a library with earlier recommendations and their responses)")
        if self.library is None or not self.enabled or not self.columns():
            return
        from app.draft_input import names_file

        for name in self.inputs:
            if names_file(name) and not name.lower().endswith((".csv", ".jsonl")):
                raise AcceptanceInputError(
                    f"{name}: --state-column and the other column options need a .csv or .jsonl "
                    "file")
