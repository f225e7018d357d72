"""Local stub servers that speak real providers' wire formats over HTTP, for tests."""
