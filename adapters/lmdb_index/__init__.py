"""FingerprintIndex over LMDB: an inverted index of landmark hashes, one writer, many readers."""
