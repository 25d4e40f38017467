"""docker-compose.yml wiring (no Docker engine runs here, so the file is checked, not run)."""

from pathlib import PurePosixPath

import yaml
from conftest import ADDON_DIR, ROOT


def load():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_images_and_database_health():
    services = load()["services"]
    assert services["odoo"]["image"] == "odoo:19.0"
    assert services["db"]["image"] == "postgres:16"
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    for name in ("odoo", "odoo-init"):
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"


def test_addon_mounted_into_extra_addons():
    services = load()["services"]
    for name in ("odoo", "odoo-init"):
        mounts = [volume.split(":") for volume in services[name]["volumes"]]
        addon = [m for m in mounts if m[0].startswith("./")]
        assert len(addon) == 1
        host, container = addon[0][0], addon[0][1]
        assert (ROOT / host).resolve() == ADDON_DIR
        assert PurePosixPath(container).parent == PurePosixPath("/mnt/extra-addons")
        assert PurePosixPath(container).name == ADDON_DIR.name


def test_ports_on_loopback_and_named_volumes():
    config = load()
    services = config["services"]
    for service in services.values():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), port
    assert services["odoo"]["ports"] == ["127.0.0.1:8069:8069"]
    assert {"postgres-data", "odoo-filestore"} <= set(config["volumes"])
    assert "postgres-data:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "odoo-filestore:/var/lib/odoo" in services["odoo"]["volumes"]


def test_one_shot_init_installs_the_addon_with_demo():
    init = load()["services"]["odoo-init"]
    assert init["profiles"] == ["init"]
    command = init["command"]
    assert "--stop-after-init" in command and "--with-demo" in command
    assert command[command.index("--init") + 1] == ADDON_DIR.name
