"""Use cases: the things audio-ident does, written against ports only."""
