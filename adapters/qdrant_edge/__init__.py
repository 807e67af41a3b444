"""VectorIndex on the embedded Qdrant engine (qdrant-edge): one shard under the data root."""
