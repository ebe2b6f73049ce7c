"""Microsoft Graph with application permissions: the Entra ID directory and app installation."""
