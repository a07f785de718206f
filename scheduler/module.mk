# scheduler: filled in by its owner.
