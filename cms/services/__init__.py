"""Writes for the CMS: keyword-only, atomic, validated."""
