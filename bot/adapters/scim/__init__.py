"""SCIM 2.0 provisioning at /scim/v2: identity providers (Entra ID, Okta) create, update,
deactivate and delete people. The SCIM wire format stays in this package."""
