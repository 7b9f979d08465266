"""Account pages: one module per resource (auth, users, groups, profile)."""
