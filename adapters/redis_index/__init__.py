"""FingerprintIndex on Redis Cluster: postings spread over the masters, read in pipelines per node."""
