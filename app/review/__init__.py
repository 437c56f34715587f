"""Word in, Word out: review a .docx with comments and tracked changes; import drafts from Word.

Qt-free, so the CLI (`smartrec review`, `smartrec import-drafts`) and the GUI share it:
`source` opens a document safely, `locate` finds its recommendations, `annotate` reviews it,
`drafts` imports it into a project. Nothing is imported here, so registering the CLI commands
stays cheap.
"""
