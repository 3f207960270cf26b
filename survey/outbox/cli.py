"""``survey worker``: drain every outbox channel (invitations, reminders, webhooks)."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import FrameType

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.outbox.channels import OutboxError, build_channels
from survey.outbox.queue import BatchReport, OutboxSettings, worker_name
from survey.outbox.worker import drain_outbox, run_worker


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` on SIGTERM or SIGINT, so the messages in flight finish first."""

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


def _describe(reports: Mapping[str, BatchReport]) -> str:
    return "; ".join(f"{name}: {report.summary()}" for name, report in reports.items())


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@with_appcontext
def worker(once: bool) -> None:
    """Send due invitations, reminders and webhooks; loop until SIGTERM or Ctrl+C."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = OutboxSettings.from_config(app.config)
    try:
        channels = build_channels(app, settings)
    except OutboxError as error:
        raise click.ClickException(str(error)) from None
    for channel in channels:
        if channel.notice:
            click.echo(channel.notice, err=True)
    name = worker_name()
    stop = threading.Event()
    with _stop_on_signals(stop):
        if once:
            started = time.perf_counter()
            reports = drain_outbox(app, channels, name, should_stop=stop.is_set)
            elapsed = time.perf_counter() - started
            click.echo(f"worker {name}: {_describe(reports)} ({elapsed:.2f} s)")
            return
        click.echo(f"worker {name} started; polling every {settings.poll_seconds:g} s")
        run_worker(
            app,
            channels,
            name,
            settings,
            stop=stop,
            on_batch=lambda channel, report: click.echo(
                f"worker {name}: {_describe({channel: report})}"
            ),
        )
        click.echo(f"worker {name} stopped")
