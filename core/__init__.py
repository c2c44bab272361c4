"""Strålsäkerhetsportalen's core: domain model, services and rules, with no Streamlit."""
