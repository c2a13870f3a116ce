"""Storage connections: a project's S3, GCS and Azure Blob buckets, imported from by reference."""
