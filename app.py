"""Strålsäkerhetsportalen: the router. Every page is registered on every run and guards itself."""
import streamlit as st

from pages._shared.nav import navigation_pages
from pages._shared.ui import run_page

st.set_page_config(page_title="Strålsäkerhetsportalen", page_icon="☢️", layout="wide")
# Hidden native navigation: the guard draws the sidebar with only the pages the user may open,
# and a logged-out deep link still resolves to its page, which then shows the login form.
# run_page shows an unexpected error as a Swedish message with an incident number, never a traceback.
run_page(st.navigation(navigation_pages(), position="hidden"))
