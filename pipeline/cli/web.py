"""`wirestream web`: serve a live page of the events on `events.enriched` (world map,
timeline, newest events). The page and its data are in `pipeline.web`."""

from __future__ import annotations

import logging
import signal
from pathlib import Path
from typing import Annotated

import typer

from pipeline.web.state import DEFAULT_MAX_EVENTS

log = logging.getLogger(__name__)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def web(
    host: Annotated[str, typer.Option(
        help="Address to listen on. Loopback only unless you name another one here: the "
             "page has no authentication")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port (0: any free one)")]
        = 8765,
    from_beginning: Annotated[bool, typer.Option(
        "--from-beginning/--no-from-beginning",
        help="Replay the topic from its start, or show only events that arrive from now")]
        = True,
    max_events: Annotated[int, typer.Option(
        min=1, help="Events kept and shown: the latest record of the newest event ids")]
        = DEFAULT_MAX_EVENTS,
    geometry: Annotated[Path | None, typer.Option(
        envvar="WIRESTREAM_WORLD_ATLAS",
        help="countries-110m.json of the npm package world-atlas",
        show_default="<venv>/share/wirestream/node_modules/world-atlas/countries-110m.json")]
        = None,
) -> None:
    """Serve a live page of the events: world map, timeline, newest events (Ctrl-C stops)."""
    from pipeline.cli.main import connected_settings
    from pipeline.web import geo, server

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("kafka").setLevel(logging.WARNING)
    atlas = geo.find_world_atlas(geometry)
    if geometry is not None and atlas is None:
        raise typer.BadParameter(f"{geometry} is not a file", param_hint="--geometry")
    if atlas is None:
        typer.echo("warning: no country outlines installed, the map shows the graticule only; "
                   f"install them with:\n  {geo.INSTALL_HINT}", err=True)
    if not server.is_loopback(host):
        typer.echo(f"warning: listening on {host}: anyone who can reach it sees the events",
                   err=True)
    settings = connected_settings()
    try:
        httpd, reader = server.start(settings, host=host, port=port,
                                     from_beginning=from_beginning, max_events=max_events,
                                     geometry=atlas)
    except OSError as exc:
        typer.echo(f"error: cannot listen on {host}:{port}: {exc}", err=True)
        raise typer.Exit(1) from exc
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    typer.echo(f"serving {reader.topic} on {httpd.url} (Ctrl-C stops)")
    try:
        httpd.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        typer.echo("stopped")
    finally:
        server.stop(httpd, reader)
