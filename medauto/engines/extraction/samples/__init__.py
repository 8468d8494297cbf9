"""Sample blueprint schemas shipped as package data (one JSON schema per file; the stem is the short name)."""
