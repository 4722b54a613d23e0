"""Operations that the command line and the desktop app both call: each checks the
permission, does the work through ``store``/``io`` and writes its audit entry, so the two
faces can never disagree about who may see what."""
