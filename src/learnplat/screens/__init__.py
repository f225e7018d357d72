"""The TUI's areas: one module per tab (learn, teach, challenges, library, progress)."""
