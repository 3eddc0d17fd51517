"""Authoring: instructors edit a draft of a course in the browser and publish it safely."""
