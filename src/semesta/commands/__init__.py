"""Command groups of the ``semesta`` CLI, one module per concept (registered in ``cli``)."""
