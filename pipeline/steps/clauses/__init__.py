"""Event extraction from sentence structure: a dependency parse decides who did what to whom."""
