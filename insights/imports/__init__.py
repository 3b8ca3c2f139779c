"""The import pipeline: uploaded CSV/ZIP exports detected, parsed, normalised and stored per import
type (LINE report files, member data, orders), with its report catalogue, forms and pages."""
