"""The built-in web chat: an open demo on loopback, or signed in with OpenID Connect, or off."""
