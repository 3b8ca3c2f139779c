"""Reads of journeys: lists, one journey, enrolments, a friend's timeline and the statistics
drawn on the flow. Selectors never write."""
