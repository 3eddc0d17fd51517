"""CE claims: a course's credit hours and approval wording, approved by the provider."""
