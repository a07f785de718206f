# linux-frontend: filled in by its owner.
