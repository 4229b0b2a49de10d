from chassis.config import ServiceConfig


def test_defaults_are_embedded(monkeypatch, tmp_path):
    monkeypatch.setenv("GUICHET_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CARDS_DATABASE_URL", raising=False)
    monkeypatch.delenv("BUS_URL", raising=False)
    config = ServiceConfig.from_env("cards")
    assert config.database_url == f"sqlite:///{tmp_path / 'cards.db'}"
    assert config.bus_url == "memory://"


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("CARDS_DATABASE_URL", "postgresql://db/cards")
    monkeypatch.setenv("BUS_URL", "amqp://guest:guest@mq//")
    monkeypatch.setenv("CARDS_END_DATE_MAX_AGE_DAYS", "90")
    config = ServiceConfig.from_env("cards")
    assert config.database_url == "postgresql://db/cards"
    assert config.bus_url == "amqp://guest:guest@mq//"
    assert config.setting("END_DATE_MAX_AGE_DAYS", "365") == "90"
