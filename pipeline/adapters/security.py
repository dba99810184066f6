"""Connection security for every Kafka client: SASL (PLAIN, SCRAM) and SSL/TLS.

One place turns the settings into the shape each client library wants: kafka-python
keyword arguments, and Faust/aiokafka credentials. Secrets stay `SecretStr` until this
point and are never logged.
"""

from __future__ import annotations

import ssl
from typing import Any

import faust
from faust.types.auth import CredentialsT

from pipeline.settings import WirestreamSettings


def ssl_context(settings: WirestreamSettings) -> ssl.SSLContext | None:
    """A verifying TLS context for SSL / SASL_SSL, or None for plaintext protocols."""
    if not settings.security_protocol.endswith("SSL"):
        return None
    context = ssl.create_default_context(cafile=settings.ssl_cafile)
    context.check_hostname = settings.ssl_check_hostname
    if settings.ssl_certfile:
        password = settings.ssl_key_password
        context.load_cert_chain(settings.ssl_certfile, settings.ssl_keyfile,
                                password.get_secret_value() if password else None)
    return context


def kafka_python_config(settings: WirestreamSettings) -> dict[str, Any]:
    """Connection keyword arguments for kafka-python clients."""
    config: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers.split(","),
        "security_protocol": settings.security_protocol,
    }
    context = ssl_context(settings)
    if context is not None:
        config["ssl_context"] = context
    if settings.security_protocol.startswith("SASL_"):
        config["sasl_mechanism"] = settings.sasl_mechanism
        config["sasl_plain_username"] = settings.sasl_username
        config["sasl_plain_password"] = _password(settings)
    return config


def faust_credentials(settings: WirestreamSettings) -> CredentialsT | None:
    """Credentials for the Faust app (aiokafka underneath)."""
    context = ssl_context(settings)
    if settings.security_protocol.startswith("SASL_"):
        return faust.SASLCredentials(
            username=settings.sasl_username,
            password=_password(settings),
            mechanism=settings.sasl_mechanism,
            ssl_context=context,
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None


def _password(settings: WirestreamSettings) -> str:
    # The settings validator guarantees a password whenever a SASL protocol is chosen.
    return settings.sasl_password.get_secret_value() if settings.sasl_password else ""
