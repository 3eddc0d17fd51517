"""Case simulations: branching scenes, runs that keep what was played, debriefs."""
