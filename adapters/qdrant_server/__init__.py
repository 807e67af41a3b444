"""VectorIndex on a Qdrant server (QDRANT_URL): collections behind aliases."""
