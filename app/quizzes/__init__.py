"""Quizzes: attempts, snapshots of what was asked, grading and results."""
