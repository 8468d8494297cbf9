"""Object stores (local folders, any S3 API)."""
