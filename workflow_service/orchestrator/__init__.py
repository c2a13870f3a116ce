"""The orchestrator: turns events into runs and walks each run's plan, dispatching steps to the executors."""
