"""The journey builder's forms: a node's fields per type (``nodes``), the trigger, entry rules
and goal (``parts``), all built from the graph's JSON Schema (``schema_fields``) with the OA's
tags, segments, attributes, journeys and secrets to choose from (``choices``)."""
