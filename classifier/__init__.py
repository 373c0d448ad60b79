"""Classifier: labels each post against the collection-priority list (see the README for its state)."""
