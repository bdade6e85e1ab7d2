"""Pages: each composes components; no logic of its own."""
