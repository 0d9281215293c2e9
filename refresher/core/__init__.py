"""The pure core every layer shares: the model, errors, limits, text made safe to show, plain
data with line numbers, and number parsing."""
