"""Who is who in a workspace (the acting person, roles, the permission table) and the organisation's choices."""
