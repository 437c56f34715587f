"""Evidence library: observation findings, commitments and prior UPR recommendations.

Qt-free on purpose: the CLI, the checker context and the GUI panel all use it.
"""

from __future__ import annotations
