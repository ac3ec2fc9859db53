"""Every writer of a report, table or figure (markdown, LaTeX, CSV, JSON, PNG) from the
results of checks and labs.  May import labs, checks, constructions, dynamics, rules, bounds
and rank 0; never cli."""
