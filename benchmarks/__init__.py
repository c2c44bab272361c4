"""`stralportal bench`: speed and memory on generated data, in temporary databases, printed as JSON.

Not part of the installed portal: it runs from the source folder (`make bench`). Every figure comes from a
process of its own, so peak RSS is that measurement's and nothing else's; whole-process figures (what a user
waits for, start-up included) stand next to in-process ones (the work alone, after a warm-up); floors do the
same work on small data. Measurements only: the suite runs a small bench to keep it working, never timing it.
"""
