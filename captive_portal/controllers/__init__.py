"""Controller adapters: one per Wi-Fi gateway family, behind ``base.Controller``."""

from __future__ import annotations

from captive_portal.controllers.base import Controller
from captive_portal.controllers.coova import CoovaChilliController
from captive_portal.controllers.meraki import MerakiController
from captive_portal.controllers.mikrotik import MikrotikController
from captive_portal.controllers.opennds import OpenNdsController
from captive_portal.controllers.simulated import SimulatedController
from captive_portal.controllers.unifi import UnifiController

CONTROLLERS = ("opennds", "coova", "meraki", "unifi", "mikrotik", "simulated")

__all__ = ["CONTROLLERS", "Controller", "CoovaChilliController", "MerakiController",
           "MikrotikController", "OpenNdsController", "SimulatedController", "UnifiController"]
