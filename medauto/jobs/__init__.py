"""Job records, stores, runner and executors."""
