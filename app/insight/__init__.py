"""Insight for a course's team: completion, drop-off, quiz item statistics, evaluations."""
