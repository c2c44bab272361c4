"""The strålskyddsbokslut workbook: its format, reading, checking and the empty template."""
