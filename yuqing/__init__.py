"""Yuqing (舆情): public-opinion monitoring and response for government press offices."""

__version__ = "0.1.0"
