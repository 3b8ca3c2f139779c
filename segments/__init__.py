"""Friends (the CRM contact), tags, first-party attributes, segments and RFM."""
