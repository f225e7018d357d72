"""The extraction logger, and quiet defaults for the loggers of the PDF libraries we call."""

from __future__ import annotations

import logging

log = logging.getLogger("learnplat.extract")

# With no handler anywhere in a logger's chain Python prints WARNING records on stderr, over the
# terminal UI. A NullHandler stops that; records still reach whatever handler the app installs.
for _name in ("learnplat.extract", "pypdf", "pypdfium2"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
