"""segments' URL modules, one per place the root URLconf mounts them: ``account`` (the OA's
friends pages) and ``public`` (a campaign link's short URL, opened by people who are not console
users)."""
