"""Tutors: the pedagogy layer (offline engine, LLM tutor) behind one interface."""
