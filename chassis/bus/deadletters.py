"""Dead letters of a consuming service: list, show, replay.

    python -m chassis.bus.deadletters --service cards list
    python -m chassis.bus.deadletters --service cards show EVENT_ID
    python -m chassis.bus.deadletters --service cards replay EVENT_ID
    python -m chassis.bus.deadletters --service cards replay --all
    python -m chassis.bus.deadletters --unroutable list|show ID|replay ID|replay --all

Reads ``BUS_URL`` and ``BUS_EXCHANGE`` (or ``--url`` / ``--exchange``). Listing takes every message
of ``<exchange>.<service>.dead`` without acknowledging it, then puts them all back. Replaying sends
the event to the service's own queue (``<exchange>.<service>``; other services do not see it again)
with its attempts reset to 0, confirmed by the broker, and only then removes it from the dead queue.
Replaying an event the service already applied has no second effect (inbox).

``--unroutable`` works on ``<exchange>.unroutable`` instead: events the relay published while no
queue was bound for their type (e.g. a relay started before the workers declared their queues).
Replaying one publishes it to the exchange again, by event type, for every service that now listens.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field

from chassis.bus import messages
from chassis.bus.connection import open_connection
from chassis.bus.publisher import open_publisher
from chassis.bus.settings import BusSettings
from chassis.bus.topology import dead_queue_name, plain_queue, service_queue_name, unroutable_queue_name


@dataclass
class DeadLetter:
    event_id: str
    event_type: str
    attempts: int
    last_error: str
    dead_lettered_at: str
    body: bytes = field(repr=False)
    headers: dict = field(repr=False)

    @property
    def envelope(self) -> dict | str:
        try:
            return json.loads(self.body)
        except ValueError:
            return self.body.decode("utf-8", "replace")


class DeadLetterQueue:
    def __init__(self, settings: BusSettings, service: str):
        self.settings = settings
        self.service = service
        self.name = dead_queue_name(settings.exchange, service)

    def list(self) -> list[DeadLetter]:
        return [letter for letter, _ in self._take_all(replay=lambda letter: False)]

    def show(self, event_id: str) -> DeadLetter | None:
        return next((letter for letter in self.list() if letter.event_id == event_id), None)

    def replay(self, event_id: str) -> int:
        """Replays the dead letters of this event id; returns how many were replayed."""
        return sum(1 for _, replayed in self._take_all(replay=lambda letter: letter.event_id == event_id) if replayed)

    def replay_all(self) -> int:
        return sum(1 for _, replayed in self._take_all(replay=lambda letter: True) if replayed)

    def _take_all(self, replay) -> list[tuple[DeadLetter, bool]]:
        results: list[tuple[DeadLetter, bool]] = []
        publisher = None
        with open_connection(self.settings) as connection:
            queue = plain_queue(self.name)(connection.channel())
            queue.declare()
            held = []
            try:
                while (message := queue.get(no_ack=False)) is not None:
                    held.append(message)
                for message in held:
                    letter = _letter(message)
                    chosen = replay(letter)
                    if chosen:
                        publisher = publisher or open_publisher(self.settings, self.service)
                        self._send_back(publisher, letter)
                        message.ack()
                    results.append((letter, chosen))
            finally:
                for message in held:
                    if not message.acknowledged:
                        message.reject(requeue=True)
                if publisher is not None:
                    publisher.close()
        return results


    def _send_back(self, publisher, letter: DeadLetter) -> None:
        publisher.send_to_queue(service_queue_name(self.settings.exchange, self.service), letter.body,
                                _replay_headers(letter.headers))


class UnroutableQueue(DeadLetterQueue):
    """``<exchange>.unroutable``: replaying publishes the event to the exchange again (by type)."""

    def __init__(self, settings: BusSettings):
        super().__init__(settings, "unroutable")
        self.name = unroutable_queue_name(settings.exchange)

    def _send_back(self, publisher, letter: DeadLetter) -> None:
        envelope = letter.envelope
        if not isinstance(envelope, dict) or "type" not in envelope:
            raise ValueError(f"{letter.event_id}: the parked message is not an event envelope")
        publisher.publish_events([envelope])


def _letter(message) -> DeadLetter:
    headers = {key: value for key, value in (message.headers or {}).items() if not key.startswith("x-")}
    body = message.body if isinstance(message.body, bytes) else str(message.body).encode("utf-8")
    return DeadLetter(event_id=str(headers.get("event_id") or message.properties.get("message_id") or ""),
                      event_type=str(headers.get("event_type", "")), attempts=messages.attempts_of(headers),
                      last_error=str(headers.get(messages.LAST_ERROR, "")),
                      dead_lettered_at=str(headers.get(messages.DEAD_LETTERED_AT, "")), body=body, headers=headers)


def _replay_headers(headers: dict) -> dict:
    kept = {key: value for key, value in headers.items()
            if key not in (messages.ATTEMPTS, messages.LAST_ERROR, messages.DEAD_LETTERED_AT)}
    return {**kept, messages.ATTEMPTS: 0, messages.REPLAYED_AT: messages.now_iso()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chassis.bus.deadletters", description=__doc__.split("\n")[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--service", help="the consuming service whose dead letters to see (cards, billing, ...)")
    target.add_argument("--unroutable", action="store_true", help="the events no queue was bound for")
    parser.add_argument("--url", help="broker URL (default: BUS_URL)")
    parser.add_argument("--exchange", help="exchange (default: BUS_EXCHANGE)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="event id, type, attempts, last error, dead-lettered at")
    commands.add_parser("show", help="one dead letter with its envelope").add_argument("event_id")
    replay = commands.add_parser("replay", help="send back to the service's queue, attempts reset")
    replay.add_argument("event_id", nargs="?")
    replay.add_argument("--all", action="store_true")
    args = parser.parse_args(argv)

    overrides = {key: value for key, value in (("url", args.url), ("exchange", args.exchange)) if value}
    settings = BusSettings.from_env(**overrides)
    dead = UnroutableQueue(settings) if args.unroutable else DeadLetterQueue(settings, args.service)
    if args.command == "list":
        letters = dead.list()
        for letter in letters:
            print(f"{letter.event_id}\t{letter.event_type}\tattempts={letter.attempts}\t"
                  f"{letter.dead_lettered_at}\t{letter.last_error}")
        print(f"{len(letters)} dead letter(s) in {dead.name}", file=sys.stderr)
        return 0
    if args.command == "show":
        letter = dead.show(args.event_id)
        if letter is None:
            print(f"{args.event_id}: not in {dead.name}", file=sys.stderr)
            return 1
        print(json.dumps({"event_id": letter.event_id, "event_type": letter.event_type, "attempts": letter.attempts,
                          "last_error": letter.last_error, "dead_lettered_at": letter.dead_lettered_at,
                          "headers": letter.headers, "envelope": letter.envelope},
                         ensure_ascii=False, indent=2, default=str))
        return 0
    if args.all == bool(args.event_id):
        parser.error("replay needs an EVENT_ID or --all (not both)")
    count = dead.replay_all() if args.all else dead.replay(args.event_id)
    target = settings.exchange if args.unroutable else service_queue_name(settings.exchange, args.service)
    print(f"{count} message(s) of {dead.name} replayed to {target}")
    return 0 if count or args.all else 1


if __name__ == "__main__":
    sys.exit(main())
