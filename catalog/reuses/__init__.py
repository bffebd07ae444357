"""Reuses (the showcase): applications, visualisations, articles, ideas and APIs built on the
portal's data, submitted by signed-in users, linked to datasets and moderated by site
administrators."""
