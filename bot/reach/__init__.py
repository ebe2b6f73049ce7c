"""Reaching every employee: directory sync, app installation, first contact and reach figures."""
