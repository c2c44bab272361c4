"""The meeting (Möte) one § at a time: a small `Meeting` object, and one module per kind of §.

pages/mote.py is the frame: it finds the review, builds the Meeting and calls the § module for the current
agenda item (SECTIONS). Every module reads what it needs from the Meeting and calls core services.
"""
