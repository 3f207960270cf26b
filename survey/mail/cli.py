"""``survey worker``: send due invitations, reminders and webhooks."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.mail.queue import BatchReport, OutboxSettings, worker_name
from survey.mail.transport import FileTransport, Transport, transport_from_config
from survey.mail.worker import drain_outbox, run_worker


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` on SIGTERM or SIGINT, so the message in flight finishes first."""

    def handle(signum: int, _frame: FrameType | None) -> None:
        click.echo(f"received {signal.Signals(signum).name}; stopping after this message", err=True)
        stop.set()

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _transport() -> Transport:
    transport = transport_from_config(current_app.config, current_app.instance_path)
    if isinstance(transport, FileTransport):
        if current_app.config["ENV_NAME"] == "production":
            raise click.ClickException(
                "SMTP_HOST is not set: in production the worker sends through an SMTP server"
            )
        click.echo(f"no SMTP_HOST: writing mail to {transport.folder} (see /dev/mail)", err=True)
    return transport


def _describe(mail: BatchReport, hooks: BatchReport) -> str:
    return f"mail: {mail.summary()}; webhooks: {hooks.summary()}"


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@with_appcontext
def worker(once: bool) -> None:
    """Send due invitations, reminders and webhooks; loop until SIGTERM or Ctrl+C."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    config = current_app.config
    transport = _transport()
    settings = OutboxSettings.from_config(config)
    name = worker_name()
    stop = threading.Event()
    options = {
        "webhook_timeout": float(config["SURVEY_WEBHOOK_TIMEOUT_SECONDS"]),
        "allow_private_webhooks": bool(config["SURVEY_WEBHOOKS_ALLOW_PRIVATE"]),
    }
    with _stop_on_signals(stop):
        if once:
            started = time.perf_counter()
            mail, hooks = drain_outbox(
                transport, name, settings, should_stop=stop.is_set, **options
            )
            elapsed = time.perf_counter() - started
            click.echo(f"worker {name}: {_describe(mail, hooks)} ({elapsed:.2f} s)")
            return
        click.echo(f"worker {name} started; polling every {config['SURVEY_OUTBOX_POLL_SECONDS']} s")
        run_worker(
            transport,
            name,
            settings,
            stop=stop,
            poll_seconds=float(config["SURVEY_OUTBOX_POLL_SECONDS"]),
            on_batch=lambda mail, hooks: click.echo(f"worker {name}: {_describe(mail, hooks)}"),
            **options,
        )
        click.echo(f"worker {name} stopped")
