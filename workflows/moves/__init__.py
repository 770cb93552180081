"""What each lifecycle move does to the data besides changing the state: the handlers the table names.

``transition_perform`` decides whether a move may happen, then runs the move's handler inside the move's
transaction. A handler may still refuse (an envelope spent by a racing approval, an expert at capacity): it
raises ``TransitionRefused`` and the transaction rolls back, so a refused move writes nothing. A handler
returns the state the request ends in when its move may stay put, else ``None``.
"""
