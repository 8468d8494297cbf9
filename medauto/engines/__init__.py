"""Real processing engines: no AWS shapes, no HTTP."""
