"""Documents the portal produces: calendar files and PDFs (kallelse now, minutes later)."""
