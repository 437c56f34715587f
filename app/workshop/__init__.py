"""Workshop mode: exercise packs, participants' hand-ins and the trainer's room analysis.

Qt-free, so the CLI (`smartrec workshop ...`), the class board and the Word class report all read
the same exercises and hand-ins through the same functions.
"""
