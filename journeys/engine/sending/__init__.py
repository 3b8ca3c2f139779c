"""Journey sends, exactly once, at LINE's rate limits.

A send node writes a pending ``JourneySend`` row (its retry key already set). Then:

- ``planning``: pending rows are given their call. Rows of one ``group_key`` (same journey,
  node, minute and messages) go as multicasts of up to 500, one new retry key per multicast
  written to all its rows; a row alone goes by push with its own key. A group is planned once
  it cannot grow usefully: it has 500 rows, or no row has joined it for
  ``JOURNEYS_MULTICAST_WINDOW_SECONDS``, or its minute has ended. Friends reaching a node in
  the same minute through different runner batches so share one multicast; a lone friend waits
  at most that window. A row of the friend's own messages (``{displayName}``, clicks tracked
  per friend) cannot join any group: the send node writes it planned, a push due at once.
  The plan commits before any call, so a worker killed after LINE accepted
  a call repeats the same key and LINE answers 409 (counted as sent), never a second delivery.
- ``rounds``: a round claims up to ``PUSH_CLAIM`` due pushes and ``MULTICAST_CLAIM`` due
  multicasts (``FOR UPDATE SKIP LOCKED``: several workers share the work), takes that many
  tokens from each channel's limiter, makes the calls at once on a thread pool
  (``oa_console.line.calls``) and stores every outcome before the claim commits. Rounds repeat
  until nothing is due or the time budget is spent.
- ``requests``: the request of each claimed call.
- ``bulk_calls``: the item event's bulk calls (``JourneyBulkCall``: a multicast written before
  its friends' rows), claimed in the same rounds and recorded on their own row.
- ``recording``: the outcomes, with a few bulk writes per claim: accepted or 409 -> sent
  (journaled on the friend's timeline); LINE busy (5xx, 429, no answer) -> tried again later
  with back-off and the same key; refused -> failed with LINE's message; 401 (the channel's
  token revoked, the channel disconnected) -> failed, and the journey pauses itself saying why.
"""

from journeys.engine.sending.planning import journey_sends_plan
from journeys.engine.sending.rounds import (
    journey_sends_deliver,
    journey_sends_due_count,
    sends_wait,
)

__all__ = [
    "journey_sends_deliver",
    "journey_sends_due_count",
    "journey_sends_plan",
    "sends_wait",
]
