"""The catalog: courses, their content and who teaches them."""
