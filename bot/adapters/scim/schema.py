"""What Stafet's SCIM service offers: Users with the attributes it uses, and nothing more."""

from __future__ import annotations

from typing import Annotated

from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Email,
    ETag,
    Extension,
    Filter,
    Name,
    Patch,
    Required,
    Resource,
    ResourceType,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)
from scim2_models.resources.resource import AnyExtension

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MAX_RESULTS = 1000


class EnterpriseProfile(Extension):
    """The enterprise extension, of which Stafet keeps the department."""

    __schema__ = URN(ENTERPRISE)

    department: str | None = None


class ScimUser(Resource[AnyExtension]):
    """The core User schema, limited to what Stafet uses (data it does not need, it does not keep)."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:User")

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    name: Name | None = None
    display_name: str | None = None
    preferred_language: str | None = None
    timezone: str | None = None
    active: bool | None = None
    emails: list[Email] | None = None


# Entra ID's known deviations are accepted: attributes Stafet does not keep are ignored, a
# `remove` may name its value, and a path filter that matches nothing adds the entry.
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)

CONFIG = ServiceProviderConfig(
    documentation_uri=None,
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_RESULTS),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=False),
    etag=ETag(supported=True),
    authentication_schemes=[
        AuthenticationScheme(
            type=AuthenticationScheme.Type.oauthbearertoken,
            name="Bearer token",
            description="A token from `stafet admin token create --role provisioning`",
            primary=True,
        )
    ],
)

PROVIDER = ScimProvider(
    models=[ScimUser, EnterpriseProfile],
    resource_types=[ResourceType.from_resource(ScimUser[EnterpriseProfile])],
    config=CONFIG,
    policy=POLICY,
)
User = ScimUser[EnterpriseProfile]
