"""Data files: the record JSON Schema."""
