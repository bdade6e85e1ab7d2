"""UI building blocks: small functions that take Vars, not state classes."""
