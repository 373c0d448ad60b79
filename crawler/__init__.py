"""Crawler: collects posts from the sources of config/sources.yaml with Scrapy (see the README for its state)."""
