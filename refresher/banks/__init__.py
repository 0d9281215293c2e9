"""Question banks (edges): loading and validating a file, finding banks, the parse cache."""
