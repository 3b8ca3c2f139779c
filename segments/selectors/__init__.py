"""segments' reads, one module per entity: friends (lists, filters, a friend's history and
facts, attributes and follower syncs), tags (coverage too), segments (counts, members, samples),
campaign links and friend links. They never write."""
