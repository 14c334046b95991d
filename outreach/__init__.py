"""outreach: multi-market link-building outreach with a rule gate before anything is sent."""

__version__ = "0.1.0"
