"""Spiders: fetch pages and yield them raw; no text cleaning happens here."""
