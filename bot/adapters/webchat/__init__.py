"""The built-in web chat: no credentials, the default way to try Stafet."""
