"""JSON shapes of what the presenters let a reader see; they read attributes of plain views, never a model."""
