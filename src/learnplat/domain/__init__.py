"""The shared vocabulary at the bottom of the layers: it imports nothing else of learnplat's."""
