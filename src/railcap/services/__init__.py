"""Use cases every face shares: loading plus engines."""
