"""`python tui.py` or `textual run tui.py` opens the outreach app on the current settings."""

from outreach.tui.app import OutreachApp

app = OutreachApp()

if __name__ == "__main__":
    app.run()
