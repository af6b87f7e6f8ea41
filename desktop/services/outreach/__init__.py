"""Outreach: monitoring warnings and their disposal, requests from every channel, coordinators' communities, the window as residents see it."""
