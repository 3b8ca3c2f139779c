"""broadcasts' URL modules, one per place the root URLconf mounts them: ``account`` (the OA's
broadcast pages), ``workspace`` (the cross-OA calendar), ``public`` (link redirects and images,
outside any tenant) and ``simulated`` (the embedded demo's LINE API, DEBUG only)."""
