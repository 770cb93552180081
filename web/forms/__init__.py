"""Forms of the desk's pages. Each lists its fields explicitly: nothing else a browser posts is read."""
