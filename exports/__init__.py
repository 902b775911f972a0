"""Exports for people who never open the dashboard: the briefing, slides, the quarterly bulletin.

Nothing here imports Streamlit: the dashboard's download buttons and the
``kuomian export`` / ``kuomian bulletin`` commands share these builders.
"""
