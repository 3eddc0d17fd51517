"""Records for accreditors: participants, completions and evaluation summaries per course."""
