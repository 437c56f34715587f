"""Acceptance outlook: will the State under Review support a draft, and why.

A transparent model fitted on the evidence library's earlier UPR recommendations and their
responses (`model`), explained in counts from the library (`outlook`), cached per library
version (`service`), offered by `smartrec check` (`cli`) and the scorecard.
"""
