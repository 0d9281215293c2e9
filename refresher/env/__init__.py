"""The environment (edges): paths, the clock, settings, the bounded reader of untrusted files and
the atomic writer."""
