"""The shared vocabulary at the bottom of the layers (levels and formats, the lesson, answer,
grade, quiz and topic records): it imports nothing of learnplat's above it."""
