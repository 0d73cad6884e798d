"""Surroundings: noise emission (CNOSSOS-EU railway source model) and dangerous goods per section."""
