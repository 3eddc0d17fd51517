"""Course evaluations: each learner rates the objectives and the teaching once per course."""
