"""Seeded simulators of the demo data (synthetic where no real data is public)."""
