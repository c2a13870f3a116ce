"""streaming domain: dataset snapshots and the batch endpoint the SDK streams training data from."""
