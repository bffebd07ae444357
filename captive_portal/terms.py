"""The versioned terms of use of the regional Wi-Fi (also its privacy notice). A new version gets
a new ``TERMS_VERSION``; each grant records the version the visitor accepted."""

from __future__ import annotations

TERMS_VERSION = "2026-11-01"

TERMS: dict[str, str] = {
    "cs": "Připojení k veřejné Wi-Fi Libereckého kraje je zdarma a bez registrace. Síť "
          "nepoužívejte k protiprávní činnosti ani k obtěžování ostatních; rychlost a dostupnost "
          "nejsou zaručeny. Neukládáme vaši MAC ani IP adresu: ke každému připojení evidujeme "
          "jen místo, čas, verzi těchto podmínek a pseudonym, který se každý den mění, a to "
          "nejdéle 30 dní. Souhrnné počty připojení za hodinu zveřejňujeme jako otevřená data. "
          "Správcem je Liberecký kraj.",
    "en": "The Liberec Region's public Wi-Fi is free and needs no registration. Do not use it "
          "for unlawful activity or to harass others; speed and availability are not "
          "guaranteed. We do not store your MAC or IP address: for each connection we keep only "
          "the place, the time, the version of these terms and a pseudonym that changes every "
          "day, for at most 30 days. Hourly totals of connections are published as open data. "
          "The controller is the Liberec Region.",
    "de": "Das öffentliche WLAN der Region Liberec ist kostenlos und ohne Registrierung. "
          "Nutzen Sie es nicht für rechtswidrige Zwecke oder um andere zu belästigen; "
          "Geschwindigkeit und Verfügbarkeit sind nicht garantiert. Wir speichern weder Ihre "
          "MAC- noch Ihre IP-Adresse: Zu jeder Verbindung halten wir nur Ort, Zeit, die Version "
          "dieser Bedingungen und ein täglich wechselndes Pseudonym fest, höchstens 30 Tage "
          "lang. Stündliche Summen der Verbindungen veröffentlichen wir als offene Daten. "
          "Verantwortlich ist die Region Liberec.",
    "pl": "Publiczne Wi-Fi Kraju libereckiego jest bezpłatne i nie wymaga rejestracji. Nie "
          "używaj sieci do działań niezgodnych z prawem ani do nękania innych; prędkość i "
          "dostępność nie są gwarantowane. Nie zapisujemy Twojego adresu MAC ani IP: przy "
          "każdym połączeniu odnotowujemy tylko miejsce, czas, wersję tych warunków i pseudonim "
          "zmieniający się codziennie, najdłużej przez 30 dni. Godzinowe sumy połączeń "
          "publikujemy jako otwarte dane. Administratorem jest Kraj liberecki.",
}
