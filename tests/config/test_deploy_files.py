"""Docker cannot run on our machines: check the compose file's shape instead."""

import importlib
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_every_service_with_a_healthcheck():
    services = _compose()["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat"}
    for name, svc in services.items():
        assert "healthcheck" in svc, f"{name} has no healthcheck"


def _module_of(command: str) -> list[str]:
    words = []
    for word in shlex.split(command):
        # `sh -c "a && b"` carries the real commands in one argument.
        words.extend(shlex.split(word) if " " in word else [word])
    modules = []
    for i, word in enumerate(words):
        if word.startswith("config.") and ":" not in word and word != "config.settings":
            modules.append(word)
        if word == "-A":
            modules.append(words[i + 1])
        if word == "manage.py":
            assert (ROOT / "manage.py").exists()
    return modules


def test_service_commands_point_at_modules_that_exist():
    services = _compose()["services"]
    seen = []
    for name in ("web", "worker", "beat"):
        command = services[name]["command"]
        if isinstance(command, list):
            command = " ".join(command)
        for module in _module_of(command):
            importlib.import_module(module)
            seen.append(module)
    assert "config.wsgi" in seen and "config" in seen
    from config.wsgi import application

    assert callable(application)


def test_web_migrates_on_start_and_uses_gunicorn():
    web = _compose()["services"]["web"]
    command = web["command"] if isinstance(web["command"], str) else " ".join(web["command"])
    assert "migrate" in command
    assert "gunicorn" in command
    assert web["environment"]["APP_ENV"] == "production"


def test_dockerfile_installs_the_project():
    text = (ROOT / "Dockerfile").read_text()
    assert "pip install" in text
    assert "collectstatic" in text
