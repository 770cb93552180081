"""Measuring the desk's pages at network scale (``manage.py bench``): tooling, not product code."""
