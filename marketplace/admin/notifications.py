"""Admin screens (filled in by the work on this concern)."""
