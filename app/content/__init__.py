"""Courses as files: the format's specs, reader, rules, Markdown rendering and writer."""
