"""Screens the app opens over its panes: help, choices and reasons."""
