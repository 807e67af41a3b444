"""FingerprintIndex on Redis Cluster: postings spread over the masters, read per node."""
