"""HTTP layer: framework adapters and the plain request/response messages."""
