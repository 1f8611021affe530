"""Instructor tools and their tests."""
