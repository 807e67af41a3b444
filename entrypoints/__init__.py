"""Ways in: the audio-ident CLI and the HTTP API, and the bootstrap that wires them."""
