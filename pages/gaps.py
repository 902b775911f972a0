"""Placeholder: built in a following commit."""

import streamlit as st

st.info("…")
