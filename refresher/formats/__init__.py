"""File formats: each module reads one format into plain data with line numbers (and later
writes it). The bank validator (`refresher.banks.load`) builds questions from what a reader
returns."""
