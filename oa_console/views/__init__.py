"""Server-rendered pages of the core app (auth, workspaces, members, API keys, OA settings)."""
