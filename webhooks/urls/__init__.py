"""webhooks' URL modules, one per place the root URLconf mounts them: ``account`` (the OA's
webhook pages) and ``line`` (LINE's endpoint, outside any tenant's URL)."""
