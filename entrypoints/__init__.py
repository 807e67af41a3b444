"""Ways in: the audio-ident CLI and the HTTP API, and the wiring that builds them."""
