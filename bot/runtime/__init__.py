"""The platform-neutral core: events in, replies out, a router in between."""

from bot.runtime.errors import UserFacingError
from bot.runtime.events import Address, Event, Platform, Profile
from bot.runtime.replies import Button, Choice, Field, Form, Option, Reply, Scale
from bot.runtime.router import Router
from bot.runtime.turn import Turn

__all__ = [
    "Address",
    "Button",
    "Choice",
    "Event",
    "Field",
    "Form",
    "Option",
    "Platform",
    "Profile",
    "Reply",
    "Router",
    "Scale",
    "Turn",
    "UserFacingError",
]
