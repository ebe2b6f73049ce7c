"""Microsoft Teams through the Bot Framework: every botbuilder import lives in this package,
so moving to the Microsoft 365 Agents SDK touches nothing else. `routes` is the entry point."""
