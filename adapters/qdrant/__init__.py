"""What the two Qdrant adapters (server and embedded) store per chunk, shared so both agree."""
