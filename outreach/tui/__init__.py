"""The Textual app for outreach staff, reviewers and PR leads."""
