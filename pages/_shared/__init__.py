"""Streamlit glue shared by the pages: engine and sessions, the login guard, navigation, widgets.

This is a sub-folder of pages/, so Streamlit never treats it as a page itself.
"""
