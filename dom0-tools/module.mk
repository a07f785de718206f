# dom0-tools: filled in by its owner.
