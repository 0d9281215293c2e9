"""Spaced repetition (pure): FSRS scheduling, planning toward a date, study statistics."""
