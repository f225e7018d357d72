"""Reusable TUI widgets: path input with completion, file picker, confirm and password modals."""
