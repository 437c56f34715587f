"""Workshop mode in the desktop app: the participant's exercise panel, the class board and
presentation mode. Each renders what `app.workshop` computes."""
