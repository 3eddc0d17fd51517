"""Learning: enrollment, lesson progress, time on task and completion."""
