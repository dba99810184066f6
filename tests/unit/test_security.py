import ssl

import pytest
from pydantic import ValidationError

from pipeline.adapters.security import faust_credentials, kafka_python_config
from pipeline.cli.launcher import settings_env
from pipeline.settings import WirestreamSettings

SECRET = "s3cr3t-pw"


def sasl(**extra) -> WirestreamSettings:
    values = {"KAFKA_BOOTSTRAP_SERVERS": "h1:9092,h2:9092", "security_protocol": "SASL_PLAINTEXT",
              "sasl_mechanism": "SCRAM-SHA-512", "sasl_username": "alice",
              "sasl_password": SECRET}
    return WirestreamSettings(**{**values, **extra})


def test_plaintext_has_no_credentials():
    settings = WirestreamSettings(KAFKA_BOOTSTRAP_SERVERS="h:9092")
    assert kafka_python_config(settings) == {"bootstrap_servers": ["h:9092"],
                                             "security_protocol": "PLAINTEXT"}
    assert faust_credentials(settings) is None


def test_sasl_settings_reach_both_clients():
    config = kafka_python_config(sasl())
    assert config["bootstrap_servers"] == ["h1:9092", "h2:9092"]
    assert (config["sasl_mechanism"], config["sasl_plain_username"],
            config["sasl_plain_password"]) == ("SCRAM-SHA-512", "alice", SECRET)
    creds = faust_credentials(sasl())
    assert creds.mechanism.value == "SCRAM-SHA-512"
    assert creds.username == "alice" and creds.password == SECRET
    assert creds.protocol.value == "SASL_PLAINTEXT"


def test_sasl_ssl_uses_a_verifying_tls_context():
    creds = faust_credentials(sasl(security_protocol="SASL_SSL"))
    assert creds.protocol.value == "SASL_SSL"
    assert creds.ssl_context.verify_mode == ssl.CERT_REQUIRED
    assert kafka_python_config(sasl(security_protocol="SASL_SSL"))["ssl_context"].check_hostname


def test_secrets_are_never_rendered_by_the_settings():
    settings = sasl(ssl_key_password="key-pw")
    for text in (repr(settings), str(settings), settings.model_dump_json()):
        assert SECRET not in text and "key-pw" not in text


def test_child_processes_get_the_real_secret():
    env = settings_env(sasl())
    assert env["WIRESTREAM_SASL_PASSWORD"] == SECRET


@pytest.mark.parametrize("missing", ["sasl_mechanism", "sasl_username", "sasl_password"])
def test_sasl_without_credentials_is_a_clear_error(missing):
    values = {"security_protocol": "SASL_SSL", "sasl_mechanism": "PLAIN",
              "sasl_username": "u", "sasl_password": "p"}
    values.pop(missing)
    with pytest.raises(ValidationError, match="needs WIRESTREAM_SASL_MECHANISM"):
        WirestreamSettings(**values)


def test_unknown_mechanism_is_rejected():
    with pytest.raises(ValidationError):
        WirestreamSettings(sasl_mechanism="GSSAPI-ish")
