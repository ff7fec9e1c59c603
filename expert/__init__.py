"""Adieu: a rule-based expert system that helps decide whether to part with a client."""

__version__ = "0.1.0"
