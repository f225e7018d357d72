"""Services: all behaviour lives here; they never import a UI or transport library."""
