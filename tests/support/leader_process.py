"""A replica's leader election alone: `python -m tests.support.leader_process DB_URL` prints
"leader" once it holds the scheduler lock, then keeps it until killed."""

from __future__ import annotations

import asyncio
import sys

from bot.leader import Leadership


async def main(url: str) -> None:
    leadership = Leadership(url, interval=0.2)
    while not await leadership.check():  # noqa: ASYNC110 - polling the database is the point
        await asyncio.sleep(0.2)
    print("leader", flush=True)
    await leadership.run()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
